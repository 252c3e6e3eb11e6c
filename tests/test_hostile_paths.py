"""No path escapes: names and slugs from strangers (candidate companies found in articles, hostile
titles and URLs) never write outside the output directory, never collide silently, are never empty.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.romanize import slug_for
from sitegen.writer import OutputError, Writer
from tests.conftest import ROOT, run_build

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HOSTILE_NAMES = [
    "../../etc/passwd",
    "/etc/passwd",
    "..",
    "a\x00b",
    "C:\\Windows\\system32",
    "카카오" * 200,
    "ｋａｋａｏ",  # full-width look-alike of an existing slug
    "кaкao",  # Cyrillic look-alike
    "\u202ekakao",
    "💥",
    "",
    " ",
    "%2e%2e%2f",
]
# Names made of the characters attackers reach for: separators, dots, NUL, controls, look-alikes.
hostile_text = st.text(
    alphabet=st.sampled_from(list("./\\\x00%~:-_ aAkK가카오\u202e\u200bｋкⅧﬁ\ufeff\n"))
    | st.characters(),
    max_size=300,
)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_slugs_of_hostile_names_are_plain_and_never_empty(name: str) -> None:
    slug = slug_for(name, "company")
    assert SLUG.match(slug) and len(slug) <= 80, slug


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_any_name_gives_a_url_slug(name: str) -> None:
    slug = slug_for(name)
    assert SLUG.match(slug), (name, slug)
    assert 0 < len(slug) <= 80


@settings(max_examples=300, deadline=None)
@given(hostile_text)
def test_the_writer_never_writes_outside_its_folder(tmp_path_factory, relative: str) -> None:
    out = tmp_path_factory.mktemp("out")
    writer = Writer(out / "public")
    try:
        path = writer.target(relative)
    except OutputError as exc:
        assert "refusing" in str(exc)
        return
    assert path.is_relative_to((out / "public").resolve()) and path != (out / "public").resolve()


@pytest.mark.parametrize(
    "relative", ["../escape.html", "/etc/passwd", "a/../../escape", "x\x00y", "", ".", "a/.."]
)
def test_the_writer_refuses_escapes(tmp_path: Path, relative: str) -> None:
    writer = Writer(tmp_path / "public")
    with pytest.raises(OutputError, match="refusing"):
        writer.write(relative, b"pwned")
    assert not (tmp_path / "escape.html").exists() and not (tmp_path / "escape").exists()


def test_a_symlink_inside_the_output_cannot_lead_out(tmp_path: Path) -> None:
    public, outside = tmp_path / "public", tmp_path / "outside"
    public.mkdir()
    outside.mkdir()
    (public / "articles").symlink_to(outside)
    with pytest.raises(OutputError, match="refusing to write outside"):
        Writer(public).write("articles/index.html", b"pwned")
    assert list(outside.iterdir()) == []


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder, ignore=shutil.ignore_patterns("demo"))
    return folder


def test_candidate_names_from_articles_cannot_take_an_existing_slug(content: Path) -> None:
    """A look-alike of 카카오's slug is refused, not written over /companies/kakao/."""
    args = ["--content", str(content), "--archive", str(content.parent / "a.sqlite3")]
    before = (content / "taxonomy" / "companies.toml").read_text()
    for name in ("ｋａｋａｏ", "KAKAO!", "../kakao"):
        result = run_build(*args, "taxonomy", "add-company", name, check=False)
        assert result.returncode != 0, name
        assert "slug 'kakao' is already used by company 카카오" in result.stderr + result.stdout
    assert (content / "taxonomy" / "companies.toml").read_text() == before
    # A name with nothing to romanise gets the fallback slug once; the next one is refused.
    first = run_build(*args, "taxonomy", "add-company", "...")
    assert 'slug = "company"' in first.stdout
    second = run_build(*args, "taxonomy", "add-company", "‮‮", check=False)
    assert (
        second.returncode != 0 and "slug 'company' is already used by company ..." in second.stderr
    )


@pytest.mark.parametrize("slug", ["../../../escape", "/abs", "", "a/b", "Kakao", "a\x00b"])
def test_a_hand_written_bad_slug_stops_the_render_before_any_write(content: Path, slug) -> None:
    companies = content / "taxonomy" / "companies.toml"
    escaped = slug.replace("\\", "\\\\").replace("\x00", "\\u0000")
    companies.write_text(
        companies.read_text()
        + f'\n[[company]]\nname = "탈출AI"\nslug = "{escaped}"\naliases = []\nticker = ""\n'
        'region = ""\nsigungu = ""\nhomepage = ""\nai = true\ncue_required = false\n'
        'sector = "AI"\n'
    )
    work = content.parent
    result = run_build(
        "--content",
        str(content),
        "--archive",
        str(work / "a.sqlite3"),
        "--public",
        str(work / "site" / "public"),
        "render",
        "--no-search",
        check=False,
    )
    assert result.returncode != 0
    assert "companies.toml" in result.stderr and "nothing was published" in result.stderr
    assert not (work / "site").exists() and not (work / "escape").exists()
