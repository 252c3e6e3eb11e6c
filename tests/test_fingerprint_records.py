"""Record digests: the same values give the same digest however they are built or shared, and
values a page would show differently never share one (the marshal fast path and the pickler)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup

from archive.records import KST
from sitegen.fingerprint import Fingerprinter


@dataclass(frozen=True)
class Link:
    key: str
    score: float


@dataclass(frozen=True)
class Item:
    title: object
    when: object = None
    links: object = ()


def _digest(record: object) -> bytes:
    return Fingerprinter().record(record)


def test_equal_values_equal_digests_whatever_their_sharing():
    title = "".join(["울산", " AI"])  # a string object of its own
    shared = (Link("울산", 0.5), Link("울산", 0.5))
    link = Link("울산", 0.5)
    assert _digest(Item(title, links=shared)) == _digest(Item("울산 AI", links=(link, link)))
    when = datetime(2026, 11, 23, 9, tzinfo=KST)
    assert _digest(Item("a", when)) == _digest(Item("a", datetime(2026, 11, 23, 9, tzinfo=KST)))


def test_values_shown_differently_get_different_digests():
    when = datetime(2026, 11, 23, 9, tzinfo=KST)
    variants = [
        Item("<b>a</b>"),
        Item(Markup("<b>a</b>")),  # safe markup is not the same as text to escape
        Item("a", when),
        Item("a", when.isoformat()),
        Item("a", None, (Link("x", 1.0),)),
        Item("a", None, [Link("x", 1.0)]),
        Item("a", None, (("x", 1.0),)),
        Item("a", None, (Link("x", 1),)),
        Item("a", None, (Link("x", True),)),
        Item("a", None, frozenset({"x"})),  # no marshal form: pickled
        Item(1),
        Item(True),
    ]
    digests = [_digest(v) for v in variants]
    assert len(set(digests)) == len(digests)
