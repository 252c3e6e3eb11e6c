"""When `update` re-runs Pagefind: settings from site.toml's [search] table and the count of
runs and changed files since the last index, kept in public/.sitegen-search.json.

Pagefind re-indexes the whole site (about 19 s of CPU at 10,000 articles, more than a render
after a few new articles), so a frequent schedule may index less often than it renders:

    [search]
    every_runs = 6        # index after at most 6 updates that changed pages (1: every one)
    changed_share = 0.05  # …or sooner once 5 % of the pages changed since the last index

An update that changed no page never indexes; a site without an index always gets one.
"""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

from sitegen.writer import replace_file

log = logging.getLogger(__name__)

STATE = ".sitegen-search.json"  # not published (.sitegen-* files stay out of every target)


class SearchScheduleError(Exception):
    """site.toml's [search] table has an unknown key or a value of the wrong type or range."""


@dataclass(frozen=True, slots=True)
class SearchSchedule:
    every_runs: int = 1  # index after at most this many updates that changed pages
    changed_share: float = 0.0  # or as soon as this share of files changed (0: no such rule)


@dataclass(frozen=True, slots=True)
class SearchState:
    """Updates that changed files, and files changed, since the search index was last built."""

    runs: int = 0
    changed: int = 0


def load_search_schedule(path: Path) -> SearchSchedule:
    """site.toml's [search] table (defaults when the file or the table is missing)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")).get("search", {})
    except FileNotFoundError:
        return SearchSchedule()
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SearchScheduleError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise SearchScheduleError(f"{path}: [search] should be a table")
    known = {f.name for f in fields(SearchSchedule)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise SearchScheduleError(
            f"{path}: unknown key(s) in [search]: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )
    every = data.get("every_runs", 1)
    share = data.get("changed_share", 0.0)
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise SearchScheduleError(f"{path}: [search] every_runs should be a whole number ≥ 1")
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise SearchScheduleError(f"{path}: [search] changed_share should be between 0 and 1")
    return SearchSchedule(every_runs=every, changed_share=float(share))


def should_index(
    schedule: SearchSchedule, state: SearchState, changed: int, files: int, indexed: bool
) -> tuple[bool, SearchState]:
    """Whether to index now, given the files this update changed (written or removed) out of
    `files`, and the state to keep until the next update (reset when indexing)."""
    pending = SearchState(state.runs + (1 if changed else 0), state.changed + changed)
    if not indexed:
        return True, SearchState()
    if not pending.changed:
        return False, pending
    due = pending.runs >= schedule.every_runs
    share = schedule.changed_share
    if share > 0 and files > 0 and pending.changed >= share * files:
        due = True
    return (True, SearchState()) if due else (False, pending)


def read_state(public: Path) -> SearchState:
    try:
        data = json.loads((public / STATE).read_text(encoding="utf-8"))
        return SearchState(int(data["runs"]), int(data["changed"]))
    except FileNotFoundError:
        return SearchState()
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s: unreadable (%s); counting from zero", public / STATE, exc)
        return SearchState()


def write_state(public: Path, state: SearchState) -> None:
    data = json.dumps({"runs": state.runs, "changed": state.changed}).encode()
    replace_file(public / STATE, data)


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """This update's decision, and the state to keep once the decision is carried out."""

    due: bool
    public: Path
    state: SearchState

    def keep(self) -> None:
        write_state(self.public, self.state)


def plan_search(site_toml: Path, public: Path, render: dict) -> SearchPlan:
    """Decide from site.toml's [search] and the render report (`written`, `removed`, `pages`)
    whether this update re-runs Pagefind."""
    schedule = load_search_schedule(site_toml)
    changed = int(render.get("written", 1)) + int(render.get("removed", 0))
    indexed = (public / "pagefind").is_dir()
    due, state = should_index(
        schedule, read_state(public), changed, int(render.get("pages", 0)), indexed
    )
    if not due:
        log.info(
            "search index kept: %d update(s) and %d changed file(s) since it was built",
            state.runs,
            state.changed,
        )
    return SearchPlan(due, public, state)
