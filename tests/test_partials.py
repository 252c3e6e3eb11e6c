"""The site header and footer are rendered once per render (sitegen.fragments.PartialCache) and
reused on every page: the markup is the same as rendering them in place, a partial sees nothing
of the page but what it is given, and editing one re-renders every page that shows it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from sitegen.config import SiteConfig
from sitegen.fragments import SITE_FOOTER, SITE_HEADER, PartialCache
from sitegen.render import make_environment, render_site


def _render(store, taxonomy, templates: Path, out: Path):
    config = SiteConfig(per_page=5, base_url="https://example.org/news/")
    return render_site(store, taxonomy, config, templates, out, source_names={"f": "테스트일보"})


def _html_pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_cached_header_and_footer_are_the_markup_rendered_in_place(root, tmp_path):
    """The same bytes as base.html with the partials' markup pasted back in place."""
    inline = Path(shutil.copytree(root / "site_templates", tmp_path / "inline"))
    base = inline / "base.html"
    text = base.read_text(encoding="utf-8")
    for call, partial in (
        ("{{ site_header(feed=feed) }}", SITE_HEADER),
        ("{{ site_footer() }}", SITE_FOOTER),
    ):
        source = (inline / partial).read_text(encoding="utf-8")
        markup = source[source.index("#}") + 3 :].rstrip("\n")  # without the leading comment
        assert call in text
        text = text.replace(call, markup)
    base.write_text(text, encoding="utf-8")
    config = SiteConfig(base_url="https://example.org/news/")
    cached, pasted = (
        make_environment(root / "site_templates", config),
        make_environment(inline, config),
    )
    for env in (cached, pasted):
        env.globals.update(menu_pages=(), pinned=frozenset())
    for feed in ("/feed.xml", "/regions/jeju/feed.xml", "/feed.xml"):  # the first one twice
        context = {"page_path": "/x/", "title": "제목 <b>", "feed": feed}
        page = cached.get_template("search.html").render(**context, topics_known=True)
        assert page == pasted.get_template("search.html").render(**context, topics_known=True)
        assert f'href="/news/{feed.lstrip("/")}" type="application/atom+xml">구독' in page


def test_a_partial_sees_only_the_globals_and_its_arguments(root):
    env = make_environment(root / "site_templates", SiteConfig())
    env.globals.update(menu_pages=(), pinned=frozenset())
    header = PartialCache(env, SITE_HEADER)
    assert header(feed="/feed.xml") is header(feed="/feed.xml")  # rendered once, reused
    assert header(feed="/a/feed.xml") != header(feed="/feed.xml")
    with pytest.raises(UndefinedError, match="feed"):  # a page's variable is never seen
        env.from_string("{{ site_header() }}").render(feed="/feed.xml")


def test_editing_the_header_or_footer_re_renders_every_page(store, taxonomy, templates, tmp_path):
    out = tmp_path / "public"
    first = _render(store, taxonomy, templates, out)
    assert _render(store, taxonomy, templates, out).rendered == 0
    pages = _html_pages(out)
    for partial, mark in ((SITE_HEADER, "<!-- header edited -->"), (SITE_FOOTER, "<!-- f -->")):
        path = templates / partial
        path.write_text(path.read_text(encoding="utf-8") + mark + "\n", encoding="utf-8")
        report = _render(store, taxonomy, templates, out)
        # every page (a global's templates count in every output's fingerprint, feeds too)
        assert report.rendered == first.rendered
        missing = [p for p in pages if p.name != "404.html" and mark not in p.read_text()]
        assert not missing, missing[:3]
        assert mark in (out / "404.html").read_text()
