"""The home page's 시·도 choropleth: an inline, accessible SVG built from content/taxonomy/map.json.

No map library and no script: ``scripts/import_map.py`` turns KOSTAT's outlines into path data
once, and :func:`province_map` shades each 시·도 by its article count with CSS classes
``q0``…``q5`` (colours live in ``site_templates/static/map.css``, so dark mode works).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

CLASSES = 5  # shaded classes q1..q5; q0 is the neutral class for 0
LEADER_GAP = 14.0  # viewBox units between a leader line's end and its label's centre
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class MapDataError(Exception):
    """map.json is missing or malformed; the message names the file and how to regenerate it."""


@dataclass(frozen=True, slots=True)
class MapClass:
    """One class of the colour scale: counts from ``low`` to ``high`` get ``css_class``."""

    css_class: str
    low: int
    high: int

    @property
    def label(self) -> str:
        """The legend text: ``0건``, ``5건``, ``1–3건``."""
        if self.low == self.high:
            return f"{self.low:,}건"
        return f"{self.low:,}–{self.high:,}건"

    def __contains__(self, count: object) -> bool:
        return isinstance(count, int) and self.low <= count <= self.high


def load_map(path: Path) -> dict:
    """Read and check map.json (viewBox, and a path and label point per 시·도)."""
    hint = "regenerate it with `.venv/bin/python scripts/import_map.py`"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise MapDataError(f"{path}: map data not found; {hint}") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MapDataError(f"{path}: cannot read map data ({exc}); {hint}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("regions"), dict):
        raise MapDataError(f"{path}: no 'regions' object; {hint}")
    view_box = data.get("viewBox")
    if not isinstance(view_box, str) or len(_NUMBER.findall(view_box)) != 4:
        raise MapDataError(f"{path}: 'viewBox' must be four numbers, got {view_box!r}; {hint}")
    if not data["regions"]:
        raise MapDataError(f"{path}: 'regions' is empty; {hint}")
    for name, region in data["regions"].items():
        if not isinstance(region, dict) or not isinstance(region.get("path"), str):
            raise MapDataError(f"{path}: region {name!r} has no 'path'; {hint}")
        if not region["path"].strip():
            raise MapDataError(f"{path}: region {name!r} has an empty 'path'; {hint}")
        for key in ("label", "offset"):
            point = region.get(key, [0, 0])
            if not (
                isinstance(point, list)
                and len(point) == 2
                and all(isinstance(v, int | float) and math.isfinite(v) for v in point)
            ):
                raise MapDataError(f"{path}: region {name!r}: {key!r} must be [x, y]; {hint}")
    return data


def _nice_ceil(value: int) -> int:
    """Round a class boundary up to two significant digits ending in 0 or 5 (12→15, 123→150)."""
    if value < 10:
        return value
    step = 5 * 10 ** (len(str(value)) - 2)
    return -(-value // step) * step


def map_breaks(values: Iterable[int], classes: int = CLASSES) -> tuple[MapClass, ...]:
    """The colour scale for these counts: ``q0`` for 0, then up to ``classes`` quantile classes
    with rounded boundaries; the highest class always ends at the maximum and is ``q5``."""
    positive = sorted(v for v in values if v > 0)
    scale = [MapClass("q0", 0, 0)]
    if not positive:
        return tuple(scale)
    quantiles = [positive[math.ceil(i * len(positive) / classes) - 1] for i in range(1, classes)]
    quantiles.append(positive[-1])
    uppers: list[int] = []
    for i, quantile in enumerate(quantiles):
        upper = quantile
        if i < len(quantiles) - 1 and _nice_ceil(quantile) < quantiles[i + 1]:
            upper = _nice_ceil(quantile)  # round only where it does not swallow the next class
        if not uppers or upper > uppers[-1]:
            uppers.append(upper)
    # Fewer distinct classes than colours: spread them over q1..q5 so the top stays darkest.
    k = len(uppers)
    shades = [classes] if k == 1 else [round(1 + j * (classes - 1) / (k - 1)) for j in range(k)]
    low = 1
    for upper, shade in zip(uppers, shades, strict=True):
        scale.append(MapClass(f"q{shade}", low, upper))
        low = upper + 1
    return tuple(scale)


def province_breaks(counts: Mapping[str, int], map_data: Mapping) -> tuple[MapClass, ...]:
    """The scale :func:`province_map` uses: counts of the map's 시·도 (missing ones are 0)."""
    return map_breaks(counts.get(name, 0) for name in map_data["regions"])


def class_of(count: int, breaks: Iterable[MapClass]) -> str:
    """The CSS class of a count on a scale (``q0`` if no class holds it)."""
    for item in breaks:
        if count in item:
            return item.css_class
    return "q0"


