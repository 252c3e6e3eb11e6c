"""`build.py check`: every kind of problem in content/, reported with its file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from archive.checks import check_content
from sitegen.config import load_site_config
from tests.conftest import run_build

ID = "3f2a9c1b7d4e"


@pytest.fixture
def content(root, tmp_path) -> Path:
    """A copy of the project's content/ without the demo outlets' pages."""
    folder = tmp_path / "content"
    shutil.copytree(root / "content", folder, ignore=shutil.ignore_patterns("site", "corpus.jsonl"))
    return folder


def _found(problems, name: str) -> dict[int, list[str]]:
    lines: dict[int, list[str]] = {}
    for p in problems:
        if p.file.name == name and p.is_error:
            lines.setdefault(p.line, []).append(f"{p.message} ({p.hint})")
    return lines


def _append(path: Path, text: str) -> int:
    """Append text; return the line number of its first line."""
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    if before and not before.endswith("\n"):
        before += "\n"
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1


def test_project_content_is_clean(root):
    problems = check_content(root / "content", {"site.toml": load_site_config})
    assert [p.format() for p in problems if p.is_error] == []


def test_toml_syntax_error_names_line_and_column(content):
    path = content / "curation.toml"
    path.write_text('[article.3f2a9c1b7d4e]\nadd = ["company:카카오"\nhide = true\n')
    found = _found(check_content(content), "curation.toml")
    assert list(found) == [3] and "TOML syntax" in found[3][0] and "column" in found[3][0]


def test_curation_unknown_tags_keys_and_ids(content):
    path = content / "curation.toml"
    path.write_text(
        f"[article.{ID}]\n"
        'add = ["region:충북", "company:카카오우"]\n'
        'remove = ["region:광주광역시 없는구"]\n'
        "hidden = true\n"
        "[article.not-an-id]\n"
        "pin = true\n",
        encoding="utf-8",
    )
    found = _found(check_content(content), "curation.toml")
    assert any("'충북'" in m and "did you mean region:충청북도?" in m for m in found[2])
    assert any("'카카오우'" in m and "did you mean company:카카오?" in m for m in found[2])
    assert any("광주광역시 없는구" in m for m in found[3])
    assert any("unknown key 'hidden'" in m and "did you mean hide?" in m for m in found[4])
    assert any("'not-an-id' is not an article id" in m for m in found[5])


def test_company_alias_shared_by_two_companies(content):
    path = content / "taxonomy" / "companies.toml"
    line = _append(
        path,
        '\n[[company]]\nname = "테스트에이아이"\nslug = "test-ai-co"\naliases = ["카카오"]\n',
    )
    found = _found(check_content(content), "companies.toml")
    assert any("'카카오' names both 카카오 and 테스트에이아이" in m for m in found[line + 4])


def test_company_unknown_key_region_and_slug_collision(content):
    path = content / "taxonomy" / "companies.toml"
    line = _append(
        path,
        "\n[[company]]\n"
        'name = "새회사"\n'
        'slug = "kakao"\n'
        'region = "충북"\n'
        'sigungu = "청주"\n'
        'tickr = "123456"\n',
    )
    found = _found(check_content(content), "companies.toml")
    assert any(
        "slug 'kakao' of company 새회사 is already used by company 카카오" in m
        for m in found[line + 3]
    )
    assert any(
        "unknown 시·도 '충북'" in m and "did you mean 충청북도?" in m for m in found[line + 4]
    )
    assert any("unknown key 'tickr'" in m and "did you mean ticker?" in m for m in found[line + 6])


def test_slug_collision_across_regions_and_companies(content):
    path = content / "taxonomy" / "companies.toml"
    line = _append(path, '\n[[company]]\nname = "제주회사"\nslug = "jeju"\n')
    found = _found(check_content(content), "companies.toml")
    assert any("already used by region 제주특별자치도" in m for m in found[line + 3])


def test_place_with_unknown_sigungu(content):
    path = content / "taxonomy" / "places.toml"
    line = _append(
        path, '\n[[place]]\nname = "새클러스터"\nsido = "충청북도"\nsigungu = "청주군"\n'
    )
    found = _found(check_content(content), "places.toml")
    assert any("충청북도 has no 시·군·구 '청주군'" in m and "청주시" in m for m in found[line + 4])


def test_source_without_url_and_owner_loader_errors(content):
    path = content / "sources.toml"
    path.write_text(
        '[[source]]\nkey = "a"\nname = "가"\n\n[[source]]\nkey = "b"\nurl = "ftp://x/"\n',
        encoding="utf-8",
    )
    found = _found(check_content(content), "sources.toml")
    assert any("source 'a' has no url" in m for m in found[1])
    assert any("is not an http(s) address" in m for m in found[7])
    site = content / "site.toml"
    text = site.read_text(encoding="utf-8")
    site.write_text(text.replace("[site]\n", "[site]\ncolour = 'blue'\n", 1), encoding="utf-8")
    line = text.splitlines().index("[site]") + 2
    found = _found(check_content(content, {"site.toml": load_site_config}), "site.toml")
    assert any("colour" in m for m in found[line])


def test_pages_front_matter(content):
    pages = content / "pages"
    pages.mkdir(exist_ok=True)
    (pages / "zz-no-title.md").write_text('+++\ndescription = "x"\n+++\n본문\n', encoding="utf-8")
    (pages / "zz-bad-date.md").write_text(
        '+++\ntitle = "가"\ndate = "2026-13-40"\nauthor = "나"\n+++\n본문\n', encoding="utf-8"
    )
    (pages / "zz-yaml.md").write_text("---\ntitle: 가\n---\n", encoding="utf-8")
    (pages / "zz-open.md").write_text('+++\ntitle = "가"\n', encoding="utf-8")
    (pages / "zz-regions.md").write_text(
        '+++\ntitle = "가"\nslug = "regions"\n+++\n', encoding="utf-8"
    )
    (pages / "zz-syntax.md").write_text('+++\ntitle = "가"\nmenu = \n+++\n', encoding="utf-8")
    problems = check_content(content)
    assert any("has no title" in m for m in _found(problems, "zz-no-title.md")[1])
    bad_date = _found(problems, "zz-bad-date.md")
    assert any("'2026-13-40' is not a date" in m for m in bad_date[3])
    assert any("unknown front matter key 'author'" in m for m in bad_date[4])
    assert any("not YAML" in m for m in _found(problems, "zz-yaml.md")[1])
    assert any("never closed" in m for m in _found(problems, "zz-open.md")[1])
    assert any("used by the site itself" in m for m in _found(problems, "zz-regions.md")[3])
    assert 3 in _found(problems, "zz-syntax.md")


def test_intro_for_unknown_region_slug(content):
    folder = content / "regions"
    folder.mkdir(exist_ok=True)
    (folder / "chungbukk.md").write_text("충북 소개\n", encoding="utf-8")
    found = _found(check_content(content), "chungbukk.md")
    assert any("no region has the slug 'chungbukk'" in m and "chungbuk" in m for m in found[1])


def test_check_command_prints_file_line_and_exits_1(content):
    path = content / "curation.toml"
    path.write_text(f'[article.{ID}]\nadd = ["region:충북"]\n', encoding="utf-8")
    result = run_build("--content", str(content), "check", check=False)
    assert result.returncode == 1
    assert (
        "curation.toml:2: unknown region '충북' in region:충북 (did you mean region:충청북도?)"
        in result.stdout
    )
    path.write_text(f'[article.{ID}]\nadd = ["region:충청북도"]\n', encoding="utf-8")
    result = run_build("--content", str(content), "check", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_groups_page_slugs_and_source_keys(content):
    groups = content / "taxonomy" / "groups.toml"
    line = _append(groups, '\n[[group]]\nname = "새권역"\nslug = "sae-gwon"\nsido = ["충북"]\n')
    pages = content / "pages"
    (pages / "zz-about2.md").write_text('+++\ntitle = "또"\nslug = "about"\n+++\n본문\n', "utf-8")
    sources = content / "sources.toml"
    sources.write_text(
        '[[source]]\nkey = "a"\nurl = "https://a.kr/rss"\n\n[[source]]\nkey = "a"\nurl = "https://b.kr/rss"\n',
        encoding="utf-8",
    )
    problems = check_content(content)
    assert any(
        "unknown 시·도 '충북'" in m and "충청북도" in m
        for m in _found(problems, "groups.toml")[line + 4]
    )
    assert any("slug 'about' is also used by" in m for m in _found(problems, "zz-about2.md")[3])
    assert any("source key 'a' is used twice" in m for m in _found(problems, "sources.toml")[5])
