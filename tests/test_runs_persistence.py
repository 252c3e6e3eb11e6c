"""Archive persistence between CI runs: a runner with a fresh disk continues where the last one
left off, from the cached SQLite file or from an export imported into a new archive."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_build

DEMO = ROOT / "content" / "demo"


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    """One CI run: collect the demo outlets into an archive, render, export."""
    from sitegen.serve import start_server

    work = tmp_path_factory.mktemp("ci")
    server = start_server(DEMO / "site", placeholder="__BASE__")
    sources = work / "sources.toml"
    sources.write_text((DEMO / "sources.toml").read_text().replace("__BASE__", server.url[:-1]))
    runner = work / "runner1"
    args = ["--archive", str(runner / "data" / "archive.sqlite3")]
    args += ["--public", str(runner / "public")]
    result = run_build(*args, "update", "--no-search", "--sources", str(sources))
    run_build(*args, "export", str(work / "archive.jsonl"))
    yield {"work": work, "sources": sources, "runner": runner, "result": result}
    server.stop()


def _update(runner: Path, sources: Path):
    args = ["--archive", str(runner / "data" / "archive.sqlite3")]
    args += ["--public", str(runner / "public")]
    result = run_build(*args, "update", "--no-search", "--sources", str(sources))
    return json.loads(result.stdout.splitlines()[-1])


def _count(archive: Path) -> int:
    with sqlite3.connect(archive) as conn:
        return conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_cached_archive_file_continues_on_a_fresh_runner(first_run):
    """What actions/cache does: data/ restored on a new machine, public/ gone."""
    first = json.loads(first_run["result"].stdout.splitlines()[-1])
    assert first["new"] > 10
    runner = first_run["work"] / "runner2"
    shutil.copytree(first_run["runner"] / "data", runner / "data")
    assert not list((runner / "data").glob("*-wal"))  # checkpointed: the one file is enough
    again = _update(runner, first_run["sources"])
    assert again["new"] == 0 and again["status"] == "ok"
    assert again["pages"] == first["pages"]
    assert (runner / "public" / "index.html").is_file()


def test_export_imported_into_a_new_archive_continues(first_run):
    """What an artifact holding `build.py export` does: a new archive, the same articles."""
    work = first_run["work"]
    runner = work / "runner3"
    archive = runner / "data" / "archive.sqlite3"
    imported = run_build("--archive", str(archive), "import", str(work / "archive.jsonl"))
    counts = json.loads(imported.stdout)
    assert counts["new"] == _count(first_run["runner"] / "data" / "archive.sqlite3")
    again = _update(runner, first_run["sources"])
    assert again["new"] == 0  # every article is known: nothing fetched twice
    assert _count(archive) == counts["new"]


def test_the_ci_workflow_carries_the_archive_and_deploys(root):
    """The example workflow: hourly, data/ restored and saved, update's codes, Pages deploy."""
    import yaml

    flow = yaml.safe_load((root / ".github/workflows/scheduled-build.yml").read_text())
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads `on` as true
    assert triggers["schedule"][0]["cron"].split()[1:] == ["*", "*", "*", "*"]  # hourly
    steps = flow["jobs"]["build"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    restore = steps[uses.index("actions/cache/restore@v4")]
    save = steps[uses.index("actions/cache/save@v4")]
    assert restore["with"]["path"] == save["with"]["path"] == "data/"
    assert restore["with"]["restore-keys"].strip() == "archive-"
    update = next(step["run"] for step in steps if "build.py update" in step.get("run", ""))
    assert "-ne 3" in update and "--wait" in update
    assert any("build.py export" in step.get("run", "") for step in steps)
    deploy = flow["jobs"]["deploy"]["steps"][0]["uses"]
    assert deploy.startswith("actions/deploy-pages@")
