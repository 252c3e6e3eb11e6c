"""Slice a list into numbered pages with their URLs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from sitegen.routes import paged

T = TypeVar("T")


@dataclass(frozen=True)
class PageSlice(Generic[T]):
    number: int
    total: int
    items: list[T]
    base: str

    @property
    def path(self) -> str:
        return paged(self.base, self.number)

    @property
    def previous_path(self) -> str | None:
        return paged(self.base, self.number - 1) if self.number > 1 else None

    @property
    def next_path(self) -> str | None:
        return paged(self.base, self.number + 1) if self.number < self.total else None


def paginate(items: list[T], per_page: int, base: str) -> list[PageSlice[T]]:
    """At least one page, even for an empty list."""
    per_page = max(1, per_page)
    total = max(1, -(-len(items) // per_page))
    return [
        PageSlice(n, total, items[(n - 1) * per_page : n * per_page], base)
        for n in range(1, total + 1)
    ]
