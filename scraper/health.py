"""Source health for editors: when each source last worked, what it collected, what is wrong."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from rich.table import Table

from archive.records import Failure, FetchState, Source


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One row of `build.py sources`: a source's state and a verdict an editor can act on."""

    key: str
    name: str
    url: str
    enabled: bool
    last_success: datetime | None
    last_status: str
    items: int
    consecutive_failures: int
    last_new: datetime | None
    stale: bool  # produced nothing new for `stale_days` (or ever, since it was first tried)
    moved_to: str  # the URL it permanently redirects to: update sources.toml
    last_error: str
    verdict: str  # ok | failing | stale | moved | never collected | disabled

    def as_dict(self) -> dict[str, object]:
        row = asdict(self)
        for name in ("last_success", "last_new"):
            value = row[name]
            row[name] = value.isoformat() if value else None
        return row


def source_health(
    sources: Sequence[Source],
    states: Mapping[str, FetchState],
    last_failures: Mapping[str, Failure],
    now: datetime,
    stale_days: int = 7,
) -> list[SourceHealth]:
    """A health row per configured source, in sources.toml order."""
    rows = []
    horizon = now - timedelta(days=stale_days)
    for source in sources:
        state = states.get(source.key)
        failure = last_failures.get(source.key)
        moved = ""
        if state is not None and state.moved_from == source.url and state.url != source.url:
            moved = state.url
        last_new = state.last_new if state else None
        tried_since = state.last_attempt if state else None
        stale = bool(
            state is not None
            and state.last_success is not None
            and (
                (last_new is not None and last_new < horizon)
                or (last_new is None and tried_since is not None and state.items == 0)
            )
        )
        failing = bool(state and state.failures)
        if not source.enabled:
            verdict = "disabled"
        elif state is None or state.last_attempt is None:
            verdict = "never collected"
        elif failing:
            verdict = "failing"
        elif moved:
            verdict = "moved"
        elif stale:
            verdict = "stale"
        else:
            verdict = "ok"
        rows.append(
            SourceHealth(
                key=source.key,
                name=source.name,
                url=source.url,
                enabled=source.enabled,
                last_success=state.last_success if state else None,
                last_status=state.last_status if state else "",
                items=state.items if state else 0,
                consecutive_failures=state.failures if state else 0,
                last_new=last_new,
                stale=stale,
                moved_to=moved,
                last_error=failure.reason if failure and failing else "",
                verdict=verdict,
            )
        )
    return rows


COLUMNS = ("source", "verdict", "last success", "status", "items", "fails", "last new", "note")


def _cells(row: SourceHealth) -> tuple[str, ...]:
    note = f"moved to {row.moved_to}" if row.moved_to else row.last_error
    return (
        row.key,
        row.verdict,
        _when(row.last_success),
        row.last_status or "-",
        str(row.items),
        str(row.consecutive_failures),
        _when(row.last_new),
        note,
    )


def plain_table(rows: Sequence[SourceHealth]) -> str:
    """The health rows as aligned plain text (for pipes, logs and cron mail)."""
    cells = [COLUMNS, *(_cells(row) for row in rows)]
    widths = [max(_width(line[i]) for line in cells) for i in range(len(COLUMNS) - 1)]
    lines = []
    for line in cells:
        padded = [_pad(value, widths[i]) for i, value in enumerate(line[:-1])]
        lines.append("  ".join([*padded, line[-1]]).rstrip())
    return "\n".join(lines)


def rich_table(rows: Sequence[SourceHealth], stale_days: int) -> Table:
    """The health rows as a rich table for a terminal, problems coloured."""
    table = Table(title=f"Sources (stale: nothing new for {stale_days} days)")
    for column in COLUMNS:
        table.add_column(column, justify="right" if column in ("items", "fails") else "left")
    styles = {"ok": "green", "failing": "red", "stale": "yellow", "moved": "yellow"}
    for row in rows:
        table.add_row(*_cells(row), style=styles.get(row.verdict, "dim"))
    return table


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"


def _width(text: str) -> int:
    """Display width: Hangul and other wide characters take two columns."""
    return sum(2 if _wide(ch) else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")
