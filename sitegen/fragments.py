"""Template fragments rendered once per record and reused on every page that shows it.

An article appears on a dozen pages (its regions', companies' and topic's lists, the month
archive, the related articles of its neighbours); its list item is the same markup each time.
`FragmentCache` renders `partials/article_item.html` once per article and variant and hands the
markup to the other pages; the same for an article's Atom entry, in five feeds or so. The cache lives as long as the Jinja environment of one render (each
worker process fills its own), and holds the records it has seen, so ids are never reused.
"""

from __future__ import annotations

from jinja2 import Environment
from markupsafe import Markup

ARTICLE_ITEM = "partials/article_item.html"
FEED_ENTRY = "partials/feed_entry.xml"


class FragmentCache:
    """A template global rendering one record's fragment: `article_item(article, heading="h3")`
    → the article's list item markup, `feed_entry(article)` → its Atom entry.

    `templates` names the template it renders, so that page fingerprints (which only see the
    templates a page includes) still change when the fragment's template does.
    """

    def __init__(self, env: Environment, template: str) -> None:
        self.env = env
        self.template_name = template
        self.templates = (template,)
        self._rendered: dict[tuple[int, tuple], tuple[object, Markup]] = {}

    def __call__(self, article: object, **variant: object) -> Markup:
        key = (id(article), tuple(sorted(variant.items())))
        found = self._rendered.get(key)
        if found is not None and found[0] is article:
            return found[1]
        template = self.env.get_template(self.template_name)
        markup = Markup(template.render(article=article, **variant))
        self._rendered[key] = (article, markup)
        return markup