def _num(value: float) -> str:
    """A coordinate as short text: 12, 12.5."""
    text = f"{float(value):.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def compact_path(path: str) -> str:
    """The same outline in fewer bytes: coordinates rounded to whole viewBox units (under a pixel
    at the map's size), then written as relative moves (``M93 164l3-4 1-3z``). Rounding happens on
    the absolute points, so borders shared by two regions stay identical and nothing drifts."""
    out: list[str] = []
    for ring in re.split(r"(?=M)", path.strip()):
        numbers = [round(float(v)) for v in _NUMBER.findall(ring)]
        points = list(zip(numbers[0::2], numbers[1::2], strict=False))
        kept = [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]
        if len(kept) < 3:
            continue  # a ring smaller than a unit vanishes at this scale
        (x, y), steps = kept[0], []
        for nx, ny in kept[1:]:
            steps.append(_signed(nx - x) + _signed(ny - y))
            x, y = nx, ny
        out.append(f"M{kept[0][0]}{_signed(kept[0][1])}l" + "".join(steps).lstrip(" ") + "z")
    return "".join(out)


def _signed(value: int) -> str:
    """A number after another one: '-4' needs no separator, '4' needs a space."""
    return str(value) if value < 0 else f" {value}"


def _pair(dx: int, dy: int) -> str:
    return f"{_signed(dx)}{_signed(dy)}"


def _attr(value: object) -> str:
    return str(escape(str(value)))


def province_map(
    counts: Mapping[str, int],
    links: Mapping[str, str],
    map_data: Mapping,
    *,
    title: str = "시·도별 기사 수",
    breaks: tuple[MapClass, ...] | None = None,
    id_prefix: str = "province-map",
    compact: bool = False,
) -> Markup:
    """An inline SVG map: one link per 시·도 named ``"<name> <n>건"``, shaded ``q0``…``q5``,
    with a count label at each region's label point. Same inputs, same bytes. ``compact``
    writes the outlines with :func:`compact_path` (about half the bytes, for pages).

    The ``<svg>`` keeps its implicit ``graphics-document`` role, named by its title, rather than
    ``role="img"``: ARIA makes an image's children presentational, so assistive technology could
    skip the 17 links inside it (and the HTML checker rejects ``role="group"`` on ``<svg>``).
    """
    regions: Mapping[str, Mapping] = map_data["regions"]
    if breaks is None:
        breaks = province_breaks(counts, map_data)
    title_id = f"{id_prefix}-title"
    shapes: list[str] = []
    labels: list[str] = []
    for name, region in regions.items():
        count = int(counts.get(name, 0))
        css = _attr(class_of(count, breaks))
        name_text = f"{name} {count:,}건"
        path = compact_path(region["path"]) if compact else region["path"]
        inner = f'<title>{escape(name_text)}</title><path d="{_attr(path)}"/>'
        link = links.get(name)
        if link:
            shapes.append(
                f'<a href="{_attr(link)}" class="{css}" aria-label="{_attr(name_text)}">{inner}</a>'
            )
        else:
            shapes.append(
                f'<g class="{css}" role="img" aria-label="{_attr(name_text)}">{inner}</g>'
            )
        x, y = (float(v) for v in region["label"])
        dx, dy = (float(v) for v in region.get("offset", (0, 0)))
        tx, ty = _num(x + dx), _num(y + dy)
        if dx or dy:
            # The leader stops short of the text's middle, at about the edge of its halo.
            length = math.hypot(dx, dy)
            stop = 1 - min(LEADER_GAP, 0.6 * length) / length
            labels.append(
                f'<line class="map-leader" x1="{_num(x)}" y1="{_num(y)}"'
                f' x2="{_num(x + dx * stop)}" y2="{_num(y + dy * stop)}"/>'
            )
        short = region.get("short") or name
        labels.append(
            f'<text class="map-label" x="{tx}" y="{ty}">'
            f'<tspan class="map-label-name" x="{tx}" dy="-0.15em">{escape(short)}</tspan>'
            f'<tspan class="map-label-count" x="{tx}" dy="1.1em">{count:,}</tspan></text>'
        )
    attribution = map_data.get("attribution", "")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="province-map"'
        f' viewBox="{_attr(map_data["viewBox"])}" aria-labelledby="{_attr(title_id)}">'
        f'<title id="{_attr(title_id)}">{escape(title)}</title>'
        + (f"<desc>{escape('지도: ' + attribution)}</desc>" if attribution else "")
        + f'<g class="map-regions">{"".join(shapes)}</g>'
        + f'<g class="map-labels" aria-hidden="true">{"".join(labels)}</g></svg>'
    )
    return Markup(svg)


def map_legend(breaks: Iterable[MapClass], *, label: str = "기사 수 범례") -> Markup:
    """The scale as an HTML list: a colour swatch and ``0건``, ``1–3건``... per class."""
    items = "".join(
        f'<li><span class="map-swatch {_attr(item.css_class)}" aria-hidden="true"></span>'
        f"{escape(item.label)}</li>"
        for item in breaks
    )
    return Markup(f'<ul class="map-legend" aria-label="{_attr(label)}">{items}</ul>')
