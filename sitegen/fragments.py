"""Template fragments rendered once per record and reused on every page that shows it.

An article appears on a dozen pages (its regions', companies' and topic's lists, the month
archive, the related articles of its neighbours); its list item is the same markup each time.
`FragmentCache` renders `partials/article_item.html` once per article and variant and hands the
markup to the other pages; the same for an article's Atom entry, in five feeds or so. The cache lives as long as the Jinja environment of one render (each
worker process fills its own), and holds the records it has seen, so ids are never reused.

`PartialCache` does the same for markup every page repeats whatever it shows: the site's header
(once per feed URL) and footer. Such a partial sees only the template globals and the arguments
it is called with, never the page's variables, so its markup cannot depend on anything else.
"""

from __future__ import annotations

from jinja2 import Environment
from markupsafe import Markup

ARTICLE_ITEM = "partials/article_item.html"
FEED_ENTRY = "partials/feed_entry.xml"
SITE_HEADER = "partials/site_header.html"
SITE_FOOTER = "partials/site_footer.html"


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
        key = (id(article), tuple(variant.items()))  # a call site's keywords keep their order
        found = self._rendered.get(key)
        if found is not None and found[0] is article:
            return found[1]
        template = self.env.get_template(self.template_name)
        markup = Markup(template.render(article=article, **variant))
        self._rendered[key] = (article, markup)
        return markup


class PartialCache:
    """A template global rendering a partial from its keyword arguments alone (and the template
    globals): `site_header(feed=feed)` → the header's markup, rendered once per distinct
    arguments and reused. Arguments must be hashable (strings, numbers, tuples).

    `templates` names the template it renders, so that page fingerprints (which only see the
    templates a page includes) still change when the partial does.
    """

    def __init__(self, env: Environment, template: str) -> None:
        self.env = env
        self.template_name = template
        self.templates = (template,)
        self._rendered: dict[tuple, Markup] = {}

    def __call__(self, **arguments: object) -> Markup:
        key = tuple(arguments.items())
        markup = self._rendered.get(key)
        if markup is None:
            template = self.env.get_template(self.template_name)
            markup = self._rendered[key] = Markup(template.render(**arguments))
        return markup
