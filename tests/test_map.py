"""The 시·도 choropleth: map.json covers the taxonomy, the SVG is well-formed, classed and escaped."""

from __future__ import annotations

import copy
import itertools
import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from archive.taxonomy import load_taxonomy
from sitegen.map import (
    MapClass,
    MapDataError,
    load_map,
    map_breaks,
    map_legend,
    province_breaks,
    province_map,
)

ROOT = Path(__file__).resolve().parent.parent
MAP_JSON = ROOT / "content" / "taxonomy" / "map.json"
SVG = "{http://www.w3.org/2000/svg}"
SAMPLE = {
    "서울특별시": 412,
    "경기도": 287,
    "대전광역시": 96,
    "광주광역시": 64,
    "부산광역시": 51,
    "대구광역시": 38,
    "인천광역시": 33,
    "세종특별자치시": 21,
    "충청북도": 18,
    "경상남도": 14,
    "울산광역시": 12,
    "충청남도": 9,
    "경상북도": 7,
    "전북특별자치도": 5,
    "전라남도": 3,
    "강원특별자치도": 2,
    "제주특별자치도": 0,
}


@pytest.fixture(scope="module")
def sidos():
    return load_taxonomy(ROOT / "content" / "taxonomy").sidos


@pytest.fixture(scope="module")
def map_data():
    return load_map(MAP_JSON)


@pytest.fixture(scope="module")
def links(sidos):
    return {r.key: f"/regions/{r.slug}/" for r in sidos}


def numbers(path: str) -> list[float]:
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path)]


def rings(path: str) -> list[list[tuple[float, float]]]:
    out = []
    for sub in re.findall(r"M([^MZ]*)Z", path):
        coords = numbers(sub)
        out.append(list(zip(coords[0::2], coords[1::2], strict=True)))
    return out


def inside(point: tuple[float, float], path: str) -> bool:
    """Even–odd point-in-polygon over every subpath (holes included)."""
    x, y = point
    crossings = 0
    for ring in rings(path):
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                crossings += 1
    return crossings % 2 == 1


