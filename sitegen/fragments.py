"""Template fragments rendered once per record and reused on every page that shows it.

An article appears on a dozen pages (its regions', companies' and topic's lists, the month
archive, the related articles of its neighbours); its list item is the same markup each time.
`FragmentCache` renders `partials/article_item.html` once per article and variant and hands the
markup to the other pages. The cache lives as long as the Jinja environment of one render (each
worker process fills its own), and holds the records it has seen, so ids are never reused.
"""

from __future__ import annotations

from jinja2 import Environment
from markupsafe import Markup

ARTICLE_ITEM = "partials/article_item.html"


class FragmentCache:
    """A template global: `article_item(article, heading)` → the article's list item markup.

    `templates` names the template(s) it renders, so that page fingerprints (which only see the
    templates a page includes) still change when the fragment's template does.
    """

    def __init__(self, env: Environment, template: str = ARTICLE_ITEM) -> None:
        self.env = env
        self.template_name = template
        self.templates = (template,)
        self._rendered: dict[tuple[int, str], tuple[object, Markup]] = {}

    def __call__(self, article: object, heading: str = "h3") -> Markup:
        key = (id(article), heading)
        found = self._rendered.get(key)
        if found is not None and found[0] is article:
            return found[1]
        template = self.env.get_template(self.template_name)
        markup = Markup(template.render(article=article, heading=heading))
        self._rendered[key] = (article, markup)
        return markup
