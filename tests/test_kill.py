"""No data lost: `build.py update` killed with SIGKILL at random points of collect, tag, render and
publish (a seeded RNG picks them), and a full disk (RLIMIT_FSIZE in the child).

After every kill: the archive passes `PRAGMA integrity_check`, no stored article is lost, the
published site is exactly the old or the new one (compared with the two known trees), and the next
run carries on; at the end a run completes and publishes the new site.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import ROOT

DEMO = ROOT / "content" / "demo"
SEED = 7
KILLS = 20
MAX_RUNS = 30
STAGES = ("collect", "tag", "render", "publish")
pytestmark = pytest.mark.slow


def _tree(dest: Path) -> dict[str, str]:
    """The published files (the run report _status.json aside, it holds the run's times)."""
    root = dest.resolve()
    return {
        f.relative_to(root).as_posix(): hashlib.sha1(f.read_bytes()).hexdigest()
        for f in sorted(root.rglob("*"))
        if f.is_file() and f.name != "_status.json"
    }


def _articles(archive: Path) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(archive) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT id, title, length(text) FROM articles").fetchall()
    return {r[0]: (r[1], r[2]) for r in rows}


class Work:
    """A working folder: archive, public/, the published link and its releases."""

    def __init__(self, folder: Path, sources: Path) -> None:
        self.folder, self.sources = folder, sources

    def args(self) -> list[str]:
        return [
            sys.executable,
            str(ROOT / "build.py"),
            "--archive",
            str(self.folder / "archive.sqlite3"),
            "--public",
            str(self.folder / "public"),
            "update",
            "--sources",
            str(self.sources),
            "--no-search",
            "--target",
            "dir",
            "--dest",
            str(self.folder / "live"),
        ]

    def run(self, **options) -> subprocess.CompletedProcess:
        return subprocess.run(
            self.args(), cwd=ROOT, capture_output=True, text=True, timeout=120, **options
        )

    @property
    def archive(self) -> Path:
        return self.folder / "archive.sqlite3"

    @property
    def live(self) -> Path:
        return self.folder / "live"


@pytest.fixture(scope="module")
def states(tmp_path_factory):
    """The old state (outlet A collected and published) and the two known published trees."""
    from sitegen.serve import start_server

    base = tmp_path_factory.mktemp("kill")
    server = start_server(DEMO / "site", placeholder="__BASE__")
    full = (DEMO / "sources.toml").read_text().replace("__BASE__", server.url.rstrip("/"))
    (base / "full.toml").write_text(full)
    (base / "old.toml").write_text("[[source]]".join(full.split("[[source]]")[:2]))
    snapshot = base / "snapshot"
    snapshot.mkdir()
    first = Work(snapshot, base / "old.toml").run()
    assert first.returncode == 0, first.stderr[-2000:]
    old_tree, old_articles = _tree(snapshot / "live"), _articles(snapshot / "archive.sqlite3")
    check = base / "check"
    shutil.copytree(snapshot, check, symlinks=True)
    started = time.monotonic()
    full_run = Work(check, base / "full.toml").run()
    wall = time.monotonic() - started
    assert full_run.returncode == 0, full_run.stderr[-2000:]
    timing = dict(
        re.findall(
            r"(\w+) ([\d.]+)s",
            next(line for line in full_run.stdout.splitlines() if line.startswith("time:")),
        )
    )
    yield {
        "base": base,
        "snapshot": snapshot,
        "old_tree": old_tree,
        "new_tree": _tree(check / "live"),
        "old_articles": old_articles,
        "new_articles": _articles(check / "archive.sqlite3"),
        "wall": wall,
        "timing": {stage: float(timing.get(stage, 0.1)) for stage in STAGES},
    }
    server.stop()


def _assert_new_site(states, work: Work, tmp_path: Path) -> None:
    """The live site is the new one: the fixture's, or, when other engineers changed the
    taxonomy or the relevance model while the suite runs, that of the same run, never killed,
    from the old state with the code and content of now."""
    if _tree(work.live) != states["new_tree"]:
        reference = Work(tmp_path / "reference", states["base"] / "full.toml")
        _restore(states, reference)
        assert reference.run().returncode == 0
        assert _tree(work.live) == _tree(reference.live)


def _restore(states, work: Work) -> None:
    shutil.rmtree(work.folder, ignore_errors=True)
    shutil.copytree(states["snapshot"], work.folder, symlinks=True)


# Log lines that show a run has entered each stage (collect starts with the process).
STAGE_STARTS = {
    "collect": ("new to fetch",),
    "tag": ("wire copies", "analyzer"),
    "render": ("relevance:",),
    "publish": ("sitegen.render: rendered", "build: site:"),
}


def _wait_for_stage(child: subprocess.Popen, log: Path, stage: str) -> bool:
    """Poll the run's log until it shows `stage` has begun; False if the run ended first."""
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if any(mark in text for mark in STAGE_STARTS[stage]):
            return True
        time.sleep(0.01)
    return False


def _stage_reached(log: str) -> str:
    """The last stage the killed run had logged."""
    reached = "collect"
    for stage in STAGES[1:]:
        if any(mark in log for mark in STAGE_STARTS[stage]):
            reached = stage
    return reached


def test_kill_9_at_random_points_loses_nothing(states, tmp_path):
    assert states["old_tree"] != states["new_tree"]
    rng = random.Random(SEED)
    work = Work(tmp_path / "work", states["base"] / "full.toml")
    timing = states["timing"]
    killed, completed, recovered, reached = 0, 0, 0, Counter()
    for _iteration in range(MAX_RUNS):
        if killed >= KILLS:
            break
        _restore(states, work)  # each run starts with the whole update to do
        stage = rng.choice(STAGES)
        log = tmp_path / "run.log"
        with log.open("w") as stream:
            child = subprocess.Popen(work.args(), cwd=ROOT, stdout=stream, stderr=stream)
            # Wait until the run has logged that it entered the stage, then a random part of
            # that stage's usual length: the kill lands inside the stage whatever the load.
            if _wait_for_stage(child, log, stage):
                time.sleep(rng.uniform(0, max(timing[stage], 0.05)))
            if child.poll() is None:
                os.kill(child.pid, signal.SIGKILL)
            child.wait()
        articles = _articles(work.archive)  # integrity_check inside
        assert set(states["old_articles"]) <= set(articles), "a stored article was lost"
        assert all(title and length for title, length in articles.values())
        tree = _tree(work.live)
        assert tree in (states["old_tree"], states["new_tree"]), "the live site is a mix"
        if child.returncode != -signal.SIGKILL:
            assert child.returncode == 0, log.read_text()[-3000:]
            completed += 1
            continue
        killed += 1
        reached[_stage_reached(log.read_text())] += 1
        if killed % 4 == 0:  # the next run after a kill completes and publishes the new site
            again = work.run()
            assert again.returncode == 0, again.stderr[-3000:]
            assert set(articles) <= set(_articles(work.archive)) == set(states["new_articles"])
            recovered += 1
    final = work.run()
    assert final.returncode == 0, final.stderr[-3000:]
    assert set(_articles(work.archive)) == set(states["new_articles"])
    _assert_new_site(states, work, tmp_path)
    assert killed >= KILLS, (killed, completed)
    assert len(reached) >= 3, reached  # the kills landed in several stages
    print(f"\nkills: {killed}, runs not killed: {completed}, recovered after a kill: {recovered}")
    print(f"stage each kill interrupted: {dict(reached)}")


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_full_disk_during_publish_leaves_the_live_site_untouched(states, tmp_path):
    work = Work(tmp_path / "work", states["base"] / "full.toml")
    _restore(states, work)
    full = work.run(preexec_fn=_file_size_limit(4096))  # the archive itself is larger
    assert full.returncode == 4, full.stdout + full.stderr
    assert "cannot open the archive" in full.stderr and "live site is unchanged" in full.stderr
    assert "Traceback" not in full.stderr
    assert _tree(work.live) == states["old_tree"]
    assert set(_articles(work.archive)) == set(states["old_articles"])
    # Room for the archive, none for a new release's pages: the publish fails cleanly.
    limit = work.archive.stat().st_size * 4
    args = work.args()
    render = subprocess.run(args[:10], cwd=ROOT, capture_output=True, text=True)  # no --target
    assert render.returncode == 0, render.stderr[-2000:]
    assert _tree(work.live) == states["old_tree"]
    publish = subprocess.run(
        [*args[:6], "publish", "--target", "dir", "--dest", str(work.live)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        preexec_fn=_file_size_limit(2048),
    )
    assert publish.returncode != 0
    assert "Traceback" not in publish.stderr, publish.stderr[-3000:]
    assert "File too large" in publish.stderr or "cannot" in publish.stderr, publish.stderr
    assert _tree(work.live) == states["old_tree"]
    # The next run (disk space back) completes and publishes the new site.
    again = work.run(preexec_fn=_file_size_limit(limit))
    assert again.returncode == 0, again.stderr[-3000:]
    _assert_new_site(states, work, tmp_path)
    assert set(_articles(work.archive)) == set(states["new_articles"])
