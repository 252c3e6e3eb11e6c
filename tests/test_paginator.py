"""Stable pagination: archive pages counted from the oldest item keep their items as news arrives."""

from __future__ import annotations

from sitegen.paginator import paginate


def _by_path(items: list[int], per_page: int = 3) -> dict[str, tuple]:
    return {
        p.path: (tuple(p.items), p.previous_path, p.next_path)
        for p in paginate(items, per_page, "/x/")
    }


def test_first_page_has_the_newest_and_archive_pages_count_from_the_oldest():
    items = list(range(10, 0, -1))  # newest first: 10 … 1
    pages = paginate(items, 3, "/x/")
    assert [p.path for p in pages] == ["/x/", "/x/page/3/", "/x/page/2/", "/x/page/1/"]
    assert [p.items for p in pages] == [[10, 9, 8], [7], [6, 5, 4], [3, 2, 1]]
    assert pages[0].first and pages[0].paged and not pages[1].first
    assert (pages[0].previous_path, pages[0].next_path) == (None, "/x/page/3/")
    assert (pages[1].previous_path, pages[1].next_path) == ("/x/", "/x/page/2/")
    assert (pages[3].previous_path, pages[3].next_path) == ("/x/page/2/", None)


def test_short_and_empty_lists_have_one_page_without_navigation():
    for items in ([], [1, 2]):
        (only,) = paginate(items, 3, "/x/")
        assert only.path == "/x/" and only.items == items and not only.paged


def test_a_new_item_changes_the_first_and_the_newest_archive_page_only():
    items = list(range(10, 0, -1))
    before = _by_path(items)
    for newest in range(11, 20):
        items.insert(0, newest)
        after = _by_path(items)
        changed = {path for path in after if before.get(path) != after[path]}
        top = max(int(p.split("/")[-2]) for p in after if "/page/" in p)
        # a new archive page also changes the link of the one before it
        allowed = {"/x/", f"/x/page/{top}/", f"/x/page/{top - 1}/"}
        assert changed <= allowed, (newest, changed)
        assert "/x/page/1/" not in changed
        before = after
