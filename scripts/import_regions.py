"""Generate ``content/taxonomy/regions.toml`` from the shared region reference CSVs.

Inputs (``--shared``, default ``../shared/reference/regions`` next to the project root):

* ``sido_17.csv``: the 17 시·도 (법정동 code, name, short name, former name, KOSTAT name).
* ``sigungu.csv``: every 시·군·구 including 일반구 (행정구) and 제주's 행정시.

Output: ``content/taxonomy/regions.toml`` in the format of ``docs/contracts.md``.

Rules (see ``content/taxonomy/README.md``):

* 시·도 short forms are the short name plus "<short>시" (특별시/광역시/특별자치시) or
  "<short>도" (도/특별자치도); former official names go into ``former``.
* 시·군 short forms drop the trailing 시/군 when at least two syllables remain, except when
  the result names a 시·도 (경기도 광주시, 제주시) or is a frequent common noun in news
  (``HOMOGRAPH_SHORTS``: 예산 "budget", 음성 "voice", 양산 "mass production"...).
  구 (자치구, 일반구) get no short form.
* Slugs are ``<sido_slug>-<romanised name>`` from KOSTAT's English names, checked against a
  Revised Romanization of the Hangul name (the KOSTAT column has gaps and a few wrong rows).

Run: ``.venv/bin/python scripts/import_regions.py``.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import re
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from archive.romanize import romanize

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = PROJECT_ROOT.parent / "shared" / "reference" / "regions"
DEFAULT_OUT = PROJECT_ROOT / "content" / "taxonomy" / "regions.toml"

SIDO_SLUGS: dict[str, str] = {
    "서울": "seoul",
    "부산": "busan",
    "대구": "daegu",
    "인천": "incheon",
    "광주": "gwangju",
    "대전": "daejeon",
    "울산": "ulsan",
    "세종": "sejong",
    "경기": "gyeonggi",
    "강원": "gangwon",
    "충북": "chungbuk",
    "충남": "chungnam",
    "전북": "jeonbuk",
    "전남": "jeonnam",
    "경북": "gyeongbuk",
    "경남": "gyeongnam",
    "제주": "jeju",
}

# Extra 시·도 short forms beyond "<short>" and "<short>시"/"<short>도".
SIDO_EXTRA_SHORTS: dict[str, list[str]] = {
    "제주": ["제주특별자치도"],
}

# English names fixed by hand where the KOSTAT column is not a usable romanisation.
SIDO_NAME_EN_FIXES: dict[str, str] = {
    "Sejongsi": "Sejong-si",
}

# 시·군 short forms that are frequent common words in Korean news text: matching them bare
# would tag a 시·군 in most articles about budgets, voice AI or chip production. The full
# name (예산군, 음성군, 양산시...) still matches.
HOMOGRAPH_SHORTS: dict[str, str] = {
    "강화": "강화 (strengthening): 역량 강화",
    "고령": "고령 (old age): 고령층, 고령화",
    "구리": "구리 (copper)",
    "기장": "기장 (captain; bookkeeping)",
    "남해": "남해 (the South Sea)",
    "달성": "달성 (achievement): 목표 달성",
    "동해": "동해 (the East Sea)",
    "보은": "보은 (repaying a favour): 보은 인사",
    "부여": "부여 (granting): 권한 부여",
    "상주": "상주 (stationed, resident): 상주 인력",
    "양산": "양산 (mass production)",
    "영광": "영광 (glory)",
    "영양": "영양 (nutrition)",
    "예산": "예산 (budget)",
    "완주": "완주 (finishing a race)",
    "음성": "음성 (voice, speech): 음성 인식",
    "장성": "장성 (general officer)",
    "장수": "장수 (longevity): 장수 기업",
    "진도": "진도 (progress)",
    "함양": "함양 (cultivation): 역량 함양",
}

KIND_MAP: dict[str, str] = {
    "시": "시",
    "군": "군",
    "자치구": "자치구",
    "일반구(행정구)": "일반구",
    "행정시": "시",  # 제주시, 서귀포시: 행정시 of 제주특별자치도, listed as 시
}

SUFFIX_EN: dict[str, str] = {"시": "si", "군": "gun", "구": "gu"}

CREDIT = "행정안전부 법정동코드, 통계청(KOSTAT) 행정구역 분류"


@dataclass
class Sido:
    """One 시·도 row of regions.toml."""

    code: str
    name: str
    short: list[str]
    former: list[str]
    slug: str
    name_en: str


@dataclass
class Sigungu:
    """One 시·군·구 row of regions.toml."""

    code: str
    sido: str
    name: str
    short: list[str]
    city: str
    kind: str
    slug: str
    name_en: str
    notes: list[str] = field(default_factory=list)


def split_suffix(name: str) -> tuple[str, str]:
    """Split a 시·군·구 name into its stem and its administrative suffix (시, 군 or 구)."""
    if name[-1] not in SUFFIX_EN:
        raise ValueError(f"unexpected 시·군·구 name: {name}")
    return name[:-1], name[-1]


def romanized_stem(name: str, kostat_en: str, city_prefix: str = "") -> tuple[str, str | None]:
    """Return the romanised stem of a 시·군·구 name and a warning when KOSTAT was not used.

    ``kostat_en`` is KOSTAT's English name (``Jongno-gu``, ``Suwonsijangangu``, sometimes
    empty or wrong); ``city_prefix`` is the parent city's stem for 일반구 names, which KOSTAT
    writes run together with the city.
    """
    stem_ko, suffix_ko = split_suffix(name)
    fallback = re.sub(r"[^a-z]", "", romanize(stem_ko))
    letters = re.sub(r"[^a-z]", "", kostat_en.lower())
    if city_prefix and letters.startswith(city_prefix + "si"):
        letters = letters[len(city_prefix) + 2 :]
    suffix_en = SUFFIX_EN[suffix_ko]
    letters = letters.removesuffix(suffix_en)
    if not letters:
        return fallback, f"{name}: no KOSTAT English name, romanised as {fallback!r}"
    if difflib.SequenceMatcher(None, letters, fallback).ratio() < 0.75:
        return (
            fallback,
            f"{name}: KOSTAT English name {kostat_en!r} rejected, romanised as {fallback!r}",
        )
    return letters, None


def title_en(stem: str, suffix_ko: str) -> str:
    """English display name such as ``Jongno-gu`` from a stem and a Korean suffix."""
    return f"{stem.capitalize()}-{SUFFIX_EN[suffix_ko]}"


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a UTF-8 (optionally BOM-prefixed) CSV file into a list of dicts."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def build_sido(rows: list[dict[str, str]]) -> list[Sido]:
    """Build the 시·도 entries from ``sido_17.csv`` rows."""
    result: list[Sido] = []
    for row in rows:
        short_name, name = row["short_name"], row["name"]
        suffix = "시" if name.endswith("시") else "도"
        shorts = [
            short_name,
            short_name + suffix,
            *SIDO_EXTRA_SHORTS.get(short_name, []),
        ]
        former = [row["former_name"].split("(")[0].strip()] if row["former_name"] else []
        for old in former:  # 강원도 is both the former name and a current short form
            if old.endswith("도") and old not in shorts and old[:-1] == short_name:
                shorts.append(old)
        name_en = SIDO_NAME_EN_FIXES.get(row["name_eng_kostat2018"], row["name_eng_kostat2018"])
        result.append(
            Sido(
                code=row["bjd_sido_code"],
                name=name,
                short=shorts,
                former=former,
                slug=SIDO_SLUGS[short_name],
                name_en=name_en,
            )
        )
    return result


def sigungu_short(name: str, kind: str, sido_words: set[str]) -> tuple[list[str], str | None]:
    """Short forms for one 시·군·구 and, when a short form was withheld, the reason."""
    if kind not in ("시", "군"):
        return [], None
    stem, _ = split_suffix(name)
    if len(stem) < 2:
        return [], None
    if stem in sido_words:
        return [], f"{name}: short form {stem!r} names a 시·도"
    if stem in HOMOGRAPH_SHORTS:
        return [], f"{name}: short form withheld, common word {HOMOGRAPH_SHORTS[stem]}"
    return [stem], None


def build_sigungu(rows: list[dict[str, str]], sidos: list[Sido]) -> tuple[list[Sigungu], list[str]]:
    """Build the 시·군·구 entries from ``sigungu.csv`` rows; also return warnings."""
    slug_by_sido = {sido.name: sido.slug for sido in sidos}
    sido_words = {word for sido in sidos for word in (sido.name, *sido.short, *sido.former)}
    warnings: list[str] = []
    city_stems: dict[tuple[str, str], str] = {}
    for row in rows:  # cities first: 일반구 slugs and names build on them
        if not row["parent_city"]:
            stem, warning = romanized_stem(row["name"], row["name_eng_kostat2018"])
            city_stems[(row["sido_name"], row["name"])] = stem
            if warning:
                warnings.append(warning)
    result: list[Sigungu] = []
    for row in rows:
        sido, name, city = row["sido_name"], row["name"], row["parent_city"]
        kind = KIND_MAP[row["type"]]
        sido_slug = slug_by_sido[sido]
        if city:
            city_stem = city_stems[(sido, city)]
            stem, warning = romanized_stem(name, row["name_eng_kostat2018"], city_prefix=city_stem)
            full_name = f"{city} {name}"
            slug = f"{sido_slug}-{city_stem}-si-{stem}-gu"
            name_en = f"{title_en(city_stem, '시')} {title_en(stem, '구')}"
        else:
            stem, warning = city_stems[(sido, name)], None
            full_name = name
            slug = f"{sido_slug}-{stem}-{SUFFIX_EN[name[-1]]}"
            name_en = title_en(stem, name[-1])
        if warning:
            warnings.append(warning)
        short, note = sigungu_short(name, kind, sido_words)
        if note:
            warnings.append(note)
        result.append(
            Sigungu(
                code=row["bjd_sgg_code"],
                sido=sido,
                name=full_name,
                short=short,
                city=city,
                kind=kind,
                slug=slug,
                name_en=name_en,
                notes=[note] if note else [],
            )
        )
    return result, warnings


def toml_str(value: str) -> str:
    """Quote a string as a TOML basic string."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def toml_list(values: list[str]) -> str:
    """Format a list of strings as an inline TOML array."""
    return "[" + ", ".join(toml_str(value) for value in values) + "]"


