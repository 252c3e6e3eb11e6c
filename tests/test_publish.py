"""Publish targets: a directory swapped atomically with rollback, a git branch (against a local
bare repository) and an S3 bucket (against moto's server on loopback)."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from sitegen.publish.base import PublishError, cache_control, content_type, site_files
from sitegen.publish.directory import DirectoryTarget
from sitegen.publish.gitbranch import GitBranchTarget
from sitegen.publish.s3 import S3Target
from tests.conftest import run_build


def make_site(folder: Path, pages: dict[str, str]) -> Path:
    """A small rendered site: the given files plus the render's own bookkeeping."""
    folder.mkdir(parents=True, exist_ok=True)
    for relative, text in pages.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (folder / ".sitegen-manifest.json").write_text("[]")
    (folder / ".tmp-leftover").write_text("half a page")
    return folder


SITE = {
    "index.html": "<html lang=ko>첫 화면 1</html>",
    "regions/jeju/index.html": "<html>제주</html>",
    "regions/jeju/feed.xml": "<feed/>",
    "sitemap.xml": "<urlset/>",
    "static/style.css": "body{}",
    "_status.json": "{}",
}


def test_site_files_leave_out_the_render_bookkeeping(tmp_path):
    files = site_files(make_site(tmp_path / "public", SITE))
    assert sorted(files) == sorted(SITE)
    with pytest.raises(PublishError, match=r"no index\.html"):
        site_files(tmp_path / "empty")


def test_headers_by_kind():
    assert content_type("a/index.html") == "text/html; charset=utf-8"
    assert content_type("regions/jeju/feed.xml") == "application/atom+xml; charset=utf-8"
    assert content_type("sitemap.xml") == "application/xml; charset=utf-8"
    assert content_type("static/style.css") == "text/css; charset=utf-8"
    assert cache_control("index.html") == "public, max-age=300"
    assert cache_control("static/style.css") == "public, max-age=86400"
    assert cache_control("_status.json") == "no-cache"


# -- directory -------------------------------------------------------------------------------
def test_directory_publish_swaps_atomically_and_rolls_back(tmp_path):
    dest = tmp_path / "www" / "news"
    target = DirectoryTarget(dest)
    first = target.publish(make_site(tmp_path / "v1", SITE))
    assert dest.is_symlink() and first.changed == len(SITE)
    assert (dest / "index.html").read_text() == SITE["index.html"]
    assert not (dest / ".sitegen-manifest.json").exists() and not (dest / ".tmp-leftover").exists()

    changed = {**SITE, "index.html": "<html lang=ko>첫 화면 2</html>"}
    del changed["regions/jeju/feed.xml"]
    second = target.publish(make_site(tmp_path / "v2", changed))
    assert (second.changed, second.unchanged, second.deleted) == (1, len(SITE) - 2, 1)
    assert (dest / "index.html").read_text().endswith("2</html>")
    assert not (dest / "regions/jeju/feed.xml").exists()
    old = target.releases / first.version
    new = target.releases / second.version
    assert os.stat(old / "sitemap.xml").st_ino == os.stat(new / "sitemap.xml").st_ino  # shared

    back = target.rollback()
    assert back.version == first.version
    assert (dest / "index.html").read_text().endswith("1</html>")
    assert (dest / "regions/jeju/feed.xml").exists()
    with pytest.raises(PublishError, match="no earlier release"):
        target.rollback()


def test_directory_keeps_only_recent_releases_and_clears_partials(tmp_path):
    target = DirectoryTarget(tmp_path / "news", keep=2)
    (target.releases / "20200101T000000.partial").mkdir(parents=True)  # a killed publish
    versions = []
    for n in range(4):
        site = make_site(tmp_path / f"v{n}", {**SITE, "index.html": f"<html>{n}</html>"})
        versions.append(target.publish(site).version)
    kept = sorted(p.name for p in target.releases.iterdir() if p.is_dir())
    assert kept == sorted(versions[-2:])


def test_readers_never_see_a_half_published_site(tmp_path):
    dest = tmp_path / "news"
    target = DirectoryTarget(dest)
    pages = {f"articles/{n}/index.html": f"<html>기사 {n}</html>" for n in range(150)}
    target.publish(make_site(tmp_path / "v0", {**SITE, **pages}))
    stop, problems = threading.Event(), []

    def read() -> None:
        while not stop.is_set():
            try:
                index = (dest / "index.html").read_text()
                article = (dest / "articles/149/index.html").read_text()
            except OSError as exc:
                problems.append(repr(exc))
                continue
            if not index.startswith("<html") or not article.endswith("</html>"):
                problems.append("partial file")

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    try:
        for n in range(1, 6):
            site = {**SITE, **pages, "index.html": f"<html lang=ko>판 {n}</html>"}
            target.publish(make_site(tmp_path / f"v{n}", site))
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert problems == []


def test_directory_refuses_to_replace_a_real_folder(tmp_path):
    (tmp_path / "news").mkdir()
    with pytest.raises(PublishError, match="real directory"):
        DirectoryTarget(tmp_path / "news").publish(make_site(tmp_path / "v1", SITE))


