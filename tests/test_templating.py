"""The render's Jinja environment (sitegen.templating): globals given before templates load are
seen everywhere (pages, includes, imported macros, fragments), a template's own globals overlay
them, and a page's variables still win over globals, as with Jinja's ChainMap."""

from __future__ import annotations

from pathlib import Path

from jinja2 import DictLoader, Environment, StrictUndefined

from sitegen.config import SiteConfig
from sitegen.render import make_environment
from sitegen.templating import SiteEnvironment

TEMPLATES = {
    "page.html": (
        "{% from 'macros.html' import show %}{{ greeting }} {{ name }}|"
        "{% include 'part.html' %}|{{ show() }}"
    ),
    "part.html": "{{ greeting }}/{{ name }}",
    "macros.html": "{% macro show() %}[{{ greeting }}]{% endmacro %}",
}


def _render(env_class: type[Environment], **context: object) -> str:
    env = env_class(loader=DictLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined)
    env.globals.update(greeting="안녕", name="전역")  # before any template loads
    return env.get_template("page.html").render(**context)


def test_globals_reach_includes_and_macros_like_jinja_s() -> None:
    assert _render(SiteEnvironment) == _render(Environment) == "안녕 전역|안녕/전역|[안녕]"
    page = _render(SiteEnvironment, name="페이지")  # the page's variable wins
    assert page == _render(Environment, name="페이지") == "안녕 페이지|안녕/페이지|[안녕]"


def test_a_template_s_own_globals_overlay_the_environment_s() -> None:
    env = SiteEnvironment(loader=DictLoader(TEMPLATES), undefined=StrictUndefined)
    env.globals.update(greeting="안녕", name="전역")
    template = env.get_template("part.html", globals={"name": "템플릿"})
    assert template.render() == "안녕/템플릿"
    assert env.globals["name"] == "전역"  # not changed by the template's


def test_the_render_s_globals_set_after_making_the_environment_are_seen(root: Path) -> None:
    """render_site adds menu_pages and pinned after make_environment, before any page."""
    env = make_environment(root / "site_templates", SiteConfig(title="테스트 뉴스"))
    env.globals.update(menu_pages=(), pinned=frozenset({"abc"}))
    html = env.get_template("search.html").render(
        page_path="/search/", title="검색", feed="/feed.xml", topics_known=False
    )
    assert "테스트 뉴스" in html and '<header class="site-header">' in html
    assert isinstance(env, SiteEnvironment)


def test_url_filters_follow_each_site_s_base_url(root: Path) -> None:
    """`{{ '/regions/'|url }}` is computed when the page renders, never folded into the compiled
    template, which the bytecode cache shares between sites with other base URLs."""
    pages = []
    for base in ("https://a.example/one/", "https://b.example/two/", "https://a.example/one/"):
        env = make_environment(root / "site_templates", SiteConfig(base_url=base))
        env.globals.update(menu_pages=(), pinned=frozenset())
        pages.append(
            env.get_template("404.html").render(page_path="/404.html", title="없음", feed="/f.xml")
        )
    one, two, again = pages
    assert 'href="/one/regions/"' in one and 'href="/one/f.xml"' in one
    assert 'href="/two/regions/"' in two and "/one/" not in two
    assert 'href="https://b.example/two/404.html"' in two  # |absolute
    assert again == one
