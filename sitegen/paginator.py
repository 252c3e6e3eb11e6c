"""Slice a list into pages whose numbers stay put as news arrives ("stable pagination").

A list's first page (its base URL, /regions/jeju/) shows the newest `per_page` items. The rest
go to archive pages counted from the OLDEST: /page/1/ holds the oldest `per_page` items,
/page/2/ the next ones, and the highest number the newest of the rest (it may hold fewer).
A new item changes only the first page and the newest archive page (or adds one, whose
neighbour then links to it), so an incremental render re-renders two pages of a list, not all
of them, and a page's URL keeps showing the same articles (good for links and search engines).

Navigation follows the reading order, newest first: rel="prev" goes to newer items (the next
higher page number, or the first page), rel="next" to older ones (the next lower number).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class PageSlice(Generic[T]):
    """One page of a list. `number` is 0 for the first page (the newest items), otherwise the
    archive page's number counted from the oldest. No field depends on how many pages follow,
    so an archive page's data (and fingerprint) stays the same when newer items arrive."""

    number: int
    items: list[T]
    base: str
    previous_path: str | None = None  # newer items
    next_path: str | None = None  # older items

    @property
    def path(self) -> str:
        return archive_page_path(self.base, self.number)

    @property
    def first(self) -> bool:
        """The list's first page: the newest items, and the figures about the whole list."""
        return self.number == 0

    @property
    def paged(self) -> bool:
        """The list has more than one page."""
        return self.previous_path is not None or self.next_path is not None


def archive_page_path(base: str, number: int) -> str:
    """The first page's URL for 0, else /…/page/<number>/ (never `base` for number 1)."""
    return base if number == 0 else f"{base}page/{number}/"


def paginate(items: list[T], per_page: int, base: str) -> list[PageSlice[T]]:
    """The first page and the archive pages of `items` (in display order, newest first).

    Always at least the first page, even for an empty list. Archive pages come newest first
    (highest number first), after the first page.
    """
    per_page = max(1, per_page)
    head, rest = items[:per_page], items[per_page:]
    count = -(-len(rest) // per_page)  # archive pages

    def path(number: int) -> str:
        return archive_page_path(base, number)

    pages = [PageSlice(0, head, base, None, path(count) if count else None)]
    end = len(rest)
    for number in range(1, count + 1):
        stop = end - (number - 1) * per_page  # counted from the oldest (the list's end)
        start = max(0, stop - per_page)
        newer = path(number + 1) if number < count else base
        older = path(number - 1) if number > 1 else None
        pages.append(PageSlice(number, rest[start:stop], base, newer, older))
    pages[1:] = pages[:0:-1]  # newest archive page first
    return pages
