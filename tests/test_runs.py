"""Unattended runs: the lock (waiting, exiting with 75, taking over from a killed run), the run
report (runs table, public/_status.json, summary), exit codes, and runs killed with SIGKILL."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from archive.runs import (
    ExitCode,
    LockedError,
    RunLock,
    RunReport,
    lock_path_for,
    outcome,
    summary_lines,
)
from tests.conftest import ROOT, run_build

DEMO = ROOT / "content" / "demo"
HOLD = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from archive.runs import RunLock
    lock = RunLock(__import__("pathlib").Path({path!r}), "holder").acquire()
    print("held", flush=True)
    time.sleep(float({seconds!r}))
    lock.release()
    """
)


def hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the lock for `seconds` (returns once it holds it)."""
    code = HOLD.format(root=str(ROOT), path=str(path), seconds=seconds)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


@pytest.fixture(scope="module")
def outlets():
    from sitegen.serve import start_server

    server = start_server(DEMO / "site", placeholder="__BASE__")
    yield server.url.rstrip("/")
    server.stop()


def sources_file(folder: Path, base: str, broken: bool = False) -> Path:
    text = (DEMO / "sources.toml").read_text().replace("__BASE__", base)
    if broken:
        text += textwrap.dedent(
            f"""
            [[source]]
            key = "gone"
            name = "없어진신문"
            kind = "rss"
            url = "{base}/gone/rss.xml"
            allow_private = true
            rate = 0
            """
        )
    path = folder / ("broken.toml" if broken else "sources.toml")
    path.write_text(text, encoding="utf-8")
    return path


# -- the lock --------------------------------------------------------------------------------
def test_lock_excludes_waits_and_names_the_holder(tmp_path):
    path = tmp_path / "archive.sqlite3.lock"
    holder = hold_lock(path, 1.5)
    try:
        started = time.monotonic()
        with pytest.raises(LockedError, match=f"pid {holder.pid}"):
            RunLock(path).acquire(wait=0.3)
        assert time.monotonic() - started < 1.4
        lock = RunLock(path).acquire(wait=10)  # the holder lets go after 1.5 s
        assert lock.took_over is None  # released cleanly: nothing to take over
        lock.release()
    finally:
        holder.kill()
        holder.wait()


def test_lock_of_a_killed_run_is_taken_over(tmp_path):
    path = tmp_path / "archive.sqlite3.lock"
    holder = hold_lock(path, 60)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    lock = RunLock(path).acquire(wait=0)
    try:
        assert lock.took_over is not None and lock.took_over.pid == holder.pid
        assert lock.took_over.is_gone()
        assert json.loads(path.read_text())["pid"] == os.getpid()
    finally:
        lock.release()
    assert path.read_text() == ""


# -- report and exit codes -------------------------------------------------------------------
def test_outcome_and_summary():
    report = RunReport("update", "2026-11-23T10:00:00+09:00")
    with report.stage("collect"):
        pass
    assert outcome(report) == ("failed", ExitCode.FAILED)  # nothing rendered
    with report.stage("render"):
        pass
    assert outcome(report) == ("ok", ExitCode.OK)
    report.source_failures = [{"source": "gone", "error": "HTTP 404"}]
    assert outcome(report) == ("degraded", ExitCode.DEGRADED)
    with pytest.raises(RuntimeError), report.stage("publish"):
        raise RuntimeError("disk full")
    report.finish()
    assert (report.status, report.exit_code) == ("failed", ExitCode.FAILED)
    text = "\n".join(summary_lines(report))
    assert "source gone failed: HTTP 404" in text
    assert "publish failed: RuntimeError: disk full" in text
    assert "render 0.0s" in text


def test_update_with_a_failing_source_reports_and_exits_3(tmp_path, outlets):
    public = tmp_path / "public"
    args = ["--archive", str(tmp_path / "a.db"), "--public", str(public)]
    broken = sources_file(tmp_path, outlets, broken=True)
    result = run_build(*args, "update", "--no-search", "--sources", str(broken), check=False)
    assert result.returncode == ExitCode.DEGRADED, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert any("source gone failed" in line for line in lines)
    assert any(line.startswith("time: collect") for line in lines)
    totals = json.loads(lines[-1])
    assert totals["failed_sources"] == 1 and totals["new"] > 10 and totals["exit_code"] == 3
    status = json.loads((public / "_status.json").read_text())
    assert status["status"] == "degraded" and status["source_failures"][0]["source"] == "gone"
    assert [s["name"] for s in status["stages"]] == ["collect", "tag", "render"]
    with sqlite3.connect(tmp_path / "a.db") as conn:
        row = conn.execute("SELECT status, report FROM runs ORDER BY id DESC").fetchone()
    assert row[0] == "degraded" and json.loads(row[1])["exit_code"] == 3
    assert " INFO " in result.stderr and "\x1b[" not in result.stderr  # plain lines off a TTY

    good = sources_file(tmp_path, outlets)
    quiet = run_build(*args, "update", "--quiet", "--no-search", "--sources", str(good))
    assert quiet.stdout == "" and quiet.stderr == ""  # cron mails nothing when all is well


def test_update_that_cannot_render_exits_4_and_keeps_the_report(tmp_path, outlets):
    public = tmp_path / "public"
    public.write_text("a file where the site folder should be")
    args = ["--archive", str(tmp_path / "a.db"), "--public", str(public)]
    good = sources_file(tmp_path, outlets)
    result = run_build(*args, "update", "--no-search", "--sources", str(good), check=False)
    assert result.returncode == ExitCode.FAILED
    assert "render failed" in result.stdout
    with sqlite3.connect(tmp_path / "a.db") as conn:
        assert conn.execute("SELECT status FROM runs").fetchone()[0] == "failed"
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] > 10  # collected


def test_concurrent_update_waits_then_exits_with_the_lock_code(tmp_path, outlets):
    archive = tmp_path / "a.db"
    args = ["--archive", str(archive), "--public", str(tmp_path / "public")]
    good = sources_file(tmp_path, outlets)
    holder = hold_lock(lock_path_for(archive), 30)
    try:
        started = time.monotonic()
        result = run_build(
            *args, "update", "--wait", "1", "--sources", str(good), "--no-search", check=False
        )
        assert result.returncode == ExitCode.LOCKED
        assert 1 <= time.monotonic() - started < 20
        assert f"pid {holder.pid}" in result.stderr and "--wait" in result.stderr
    finally:
        holder.kill()
        holder.wait()
    # Two real runs at once: one runs, the other waits for it and then runs too.
    command = [sys.executable, str(ROOT / "build.py"), *args, "update", "--no-search"]
    command += ["--sources", str(good), "--wait", "120"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)]
    time.sleep(0.3)
    runs.append(
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    )
    outputs = [proc.communicate(timeout=300) for proc in runs]
    assert [proc.returncode for proc in runs] == [0, 0], outputs
    news = sorted(json.loads(out.splitlines()[-1])["new"] for out, _ in outputs)
    assert news[0] == 0 and news[1] > 10  # the second saw the first one's articles
    assert any("waiting up to 120s" in err for _, err in outputs)
    with sqlite3.connect(archive) as conn:
        spans = conn.execute("SELECT started, finished FROM runs ORDER BY id").fetchall()
    assert spans[0][1] <= spans[1][0]  # they never overlapped


# -- kill -9 ---------------------------------------------------------------------------------
def site_is_whole(site: Path) -> None:
    """Every page the published sitemap lists is there, and the home page is complete."""
    assert (site / "index.html").read_text().rstrip().endswith("</html>")
    sitemap = (site / "sitemap.xml").read_text()
    base = "http://127.0.0.1:8000/"
    for loc in sitemap.split("<loc>")[1:]:
        path = loc.split("</loc>")[0].removeprefix(base)
        page = site / path / "index.html" if not path.endswith(".html") else site / path
        assert page.is_file(), page
        assert page.read_text().rstrip().endswith("</html>"), page


def test_runs_killed_at_random_points_leave_everything_whole(tmp_path, outlets):
    archive, dest = tmp_path / "a.db", tmp_path / "www"
    args = ["--archive", str(archive), "--public", str(tmp_path / "public")]
    good = sources_file(tmp_path, outlets)
    command = [sys.executable, str(ROOT / "build.py"), *args, "update", "--no-search"]
    command += ["--sources", str(good), "--base-url", "http://127.0.0.1:8000/"]
    command += ["--target", "dir", "--dest", str(dest), "--wait", "30"]
    rng = random.Random(9)
    killed, latest = 0, 3.5  # kill within `latest` seconds of the start
    for round_ in range(10):
        if round_ >= 5 and killed >= 3:
            break
        if round_ == 2:
            # Start from a fresh archive once, so that kills also land during collection.
            for stale in tmp_path.glob("a.db*"):
                stale.unlink()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1 * latest, latest))
        proc.send_signal(signal.SIGKILL)
        if proc.wait() == -signal.SIGKILL:
            killed += 1
        else:  # the run finished before the kill (a fast machine): kill sooner next time
            latest = max(0.3, latest / 2)
        with sqlite3.connect(archive) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if dest.exists():
            site_is_whole(dest)
    assert killed >= 3  # rounds were cut short, not finished before the kill
    final = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert final.returncode == 0, final.stdout + final.stderr[-3000:]
    site_is_whole(dest)
    with sqlite3.connect(archive) as conn:
        statuses = [row[0] for row in conn.execute("SELECT status FROM runs ORDER BY id")]
    assert statuses[-1] == "ok"
    assert "running" not in statuses  # killed runs are marked abandoned by the next one
    assert not list(dest.with_name("www.releases").glob("*.partial"))