def test_publish_command_and_rollback(tmp_path):
    public, dest = make_site(tmp_path / "public", SITE), tmp_path / "www"
    args = ["--archive", str(tmp_path / "a.db"), "--public", str(public), "publish"]
    first = json.loads(run_build(*args, "--target", "dir", "--dest", str(dest)).stdout)
    assert first["changed"] == len(SITE) and dest.is_symlink()
    (public / "index.html").write_text("<html>새 판</html>")
    run_build(*args, "--target", "dir", "--dest", str(dest))
    assert (dest / "index.html").read_text() == "<html>새 판</html>"
    run_build(*args, "--target", "dir", "--dest", str(dest), "--rollback")
    assert (dest / "index.html").read_text() == SITE["index.html"]
    missing = run_build(*args, "--target", "dir", check=False)
    assert missing.returncode == 2 and "--dest" in missing.stderr


# -- git -------------------------------------------------------------------------------------
def git(*args: str, cwd: Path | None = None) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def test_git_branch_commits_only_changed_files_and_pushes(tmp_path):
    remote = tmp_path / "remote.git"
    git("init", "--quiet", "--bare", str(remote))
    target = GitBranchTarget(str(remote), "gh-pages", workdir=tmp_path / "work")
    first = target.publish(make_site(tmp_path / "v1", SITE))
    assert first.changed == len(SITE) and len(first.version) == 40
    listed = git("--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages").split()
    assert sorted(listed) == sorted([*SITE, ".nojekyll"])

    changed = {**SITE, "index.html": "<html>둘째 판</html>"}
    del changed["regions/jeju/feed.xml"]
    second = target.publish(make_site(tmp_path / "v2", changed))
    assert (second.changed, second.deleted) == (1, 1)
    names = git("--git-dir", str(remote), "show", "--name-status", "--format=", "gh-pages")
    assert sorted(names.split("\n")[:-1]) == ["D\tregions/jeju/feed.xml", "M\tindex.html"]
    shown = git("--git-dir", str(remote), "show", "gh-pages:index.html")
    assert shown == "<html>둘째 판</html>"

    again = target.publish(make_site(tmp_path / "v2", changed))  # nothing new: no commit
    assert again.version == second.version and "nothing changed" in again.notes[0]

    fresh = GitBranchTarget(str(remote), "gh-pages", workdir=tmp_path / "other")  # CI: new disk
    back = fresh.rollback()
    assert back.previous == second.version
    assert git("--git-dir", str(remote), "show", "gh-pages:index.html") == SITE["index.html"]


def test_git_target_names_an_unreachable_remote(tmp_path):
    target = GitBranchTarget(str(tmp_path / "nowhere.git"), workdir=tmp_path / "work")
    with pytest.raises(PublishError, match="not reachable"):
        target.publish(make_site(tmp_path / "v1", SITE))


# -- S3 --------------------------------------------------------------------------------------
@pytest.fixture
def s3(monkeypatch):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    endpoint = f"http://{host}:{port}"
    target = S3Target("news", prefix="site", endpoint_url=endpoint)
    client = target._client()
    client.create_bucket(Bucket="news")
    client.put_object(Bucket="news", Key="elsewhere/keep.txt", Body=b"not ours")
    yield target, client
    server.stop()


def test_s3_uploads_only_changes_with_headers_and_deletes(s3, tmp_path):
    target, client = s3
    first = target.publish(make_site(tmp_path / "v1", SITE))
    assert first.changed == len(SITE)
    head = client.head_object(Bucket="news", Key="site/index.html")
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert head["CacheControl"] == "public, max-age=300"
    feed = client.head_object(Bucket="news", Key="site/regions/jeju/feed.xml")
    assert feed["ContentType"] == "application/atom+xml; charset=utf-8"
    css = client.head_object(Bucket="news", Key="site/static/style.css")
    assert css["ContentType"] == "text/css; charset=utf-8"
    assert css["CacheControl"] == "public, max-age=86400"

    changed = {**SITE, "index.html": "<html>둘째 판</html>"}
    del changed["regions/jeju/feed.xml"]
    second = target.publish(make_site(tmp_path / "v2", changed))
    assert (second.changed, second.unchanged, second.deleted) == (1, len(SITE) - 2, 1)
    body = client.get_object(Bucket="news", Key="site/index.html")["Body"].read()
    assert body.decode() == "<html>둘째 판</html>"
    keys = {o["Key"] for o in client.list_objects_v2(Bucket="news")["Contents"]}
    assert "site/regions/jeju/feed.xml" not in keys
    assert "elsewhere/keep.txt" in keys  # outside the prefix: never touched
    with pytest.raises(PublishError, match="keeps no earlier site"):
        target.rollback()


def test_s3_needs_credentials_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID", raising=False)
    target = S3Target("news", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(PublishError, match="AWS_ACCESS_KEY_ID"):
        target.publish(make_site(tmp_path / "v1", SITE))