def links_by_label(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {a.get("aria-label"): a for a in root.iter(f"{SVG}a")}


def test_map_json_covers_the_17_sido_of_the_taxonomy(sidos, map_data):
    assert len(sidos) == 17
    assert set(map_data["regions"]) == {r.key for r in sidos}
    assert map_data["attribution"] == "KOSTAT, 공공누리 제1유형"
    assert MAP_JSON.stat().st_size < 40_000


def test_paths_and_labels_lie_within_the_view_box(map_data):
    x0, y0, width, height = (float(v) for v in map_data["viewBox"].split())
    assert 500 <= width <= 700 and 700 <= height <= 900
    for name, region in map_data["regions"].items():
        path = region["path"]
        assert path.startswith("M") and path.endswith("Z"), name
        coords = numbers(path)
        assert coords and len(coords) % 2 == 0, name
        xs, ys = coords[0::2], coords[1::2]
        assert x0 <= min(xs) and max(xs) <= x0 + width, name
        assert y0 <= min(ys) and max(ys) <= y0 + height, name
        assert inside(tuple(region["label"]), path), f"{name}: label point outside"
        for other, other_region in map_data["regions"].items():
            if other != name:
                assert not inside(tuple(region["label"]), other_region["path"]), (name, other)


def test_shared_borders_are_simplified_once(map_data):
    """Small regions' outlines consist of their neighbours' vertices: no gaps, no slivers."""
    vertices = {
        name: {p for ring in rings(r["path"]) for p in ring}
        for name, r in map_data["regions"].items()
    }
    neighbours = {
        "서울특별시": ("경기도", "인천광역시"),
        "세종특별자치시": ("충청남도", "충청북도", "대전광역시"),
        "대전광역시": ("충청남도", "충청북도", "세종특별자치시"),
        "광주광역시": ("전라남도",),
    }
    for name, around in neighbours.items():
        assert vertices[name] <= set().union(*(vertices[n] for n in around)), name


def test_map_json_is_sorted_and_stable():
    text = MAP_JSON.read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def test_svg_has_one_named_link_per_sido(map_data, links):
    svg = str(province_map(SAMPLE, links, map_data))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("aria-labelledby") == "province-map-title"
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == "province-map-title"
    assert title.text == "시·도별 기사 수"
    anchors = list(root.iter(f"{SVG}a"))
    assert len(anchors) == 17
    by_label = links_by_label(svg)
    for name, count in SAMPLE.items():
        anchor = by_label[f"{name} {count}건"]
        assert anchor.get("href") == links[name]
        assert anchor.find(f"{SVG}title").text == f"{name} {count}건"
        assert anchor.find(f"{SVG}path").get("d") == map_data["regions"][name]["path"]
    labels = root.find(f"{SVG}g[@class='map-labels']")
    assert labels.get("aria-hidden") == "true"
    assert len(labels.findall(f"{SVG}text")) == 17
    assert "style=" not in svg and "fill=" not in svg  # colours come from map.css
    assert len(svg.encode()) < 30_000


def test_classes_follow_the_breaks(map_data, links):
    breaks = province_breaks(SAMPLE, map_data)
    assert breaks[0] == MapClass("q0", 0, 0)
    assert [b.css_class for b in breaks] == ["q0", "q1", "q2", "q3", "q4", "q5"]
    assert breaks[-1].high == 412
    assert all(a.high + 1 == b.low for a, b in itertools.pairwise(breaks[1:]))
    by_label = links_by_label(str(province_map(SAMPLE, links, map_data)))
    assert by_label["서울특별시 412건"].get("class") == "q5"
    assert by_label["제주특별자치도 0건"].get("class") == "q0"
    for name, count in SAMPLE.items():
        (expected,) = [b.css_class for b in breaks if b.low <= count <= b.high]
        assert by_label[f"{name} {count}건"].get("class") == expected


@pytest.mark.parametrize(
    ("values", "classes"),
    [
        ([], ["q0"]),
        ([0, 0], ["q0"]),
        ([3, 3, 0], ["q0", "q5"]),
        ([1, 2], ["q0", "q1", "q5"]),
        ([1, 2, 3], ["q0", "q1", "q3", "q5"]),
        (list(range(1, 18)), ["q0", "q1", "q2", "q3", "q4", "q5"]),
    ],
)
def test_breaks_keep_the_maximum_in_q5(values, classes):
    breaks = map_breaks(values)
    assert [b.css_class for b in breaks] == classes
    if any(values):
        assert breaks[-1].high == max(values)
        for value in values:
            assert sum(value in b for b in breaks) == 1


def test_missing_counts_are_zero_and_missing_links_are_not_links(map_data, links):
    svg = str(province_map({"서울특별시": 5}, {"서울특별시": links["서울특별시"]}, map_data))
    root = ET.fromstring(svg)
    assert len(list(root.iter(f"{SVG}a"))) == 1
    groups = [g for g in root.iter(f"{SVG}g") if g.get("role") == "img"]
    assert len(groups) == 16
    assert {g.get("class") for g in groups} == {"q0"}
    assert "경기도 0건" in {g.get("aria-label") for g in groups}


def test_hostile_names_and_links_are_escaped(map_data, links):
    hostile = copy.deepcopy(map_data)
    hostile["regions"]['<b>"x"</b> onload="y"'] = hostile["regions"].pop("서울특별시")
    hostile["regions"]['<b>"x"</b> onload="y"']["short"] = "<script>alert(1)</script>"
    hostile_links = {
        **links,
        "경기도": '/x" onmouseover="alert(1)',
        "강원특별자치도": "/a?b=1&c=<2>",
    }
    svg = str(
        province_map(
            {'<b>"x"</b> onload="y"': 3},
            hostile_links,
            hostile,
            title='</title><script>alert("t")</script>',
        )
    )
    root = ET.fromstring(svg)  # still well-formed
    assert 'onmouseover="' not in svg and 'onload="' not in svg
    assert "<script" not in svg and "<b>" not in svg
    assert not [a for el in root.iter() for a in el.attrib if a.startswith("on")]
    by_label = links_by_label(svg)
    assert by_label["경기도 0건"].get("href") == '/x" onmouseover="alert(1)'
    assert by_label["강원특별자치도 0건"].get("href") == "/a?b=1&c=<2>"
    assert root.find(f"{SVG}title").text == '</title><script>alert("t")</script>'
    assert '<b>"x"</b> onload="y" 3건' in {
        g.get("aria-label") for g in root.iter() if g.get("aria-label")
    }


def test_output_is_deterministic(map_data, links):
    first = province_map(SAMPLE, links, map_data)
    second = province_map(dict(reversed(SAMPLE.items())), dict(reversed(links.items())), map_data)
    assert first == second
    assert map_legend(province_breaks(SAMPLE, map_data)) == map_legend(
        province_breaks(dict(reversed(SAMPLE.items())), map_data)
    )


def test_legend_is_an_html_list(map_data):
    legend = str(map_legend(province_breaks(SAMPLE, map_data)))
    root = ET.fromstring(legend)
    assert root.tag == "ul"
    items = ["".join(li.itertext()) for li in root.findall("li")]
    assert items == ["0건", "1–7건", "8–15건", "16–35건", "36–65건", "66–412건"]
    swatches = [li.find("span") for li in root.findall("li")]
    assert [s.get("class") for s in swatches] == [f"map-swatch q{i}" for i in range(6)]
    assert all(s.get("aria-hidden") == "true" for s in swatches)


def test_load_map_names_the_file(tmp_path):
    missing = tmp_path / "nope.json"
    with pytest.raises(MapDataError, match=r"nope\.json"):
        load_map(missing)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    with pytest.raises(MapDataError, match=r"broken\.json"):
        load_map(broken)
    empty_path = tmp_path / "empty_path.json"
    empty_path.write_text(
        json.dumps({"viewBox": "0 0 10 10", "regions": {"x": {"path": "", "label": [1, 1]}}}),
        encoding="utf-8",
    )
    with pytest.raises(MapDataError, match=r"empty_path\.json.*empty 'path'"):
        load_map(empty_path)


def test_map_css_defines_every_class_for_both_schemes():
    css = (ROOT / "site_templates" / "static" / "map.css").read_text(encoding="utf-8")
    light, _, dark = css.partition("@media (prefers-color-scheme: dark)")
    for i in range(6):
        assert f"--map-q{i}:" in light and f"--map-q{i}:" in dark
        assert f".province-map .q{i} {{ fill: var(--map-q{i}); }}" in css
        assert f".map-swatch.q{i} {{ background: var(--map-q{i}); }}" in css
    assert "paint-order: stroke" in css and ":focus-visible" in css
