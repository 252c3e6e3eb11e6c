"""The render's output escaping (sitegen.escaping) is markupsafe's, character for character: the
same text for hostile strings, markup passed through once, never escaped twice in blocks,
macros, includes or filters, and undefined values still refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment, StrictUndefined, UndefinedError
from markupsafe import Markup, escape

from sitegen.config import SiteConfig
from sitegen.escaping import EscapingTemplate, output_escape
from sitegen.render import make_environment

HOSTILE = [
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "A & B &amp; C",
    "javascript:alert('x')",
    "{{ 7*7 }}",
    "\u202e역방향 <b>",
    "",
    "평범한 한국어 제목",
]


class _Html:
    def __html__(self) -> str:
        return "<em>trusted</em>"


class _Text(str):
    """A str subclass without __html__: escaped like any string."""


@pytest.mark.parametrize(
    "value", [*HOSTILE, Markup("<b>safe</b>"), _Html(), 42, 3.5, None, _Text("<i>")]
)
def test_output_escape_gives_markupsafe_s_text(value: object) -> None:
    assert output_escape(value) == str(escape(value))


TEMPLATES = {
    "page.html": (
        "{% from 'macros.html' import tag %}"
        '<p title="{{ text }}">{{ text }}</p>'
        "{% set block %}<i>{{ text }}</i>{% endset %}{{ block }}"
        "{{ tag(text) }}"
        "{% include 'part.html' %}"
        "{% filter upper %}{{ text }}{% endfilter %}"
        "{{ text ~ '&' }}{{ text|e }}{{ safe }}{{ text|length }}"
        "{% for word in words %}[{{ word }}]{% endfor %}"
    ),
    "macros.html": "{% macro tag(x) %}<b>{{ x }}</b>{% endmacro %}",
    "part.html": "<u>{{ text }}</u>",
}


def _pair() -> tuple[Environment, Environment]:
    options = {"loader": DictLoader(TEMPLATES), "autoescape": True, "undefined": StrictUndefined}
    fast = Environment(**options)
    fast.template_class = EscapingTemplate
    return fast, Environment(**options)


@pytest.mark.parametrize("text", HOSTILE)
def test_templates_render_the_same_bytes_as_with_jinja_s_escape(text: str) -> None:
    fast, plain = _pair()
    context = {"text": text, "safe": Markup("<hr>"), "words": [text, "<x>"]}
    out = fast.get_template("page.html").render(**context)
    assert out == plain.get_template("page.html").render(**context)
    if "<script>" in text:
        assert "<script>" not in out and "&amp;lt;" not in out  # escaped once, not twice


def test_undefined_values_are_still_refused() -> None:
    fast, _ = _pair()
    with pytest.raises(UndefinedError):
        fast.get_template("part.html").render()


def test_the_render_s_templates_use_it(root: Path) -> None:
    """Fails loudly if a Jinja upgrade stops the hook from taking effect (renders would still
    be right, only slower)."""
    env = make_environment(root / "site_templates", SiteConfig())
    template = env.get_template("article.html")
    assert isinstance(template, EscapingTemplate)
    assert template.root_render_func.__globals__["escape"] is output_escape
