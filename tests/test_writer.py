"""The writer's fast path for folders it makes itself (one mkdir, then temp file + rename, no
look-ups) keeps its promises: whole files only, unchanged files left alone, never a write
through a link, workers sharing folders, and a failed write leaves the old file or none."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sitegen.writer import OutputError, Writer


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".tmp-*")]


def test_new_folders_get_whole_files_and_a_second_run_compares(tmp_path: Path) -> None:
    out = tmp_path / "public"  # not there yet: the writer makes it
    pages = {
        f"articles/2025/0{m}/{n:04d}/index.html": f"<p>{m}-{n}</p>".encode()
        for m in (1, 2)
        for n in range(30)
    }
    pages["index.html"] = b"<h1>home</h1>"
    writer = Writer(out)
    for relative, data in pages.items():
        writer.write(relative, data)
    assert writer.report.written == len(pages) and writer.report.unchanged == 0
    assert {
        p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()
    } == pages
    assert _leftovers(out) == []

    again = Writer(out)  # the next render: the folders exist, so files are compared first
    changed = {
        "index.html": b"<h1>HOME</h1>",  # same size, other bytes
        "articles/2025/01/0003/index.html": b"<p>longer now</p>",
    }
    for relative, data in {**pages, **changed}.items():
        again.write(relative, data)
    assert (again.report.written, again.report.unchanged) == (2, len(pages) - 2)
    assert (out / "index.html").read_bytes() == b"<h1>HOME</h1>"
    assert _leftovers(out) == []


def test_a_link_put_in_a_folder_it_made_is_replaced_never_followed(tmp_path: Path) -> None:
    out, outside = tmp_path / "public", tmp_path / "outside"
    outside.mkdir()
    (outside / "target.html").write_bytes(b"precious")
    writer = Writer(out)
    writer.write("a/b/one.html", b"one")  # makes a/ and a/b/
    (out / "a" / "b" / "two.html").symlink_to(outside / "target.html")
    writer.write("a/b/two.html", b"two")
    assert (outside / "target.html").read_bytes() == b"precious"
    assert not (out / "a" / "b" / "two.html").is_symlink()
    assert (out / "a" / "b" / "two.html").read_bytes() == b"two"
    (out / "a" / "c").symlink_to(outside)  # a folder it has not seen: checked, refused
    with pytest.raises(OutputError, match="refusing to write outside"):
        writer.write("a/c/index.html", b"pwned")
    assert sorted(p.name for p in outside.iterdir()) == ["target.html"]


def test_writers_of_two_workers_share_folders(tmp_path: Path) -> None:
    out = tmp_path / "public"
    first, second = Writer(out), Writer(out)
    first.write("regions/seoul/index.html", b"seoul")  # makes regions/
    second.write("regions/busan/index.html", b"busan")  # regions/ is there already
    first.write("regions/jeju/index.html", b"jeju")
    assert sorted(p.parent.name for p in (out / "regions").rglob("index.html")) == [
        "busan",
        "jeju",
        "seoul",
    ]


FAILING_WRITE = """
import resource, signal, sys
from pathlib import Path
sys.path.insert(0, {root!r})
from sitegen.writer import OutputError, Writer

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # over the limit: write() fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
writer = Writer(Path({out!r}))
for relative in ("new/folder/index.html", "old/index.html"):
    try:
        writer.write(relative, b"x" * 200_000)
    except OutputError as exc:
        print("refused:", relative, exc)
"""


def test_a_write_that_fails_half_way_leaves_the_old_file_or_none(root: Path, tmp_path: Path):
    """A write cut off half way (here: over the file size limit, like a full disk) never
    leaves a truncated file under the page's name, in a new folder or over an old file."""
    out = tmp_path / "public"
    (out / "old").mkdir(parents=True)
    (out / "old" / "index.html").write_bytes(b"the old page")
    script = FAILING_WRITE.format(root=str(root), out=str(out))
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("refused:") == 2, result.stdout
    assert "cannot write" in result.stdout
    assert not (out / "new" / "folder" / "index.html").exists()
    assert (out / "old" / "index.html").read_bytes() == b"the old page"
    assert _leftovers(out) == []
