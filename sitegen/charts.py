"""The monthly article-count chart: an inline SVG bar chart with a table as its text alternative.

No script and no library: bars are plain ``<rect>`` elements coloured by CSS (so dark mode works),
and the same numbers are given as a table that screen readers and text browsers can read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from markupsafe import Markup, escape

from sitegen.dates import kst

BAR = 24  # viewBox units per month: bar plus gap
PLOT_HEIGHT = 80
TOP = 16  # room for the count above the tallest bar
BOTTOM = 30  # room for the month and year labels
SCALE = 1.5  # CSS pixels per viewBox unit at full size (CSS shrinks it to fit narrow screens)


@dataclass(frozen=True, slots=True)
class MonthCount:
    year: int
    month: int
    count: int

    @property
    def label(self) -> str:
        return f"{self.year}년 {self.month}월"


def _next(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def month_series(dates: Iterable[datetime | None], months: int = 12) -> list[MonthCount]:
    """Article counts per month, every month from the first to the newest present (at most the
    last ``months`` of them), empty months included as 0; [] when there are no dates."""
    counts = Counter((d.year, d.month) for d in (kst(x) for x in dates if x is not None))
    if not counts:
        return []
    first, last = min(counts), max(counts)
    keys = [first]
    while keys[-1] != last:
        keys.append(_next(*keys[-1]))
    return [MonthCount(y, m, counts.get((y, m), 0)) for y, m in keys[-months:]]


def chart_summary(series: list[MonthCount]) -> str:
    """One sentence for the chart's accessible name: the span, the total and the busiest month."""
    if not series:
        return "기사가 없습니다."
    total = sum(m.count for m in series)
    busiest = max(series, key=lambda m: (m.count, m.year, m.month))
    return (
        f"{series[0].label}부터 {series[-1].label}까지 {len(series)}개월 동안 {total:,}건, "
        f"가장 많은 달은 {busiest.label} {busiest.count:,}건"
    )


def monthly_chart(series: list[MonthCount], *, title: str, id_prefix: str = "monthly") -> Markup:
    """A bar per month (height ∝ count) with the count above and the month below; the SVG is an
    image named by ``title`` and :func:`chart_summary`. Same inputs, same bytes."""
    if not series:
        return Markup("")
    peak = max(m.count for m in series) or 1
    width = BAR * len(series)
    height = TOP + PLOT_HEIGHT + BOTTOM
    base = TOP + PLOT_HEIGHT
    parts: list[str] = []
    for i, item in enumerate(series):
        x = i * BAR
        bar_height = round(PLOT_HEIGHT * item.count / peak, 1) if item.count else 0
        cx = x + BAR / 2
        if bar_height:
            parts.append(
                f'<rect class="chart-bar" x="{x + 3}" y="{base - bar_height:g}"'
                f' width="{BAR - 6}" height="{bar_height:g}"/>'
            )
        parts.append(
            f'<text class="chart-count" x="{cx:g}" y="{base - bar_height - 4:g}">{item.count}</text>'
        )
        parts.append(f'<text class="chart-month" x="{cx:g}" y="{base + 13}">{item.month}월</text>')
        if i == 0 or item.month == 1:
            parts.append(f'<text class="chart-year" x="{cx:g}" y="{base + 26}">{item.year}</text>')
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="month-chart" viewBox="0 0 {width} {height}"'
        f' width="{round(width * SCALE)}" height="{round(height * SCALE)}"'
        f' role="img" aria-labelledby="{escape(title_id)} {escape(desc_id)}">'
        f'<title id="{escape(title_id)}">{escape(title)}</title>'
        f'<desc id="{escape(desc_id)}">{escape(chart_summary(series))}</desc>'
        f'<line class="chart-axis" x1="0" y1="{base}" x2="{width}" y2="{base}"/>'
        + "".join(parts)
        + "</svg>"
    )
    return Markup(svg)


def chart_table(series: list[MonthCount], *, caption: str) -> Markup:
    """The chart's numbers as an HTML table (the text alternative shown under the chart)."""
    rows = "".join(
        f'<tr><th scope="row">{escape(m.label)}</th><td>{m.count:,}건</td></tr>' for m in series
    )
    return Markup(
        f'<table class="chart-table"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">월</th><th scope="col">기사 수</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
