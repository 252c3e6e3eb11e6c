"""Generate ``content/taxonomy/map.json``: simplified SVG outlines of the 17 시·도 for the home map.

Input (``--geojson``, default ``../shared/reference/regions/provinces.geojson`` next to the
project root): KOSTAT's simplified 시·도 boundaries (공공누리 제1유형) with pre-2023 names and
KOSTAT codes. Features are matched to the ``[[sido]]`` names of ``content/taxonomy/regions.toml``
by name (강원도 → 강원특별자치도, 전라북도 → 전북특별자치도) or, failing that, by code through
``sido_17.csv``.

Steps, all deterministic:

* Project lon/lat with an equirectangular projection scaled by cos(36°) and fit it into a
  viewBox about 600 units wide and 800 high.
* Drop islands smaller than ``--min-island`` km² (울릉도/독도 are always kept) and holes smaller
  than ``MIN_HOLE_KM2``.
* Simplify with Douglas–Peucker along *arcs*: rings are cut at junctions (vertices with more than
  two distinct neighbours over all rings), each shared border is simplified once, so neighbouring
  provinces keep exactly the same border and no slivers or gaps appear.
* Round to one decimal and write one SVG path per 시·도 plus a label point inside it: the
  centroid of its largest polygon when that lies well inside, else a pole of inaccessibility
  found by grid search. ``LABEL_AT`` can pin a label by hand and ``LABEL_OFFSETS`` moves the
  text of small regions aside (the renderer draws a leader line to the label point).

Run: ``.venv/bin/python scripts/import_map.py``.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GEOJSON = PROJECT_ROOT.parent / "shared" / "reference" / "regions" / "provinces.geojson"
DEFAULT_REGIONS = PROJECT_ROOT / "content" / "taxonomy" / "regions.toml"
DEFAULT_OUT = PROJECT_ROOT / "content" / "taxonomy" / "map.json"

ATTRIBUTION = "KOSTAT, 공공누리 제1유형"
RENAMED = {"강원도": "강원특별자치도", "전라북도": "전북특별자치도"}

LAT0 = 36.0  # standard parallel of the equirectangular projection
KM_PER_DEG = 111.32
VIEW_HEIGHT = 800.0
PADDING = 12.0
DEFAULT_TOLERANCE = 1.2  # Douglas–Peucker tolerance in viewBox units (1 unit ≈ 0.8 km)
DEFAULT_MIN_ISLAND_KM2 = 60.0
MIN_HOLE_KM2 = 5.0
# Islands kept whatever their size: (name, lon, lat) of a point inside or next to them.
KEEP_ISLANDS = (("울릉도", 130.87, 37.50), ("독도", 131.87, 37.24))

# Hand-placed label points (lon, lat) where the automatic one is crowded by a neighbour's label.
LABEL_AT: dict[str, tuple[float, float]] = {}
# Text offsets in viewBox units for regions too small for their label.
LABEL_OFFSETS: dict[str, tuple[float, float]] = {
    "대전광역시": (46.0, 6.0),  # east into 충북's empty south, clear of 세종's label
    "부산광역시": (34.0, 34.0),  # out to sea: the city is a thin strip along the coast
}

Point = tuple[float, float]
Ring = list[Point]


class MapImportError(Exception):
    """The boundary file or regions.toml cannot be read or does not match; names the file."""


@dataclass(frozen=True, slots=True)
class Sido:
    """A 시·도 of regions.toml: the official name the map is keyed by, and its short label."""

    name: str
    short: str


@dataclass(slots=True)
class Polygon:
    """An outer ring and its holes, in projected coordinates."""

    outer: Ring
    holes: list[Ring]


def read_sidos(path: Path) -> list[Sido]:
    """The 17 시·도 of regions.toml with their first short name (서울, 경기...)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise MapImportError(f"{path}: cannot read regions: {exc}") from exc
    sidos = [
        Sido(row["name"], (row.get("short") or [row["name"]])[0]) for row in data.get("sido", [])
    ]
    if len(sidos) != 17:
        raise MapImportError(f"{path}: expected 17 [[sido]] entries, found {len(sidos)}")
    return sidos


