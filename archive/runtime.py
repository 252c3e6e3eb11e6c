"""Process-level helpers the stages share (the archive package is what every stage imports)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Cyclic garbage collection off for a while, on again after if it was on. For work that
    allocates many objects but makes no reference cycles (tagging an article, building the site
    model): reference counting frees them all, while the collections their allocation set off
    would walk every live object (the taxonomy, the model) and find nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
