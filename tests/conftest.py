"""Shared fixtures: one analyzer per test session, one demo build per session, paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))


CHROMIUM = "/usr/bin/chromium"
# Headless Debian Chromium as root on a machine with no outside network: no sandbox, no GPU,
# and none of the background connections that would be refused here.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright):
    """Debian's Chromium through Playwright, the same way in every browser test."""
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run scripts/setup.sh --test")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="module")
def taxonomy(root):
    """The project's taxonomy (content/taxonomy/), loaded once per test module."""
    from archive.taxonomy import load_taxonomy

    return load_taxonomy(root / "content" / "taxonomy")


@pytest.fixture
def store(tmp_path):
    """A fresh archive holding the site fixture's articles (tests/fixtures/site/articles.jsonl)."""
    from archive.jsonl import import_articles
    from archive.store import Store

    with Store.open(tmp_path / "a.db") as opened:
        import_articles(opened, ROOT / "tests" / "fixtures" / "site" / "articles.jsonl")
        yield opened


@pytest.fixture
def templates(root, tmp_path) -> Path:
    """A private copy of the site templates that a test may edit."""
    import shutil

    return Path(shutil.copytree(root / "site_templates", tmp_path / "templates"))


@pytest.fixture(scope="session")
def pipeline():
    """The real KoNLPy (Mecab) pipeline over the project's taxonomy, started once."""
    from nlp.pipeline import open_pipeline

    return open_pipeline(ROOT / "content" / "taxonomy", cache_dir=ROOT / ".cache" / "analyzer")


def run_build(*args: str, cwd: Path = ROOT, check: bool = True, timeout: int = 600):
    """Run `build.py` as a user would, in a subprocess."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"build.py {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout[-3000:]}\nstderr:\n{result.stderr[-5000:]}"
        )
    return result


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> dict[str, Path]:
    """`build.py demo --no-serve` run once: the archive and the built site."""
    work = tmp_path_factory.mktemp("demo")
    archive, public = work / "archive.sqlite3", work / "public"
    result = run_build("--archive", str(archive), "--public", str(public), "demo", "--no-serve")
    return {
        "archive": archive.with_name("demo.sqlite3"),
        "public": public,
        "work": work,
        "stdout": result.stdout,
        "stderr": result.stderr,
    }


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "dev" / "seed_labels.jsonl").exists():
        pytest.skip("../shared is not beside the project")
    return SHARED


class CountingStore:
    """Mixed into the real Store by the batch tests: notes the most articles (with their texts)
    one call of `articles_with_tagged_with` read."""

    largest = 0

    def articles_with_tagged_with(self, ids):
        rows = super().articles_with_tagged_with(ids)  # type: ignore[misc]
        self.largest = max(self.largest, len(rows))
        return rows