def read_kostat_codes(path: Path) -> dict[str, str]:
    """KOSTAT 2018 code → official name, from sido_17.csv next to the GeoJSON (if present)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["kostat2018_code"]: row["name"] for row in csv.DictReader(handle)}


def match_features(
    features: list[dict], sidos: list[Sido], kostat: dict[str, str], source: Path
) -> dict[str, dict]:
    """Official 시·도 name → GeoJSON feature; every 시·도 and every feature must match once."""
    official = {s.name for s in sidos}
    matched: dict[str, dict] = {}
    for feature in features:
        props = feature.get("properties") or {}
        raw = str(props.get("name", ""))
        name = RENAMED.get(raw, raw)
        if name not in official:
            name = kostat.get(str(props.get("code", "")), "")
        if name not in official:
            raise MapImportError(
                f"{source}: feature {raw!r} (code {props.get('code')}) is no 시·도"
            )
        if name in matched:
            raise MapImportError(f"{source}: two features for {name}")
        matched[name] = feature
    missing = sorted(official - matched.keys())
    if missing:
        raise MapImportError(f"{source}: no outline for {', '.join(missing)}")
    return matched


def project(lon: float, lat: float) -> Point:
    """Equirectangular projection in km, x east, y south (SVG orientation)."""
    return (lon * math.cos(math.radians(LAT0)) * KM_PER_DEG, -lat * KM_PER_DEG)


def ring_area(ring: Sequence[Point]) -> float:
    """Signed shoelace area (positive when clockwise on screen, y pointing down)."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        total += x1 * y2 - x2 * y1
    return total / 2


def open_ring(coords: Iterable[Sequence[float]]) -> Ring:
    """A projected ring without its closing point or repeated vertices."""
    ring: Ring = []
    for lon, lat, *_ in coords:
        point = project(lon, lat)
        if not ring or ring[-1] != point:
            ring.append(point)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    return ring


