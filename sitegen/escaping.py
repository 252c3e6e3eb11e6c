"""Jinja's output escaping without the Markup object each `{{ … }}` pays for.

An autoescaped template compiles every `{{ expression }}` to `escape(expression)`: markupsafe's
escape, which wraps its result in a new `Markup` (a Python-level constructor per expression, about
a sixth of a page's render time). What a template yields is only ever joined: into the page, or
into a block, macro, `{% set %}` or `{% filter %}` capture that Jinja marks safe as a whole. So the
escaped text need not be Markup itself: `output_escape` escapes exactly the same characters with
markupsafe's own routine and returns the plain string; anything with `__html__` (Markup, rendered
fragments) passes through as before. Nothing is marked safe that was not: the same bytes come
out, only faster. `EscapingTemplate` puts it in place of `escape` in each compiled template.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from typing import Any

from jinja2 import Environment, Template

try:  # markupsafe >= 3: the C routine behind markupsafe.escape, returning a plain str
    from markupsafe import _escape_inner
except ImportError:  # older markupsafe: its escape is C already; keep Jinja's own
    _escape_inner = None


def output_escape(value: object) -> str:
    """The text of markupsafe.escape(value), as a plain string (for output positions only)."""
    if type(value) is str:
        return _escape_inner(value)  # type: ignore[misc]
    html: Callable[[], str] | None = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return _escape_inner(str(value))  # type: ignore[misc]


class EscapingTemplate(Template):
    """A template whose `{{ … }}` output is escaped by `output_escape`."""

    @classmethod
    def _from_namespace(
        cls,
        environment: Environment,
        namespace: MutableMapping[str, Any],
        globals: MutableMapping[str, Any],
    ) -> Template:
        # the compiled module's functions look `escape` up in this namespace when they run
        if _escape_inner is not None:
            namespace["escape"] = output_escape
        return super()._from_namespace(environment, namespace, globals)