def render(sidos: list[Sido], sigungus: list[Sigungu], source: str) -> str:
    """Render regions.toml (header comment, then [[sido]] and [[sigungu]] tables)."""
    lines = [
        "# 지역 AI 뉴스: 시·도 and 시·군·구 gazetteer. GENERATED FILE, do not edit by hand:",
        "# regenerate with `.venv/bin/python scripts/import_regions.py`.",
        f"# Sources: {CREDIT}",
        f"# (codes: 법정동코드; English names: KOSTAT 2018, checked and completed by the script). Input: {source}",
        "#",
        "# Ambiguities left to the tagger (it resolves them by context):",
        "# - 광주/광주시 are short forms of 광주광역시 only; 경기도 광주시 is a real 시 and has no",
        '#   short form here ("광주" next to 경기 means 경기도 광주시).',
        "# - 경기 is also a common noun (경기 침체 'economy', 축구 경기 'match'); 세종 is also King",
        "#   Sejong (세종대왕, 세종대, 세종문화회관).",
        "# - 고성 is the short form of both 강원 고성군 and 경남 고성군.",
        "# - 중구/동구/서구/남구/북구/강서구... exist in several cities: 구 names have no short form and",
        "#   are tagged only together with their city.",
        "# - 시·군 short forms that are frequent common words are withheld (예산, 음성, 양산, 부여...):",
        "#   see HOMOGRAPH_SHORTS in scripts/import_regions.py; the full names still match.",
        '# - kind: 제주시/서귀포시 are 행정시 (not local governments) and are listed as "시".',
        "",
    ]
    for sido in sidos:
        lines += [
            "[[sido]]",
            f"code = {toml_str(sido.code)}",
            f"name = {toml_str(sido.name)}",
            f"short = {toml_list(sido.short)}",
            f"former = {toml_list(sido.former)}",
            f"slug = {toml_str(sido.slug)}",
            f"name_en = {toml_str(sido.name_en)}",
            "",
        ]
    for item in sigungus:  # CSV order: by 시·도, then 법정동 code
        lines += [f"# {note}" for note in item.notes]
        lines += [
            "[[sigungu]]",
            f"code = {toml_str(item.code)}",
            f"sido = {toml_str(item.sido)}",
            f"name = {toml_str(item.name)}",
            f"short = {toml_list(item.short)}",
            f"city = {toml_str(item.city)}",
            f"kind = {toml_str(item.kind)}",
            f"slug = {toml_str(item.slug)}",
            f"name_en = {toml_str(item.name_en)}",
            "",
        ]
    return "\n".join(lines)