def point_in_ring(point: Point, ring: Sequence[Point]) -> bool:
    """Even–odd ray casting."""
    x, y = point
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i]
        xj, yj = ring[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def segment_distance(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment a–b."""
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length2))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def keep_polygons(feature: dict, min_island_km2: float) -> list[Polygon]:
    """The feature's polygons in km, without small islands (the largest always stays) and holes."""
    geometry = feature["geometry"]
    parts = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        parts = [parts]
    polygons = [Polygon(open_ring(p[0]), [open_ring(h) for h in p[1:]]) for p in parts]
    largest = max(polygons, key=lambda p: abs(ring_area(p.outer)))
    anchors = [project(lon, lat) for _, lon, lat in KEEP_ISLANDS]
    kept = []
    for polygon in polygons:
        near_anchor = any(
            point_in_ring(a, polygon.outer)
            or min(segment_distance(a, *e) for e in edges(polygon.outer)) < 3.0
            for a in anchors
        )
        if polygon is largest or near_anchor or abs(ring_area(polygon.outer)) >= min_island_km2:
            polygon.holes = [h for h in polygon.holes if abs(ring_area(h)) >= MIN_HOLE_KM2]
            kept.append(polygon)
    return kept


def edges(ring: Sequence[Point]) -> Iterable[tuple[Point, Point]]:
    """The closed ring's edges."""
    return zip(ring, [*ring[1:], ring[0]], strict=True)


def douglas_peucker(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker on an open polyline; keeps both ends (iterative, no recursion limit)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = -1.0, -1
        for i in range(first + 1, last):
            d = segment_distance(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index > 0 and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def find_junctions(rings: Iterable[Ring]) -> set[Point]:
    """Vertices with more than two distinct neighbours over all rings: ends of shared borders."""
    neighbours: dict[Point, set[Point]] = defaultdict(set)
    for ring in rings:
        n = len(ring)
        for i, point in enumerate(ring):
            neighbours[point].update((ring[i - 1], ring[(i + 1) % n]))
    return {p for p, near in neighbours.items() if len(near) > 2}


class ArcSimplifier:
    """Simplifies rings arc by arc so that a border shared by two rings is simplified once."""

    def __init__(self, junctions: set[Point], tolerance: float) -> None:
        self.junctions = junctions
        self.tolerance = tolerance
        self.cache: dict[tuple[Point, ...], list[Point]] = {}

    def arc(self, points: list[Point]) -> list[Point]:
        """One arc (both ends fixed), simplified in a canonical direction for consistency."""
        forward = tuple(points)
        backward = forward[::-1]
        key = min(forward, backward)
        if key not in self.cache:
            self.cache[key] = douglas_peucker(key, self.tolerance)
        result = self.cache[key]
        return list(result) if key == forward else result[::-1]

    def loop(self, ring: Ring, min_points: int) -> Ring:
        """A ring without junctions (an island): start at its smallest vertex, split at the
        vertex farthest from it, and lower the tolerance until it keeps ``min_points``."""
        start = ring.index(min(ring))
        ring = ring[start:] + ring[:start]
        far = max(range(len(ring)), key=lambda i: math.dist(ring[0], ring[i]))
        tolerance = self.tolerance
        while True:
            first = douglas_peucker([*ring[: far + 1]], tolerance)
            second = douglas_peucker([*ring[far:], ring[0]], tolerance)
            result = first[:-1] + second[:-1]
            if len(result) >= min(min_points, len(ring)) or tolerance < 0.01:
                return result
            tolerance /= 2

    def ring(self, ring: Ring, min_points: int = 5) -> Ring:
        """A ring cut into arcs at its junctions, each arc simplified once."""
        cuts = [i for i, p in enumerate(ring) if p in self.junctions]
        if not cuts:
            return self.loop(ring, min_points)
        ring = ring[cuts[0] :] + ring[: cuts[0]]
        cuts = [c - cuts[0] for c in cuts] + [len(ring)]
        closed = [*ring, ring[0]]
        result: Ring = []
        for a, b in itertools.pairwise(cuts):
            result += self.arc(closed[a : b + 1])[:-1]
        return result


@dataclass(slots=True)
class Frame:
    """The affine map from projected km to viewBox units."""

    min_x: float
    min_y: float
    scale: float
    width: float
    height: float

    def __call__(self, point: Point) -> Point:
        """Projected km → viewBox units."""
        return (
            PADDING + (point[0] - self.min_x) * self.scale,
            PADDING + (point[1] - self.min_y) * self.scale,
        )


def make_frame(polygons: Iterable[Polygon]) -> Frame:
    """Scale everything so that the height is ``VIEW_HEIGHT``; the width follows."""
    xs, ys = [], []
    for polygon in polygons:
        for x, y in polygon.outer:
            xs.append(x)
            ys.append(y)
    scale = (VIEW_HEIGHT - 2 * PADDING) / (max(ys) - min(ys))
    width = math.ceil((max(xs) - min(xs)) * scale + 2 * PADDING)
    return Frame(min(xs), min(ys), scale, width, VIEW_HEIGHT)


def round_ring(ring: Ring) -> Ring:
    """Round to one decimal and drop repeated points."""
    out: Ring = []
    for x, y in ring:
        point = (round(x, 1), round(y, 1))
        if not out or out[-1] != point:
            out.append(point)
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def number(value: float) -> str:
    """Shortest text for a coordinate with one decimal: 12, 12.5, -0.5."""
    text = f"{value:.1f}"
    text = text.removesuffix(".0")
    return "0" if text == "-0" else text


def path_data(rings: Iterable[Ring]) -> str:
    """SVG path data: one ``M x y x y ... Z`` subpath per ring (implicit lineto)."""
    parts = []
    for ring in rings:
        coords = " ".join(f"{number(x)} {number(y)}" for x, y in ring)
        parts.append(f"M{coords}Z")
    return "".join(parts)


def distance_to_rings(point: Point, rings: Sequence[Ring]) -> float:
    """Distance to the nearest edge of any ring."""
    return min(segment_distance(point, a, b) for ring in rings for a, b in edges(ring))


def inside(point: Point, rings: Sequence[Ring]) -> bool:
    """Even–odd inside test over all rings of a region (holes included)."""
    return sum(point_in_ring(point, r) for r in rings) % 2 == 1


def pole_of_inaccessibility(rings: Sequence[Ring], region: Sequence[Ring]) -> Point:
    """The point inside ``rings`` farthest from any edge of ``region``, by refining grids."""
    xs = [x for r in rings for x, _ in r]
    ys = [y for r in rings for _, y in r]
    step = max(max(xs) - min(xs), max(ys) - min(ys)) / 40
    candidates = [
        (min(xs) + i * step, min(ys) + j * step)
        for i in range(41)
        for j in range(41)
        if min(xs) + i * step <= max(xs) and min(ys) + j * step <= max(ys)
    ]
    best = rings[0][0]  # fallback: a vertex of the region
    best_d = -1.0
    for _ in range(4):
        for c in candidates:
            if inside(c, rings) and inside(c, region):
                d = distance_to_rings(c, region)
                if d > best_d:
                    best, best_d = c, d
        step /= 5
        candidates = [
            (best[0] + i * step, best[1] + j * step) for i in range(-5, 6) for j in range(-5, 6)
        ]
    return best


def polygon_centroid(ring: Sequence[Point]) -> Point:
    """Area centroid of a simple ring."""
    area = ring_area(ring)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in edges(ring):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return (cx / (6 * area), cy / (6 * area))


def label_point(polygons: list[list[Ring]]) -> Point:
    """Centroid of the largest polygon if it lies well inside, else a pole of inaccessibility."""
    region = [r for rings in polygons for r in rings]
    largest = max(polygons, key=lambda rings: abs(ring_area(rings[0])))
    pole = pole_of_inaccessibility(largest, region)
    centroid = polygon_centroid(largest[0])
    if inside(centroid, region) and distance_to_rings(centroid, region) >= 0.6 * (
        distance_to_rings(pole, region)
    ):
        return centroid
    return pole


def build_map(
    features: dict[str, dict],
    sidos: list[Sido],
    tolerance: float = DEFAULT_TOLERANCE,
    min_island_km2: float = DEFAULT_MIN_ISLAND_KM2,
) -> tuple[dict, dict[str, int]]:
    """The map.json document and the number of points kept per 시·도."""
    kept = {name: keep_polygons(f, min_island_km2) for name, f in features.items()}
    frame = make_frame(p for polygons in kept.values() for p in polygons)
    # Simplify in viewBox units so the tolerance means the same everywhere.
    for polygons in kept.values():
        for polygon in polygons:
            polygon.outer = [frame(p) for p in polygon.outer]
            polygon.holes = [[frame(p) for p in h] for h in polygon.holes]
    all_rings = [r for ps in kept.values() for p in ps for r in (p.outer, *p.holes)]
    simplifier = ArcSimplifier(find_junctions(all_rings), tolerance)
    shorts = {s.name: s.short for s in sidos}
    regions: dict[str, dict] = {}
    counts: dict[str, int] = {}
    for name in sorted(kept):
        polygons: list[list[Ring]] = []
        for polygon in kept[name]:
            rings = [round_ring(simplifier.ring(r)) for r in (polygon.outer, *polygon.holes)]
            rings = [r for r in rings if len(r) >= 3]
            if rings:
                polygons.append(rings)
        flat = [r for rings in polygons for r in rings]
        counts[name] = sum(len(r) for r in flat)
        pinned = LABEL_AT.get(name)
        label = frame(project(*pinned)) if pinned else label_point(polygons)
        entry: dict[str, object] = {
            "label": [round(label[0], 1), round(label[1], 1)],
            "path": path_data(flat),
            "short": shorts[name],
        }
        if name in LABEL_OFFSETS:
            entry["offset"] = list(LABEL_OFFSETS[name])
        regions[name] = entry
    document = {
        "attribution": ATTRIBUTION,
        "regions": regions,
        "viewBox": f"0 0 {number(frame.width)} {number(frame.height)}",
    }
    return document, counts


def main(argv: list[str] | None = None) -> int:
    """Command line: read the GeoJSON and regions.toml, write map.json, print a summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geojson", type=Path, default=DEFAULT_GEOJSON)
    parser.add_argument("--regions", type=Path, default=DEFAULT_REGIONS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tolerance", type=float, default=DEFAULT_TOLERANCE)
    parser.add_argument("--min-island", type=float, default=DEFAULT_MIN_ISLAND_KM2)
    args = parser.parse_args(argv)
    try:
        geojson = json.loads(args.geojson.read_text(encoding="utf-8"))
        sidos = read_sidos(args.regions)
        kostat = read_kostat_codes(args.geojson.with_name("sido_17.csv"))
        features = match_features(geojson.get("features", []), sidos, kostat, args.geojson)
    except (OSError, json.JSONDecodeError) as exc:
        print(f"{args.geojson}: cannot read boundaries: {exc}", file=sys.stderr)
        return 1
    except MapImportError as exc:
        print(exc, file=sys.stderr)
        return 1
    document, counts = build_map(features, sidos, args.tolerance, args.min_island)
    text = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    args.out.write_text(text, encoding="utf-8")
    for name in sorted(counts):
        print(f"{name}\t{counts[name]} points")
    print(
        f"{args.out}: {sum(counts.values())} points, {len(text.encode())} bytes, "
        f"viewBox {document['viewBox']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
