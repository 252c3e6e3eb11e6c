"""Curation round trips through the CLI: editors' decisions survive `tag --all` and `update`."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_build

DEMO = Path(__file__).resolve().parent.parent / "content" / "demo"


@pytest.fixture(scope="module")
def newsroom(root, tmp_path_factory):
    """A content copy, an archive built by `update` from the demo outlets, and the outlets."""
    from sitegen.serve import start_server

    work = tmp_path_factory.mktemp("curation")
    content = work / "content"
    shutil.copytree(root / "content", content, ignore=shutil.ignore_patterns("site"))
    server = start_server(DEMO / "site", placeholder="__BASE__")
    sources = work / "sources.toml"
    sources.write_text(
        (DEMO / "sources.toml").read_text().replace("__BASE__", server.url.rstrip("/"))
    )
    args = [
        "--content",
        str(content),
        "--archive",
        str(work / "archive.sqlite3"),
        "--public",
        str(work / "public"),
    ]
    run_build(*args, "update", "--sources", str(sources))
    yield {"work": work, "content": content, "args": args, "sources": sources}
    server.stop()


def _article_with_two_sidos(archive: Path) -> tuple[str, str, str]:
    """(id, a listed non-primary 시·도, its page path) of some article."""
    with sqlite3.connect(archive) as conn:
        row = conn.execute(
            """SELECT a.id, t.key, a.published FROM articles a JOIN tags t ON t.article_id = a.id
               WHERE t.kind = 'region' AND t.key NOT LIKE '% %' AND t.score >= 0.5
                 AND t.is_primary = 0 ORDER BY a.id LIMIT 1"""
        ).fetchone()
    ident, sido, published = row
    return ident, sido, f"articles/{published[:4]}/{published[5:7]}/{ident}/index.html"


def _own_section(html: str) -> str:
    """The article itself, without the related articles listed after it."""
    return html[html.index('<article class="article"') : html.index("</article>")]


def _region_slug(root: Path, sido: str) -> str:
    from archive.taxonomy import load_taxonomy

    return load_taxonomy(root / "content" / "taxonomy").region_by_key[sido].slug


def test_removed_tag_stays_removed_after_tag_and_update(newsroom, root):
    args, content, work = newsroom["args"], newsroom["content"], newsroom["work"]
    ident, sido, page = _article_with_two_sidos(work / "archive.sqlite3")
    slug = _region_slug(root, sido)
    public = work / "public"
    assert f"/regions/{slug}/" in _own_section((public / page).read_text()), "tagged at first"
    curation = content / "curation.toml"
    curation.write_text(
        curation.read_text(encoding="utf-8") + "\n# 편집국 메모: 이 줄은 남아야 한다\n",
        encoding="utf-8",
    )
    result = run_build(
        *args, "curate", ident[:8], f"-region:{sido}", "+company:카카오", "--title", "고친 제목"
    )
    assert f"[article.{ident}]" in result.stdout
    assert f"  - region:{sido}" in result.stdout and "  + company:카카오" in result.stdout
    assert "# 편집국 메모: 이 줄은 남아야 한다" in curation.read_text(encoding="utf-8")
    run_build(*args, "tag", "--all")  # every automatic tag is made again, 시·도 included
    run_build(*args, "update", "--sources", str(newsroom["sources"]))  # collect, tag, render
    html = _own_section((public / page).read_text())
    assert f"/regions/{slug}/" not in html, "the removed 시·도 came back"
    assert "/companies/kakao/" in html and "<h1>고친 제목</h1>" in html
    region_page = (public / "regions" / slug / "index.html").read_text()
    assert f"/{ident}/" not in region_page
    assert f"/{ident}/" in (public / "companies" / "kakao" / "index.html").read_text()
    with sqlite3.connect(work / "archive.sqlite3") as conn:
        auto = conn.execute(
            "SELECT count(*) FROM tags WHERE article_id = ? AND key = ?", (ident, sido)
        ).fetchone()[0]
    assert auto == 1, "the archive keeps the tagger's tag; the decision lives in the file"
    explained = json.loads(run_build(*args, "explain", ident, "--json").stdout)
    assert explained["curation"]["remove"] == [f"region:{sido}"], "explain shows the decision"
    assert "company:카카오" in explained["curation"]["add"]


def test_render_refuses_to_publish_on_a_content_error(newsroom):
    args, content, work = newsroom["args"], newsroom["content"], newsroom["work"]
    curation = content / "curation.toml"
    before = curation.read_text(encoding="utf-8")
    index = work / "public" / "index.html"
    stamp = index.stat().st_mtime_ns
    try:
        curation.write_text(before + '\n[article.aaaaaaaaaaaa]\nadd = ["region:충북"]\n', "utf-8")
        result = run_build(*args, "render", "--no-search", check=False)
        assert result.returncode == 1
        assert (
            "curation.toml:" in result.stderr and "did you mean region:충청북도?" in result.stderr
        )
        assert "nothing was published" in result.stderr
        assert index.stat().st_mtime_ns == stamp
        result = run_build(*args, "update", "--sources", str(newsroom["sources"]), check=False)
        assert result.returncode == 1 and "nothing was published" in result.stderr
    finally:
        curation.write_text(before, encoding="utf-8")