def check(text: str, n_sido: int, n_sigungu: int) -> None:
    """Parse the rendered TOML and assert counts, slug uniqueness and references."""
    data = tomllib.loads(text)
    assert len(data["sido"]) == n_sido, "시·도 count mismatch"
    assert len(data["sigungu"]) == n_sigungu, "시·군·구 count mismatch"
    slugs = [row["slug"] for row in data["sido"] + data["sigungu"]]
    duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    assert not duplicates, f"duplicate slugs: {duplicates}"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs), (
        "slug not ASCII/hyphenated"
    )
    sido_names = {row["name"] for row in data["sido"]}
    assert all(row["sido"] in sido_names for row in data["sigungu"]), "unknown 시·도 in sigungu"
    keys = [(row["sido"], row["name"]) for row in data["sigungu"]]
    assert len(keys) == len(set(keys)), "duplicate (sido, name) in sigungu"
    names = {key[1] for key in keys}
    assert all(row["city"] in names for row in data["sigungu"] if row["city"]), (
        "unknown parent city"
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="directory with sido_17.csv and sigungu.csv",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output TOML file")
    parser.add_argument("-q", "--quiet", action="store_true", help="do not list warnings")
    args = parser.parse_args(argv)

    sido_rows = read_csv(args.shared / "sido_17.csv")
    sigungu_rows = read_csv(args.shared / "sigungu.csv")
    sidos = build_sido(sido_rows)
    sigungus, warnings = build_sigungu(sigungu_rows, sidos)
    try:
        source = str(args.shared.resolve().relative_to(PROJECT_ROOT.parent))
    except ValueError:
        source = args.shared.name
    text = render(sidos, sigungus, source)
    check(text, len(sido_rows), len(sigungu_rows))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    if not args.quiet:
        for warning in warnings:
            print(f"note: {warning}", file=sys.stderr)
    kinds: dict[str, int] = {}
    for item in sigungus:
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    with_short = sum(1 for item in sigungus if item.short)
    withheld = sum(1 for item in sigungus if item.notes)
    print(f"wrote {args.out}")
    print(
        f"sido: {len(sidos)}  sigungu: {len(sigungus)} ({', '.join(f'{k} {v}' for k, v in kinds.items())})"
    )
    print(f"sigungu with a short form: {with_short}  short form withheld: {withheld}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
