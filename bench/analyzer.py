"""Benchmark the morphological analyzers: load time, throughput and peak memory per backend.

Each configuration runs in its own child process so that load times are cold and RSS numbers
are honest (a JVM or a loaded dictionary never leaks into another row).

    .venv/bin/python bench/analyzer.py                 # mecab and komoran, with and without
    .venv/bin/python bench/analyzer.py --backend mecab --seconds 5

Text comes from ../shared/dev/seeds/*.txt when present, else a built-in Korean paragraph; the
~3,000-word user dictionary from ../shared/reference (KRX company and 시·군·구 names) when
present, else from generated Hangul words.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ARTICLE_CHARS = 2000
PARAGRAPH = (
    "[제주=이데일리 김유성 기자] 카카오톡을 인공지능(AI) 기반 ‘만능플랫폼화’로 만들겠다고 선언한 "
    "카카오(035720)가 제주창조경제혁신센터, 구글 AI오픈소스 사용자 모임 ‘텐서플로우’와 함께 "
    "‘제주도의 동북아 AI 허브화’에 조력한다. 제주도는 기계학습(머신러닝)에 필요한 공공 데이터를 "
    "제공한다. 제주대, 홍콩과학기술대 등 학계는 물론 구글과 같은 글로벌 기업과도 협력을 모색한다.\n"
)


def corpus_text() -> str:
    """Realistic Korean news text: the seed articles, else a built-in paragraph."""
    files = sorted((SHARED / "dev" / "seeds").glob("*.txt"))
    return "\n".join(f.read_text(encoding="utf-8") for f in files) or PARAGRAPH * 20


def articles(text: str, size: int = ARTICLE_CHARS, count: int = 12) -> list[str]:
    """Cut text, cycled as needed, into `count` articles of ~size chars at paragraph ends."""
    paragraphs = [p + "\n" for p in text.splitlines() if p.strip()]
    out, current, i = [], "", 0
    while len(out) < count:
        current += paragraphs[i % len(paragraphs)]
        i += 1
        if len(current) >= size:
            out.append(current)
            current = ""
    return out


def user_words(n: int = 3000) -> list[str]:
    """About n proper nouns: KRX company and 시·군·구 names, else generated Hangul words."""
    words: list[str] = []
    reference = SHARED / "reference"
    companies = reference / "companies" / "krx_listed_2025-10.csv"
    regions = reference / "regions" / "sigungu.csv"
    if companies.is_file() and regions.is_file():
        with companies.open(encoding="utf-8-sig") as fh:
            words += [row["회사명"] for row in csv.DictReader(fh)]
        with regions.open(encoding="utf-8-sig") as fh:
            words += [row["name"].split()[-1] for row in csv.DictReader(fh)]
    rng = random.Random(0)
    while len(set(words)) < n:
        words.append("".join(chr(rng.randrange(0xAC00, 0xD7A4)) for _ in range(rng.randint(2, 5))))
    return sorted(set(words))[:n] if len(set(words)) > n else sorted(set(words))


def rss_mb() -> float:
    """Current resident set size of this process in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run_worker(backend: str, with_userdic: bool, seconds: float) -> dict[str, float | str]:
    """Measure one configuration in this (fresh) process; return the numbers."""
    sys.path.insert(0, str(ROOT))
    from nlp.userdic import build_komoran_userdic, build_mecab_userdic

    words = user_words() if with_userdic else []
    result: dict[str, float | str] = {"words": len(words)}
    with tempfile.TemporaryDirectory() as cache:
        if words:
            build = build_mecab_userdic if backend == "mecab" else build_komoran_userdic
            started = time.perf_counter()
            build(words, Path(cache))
            result["compile_s"] = time.perf_counter() - started
        started = time.perf_counter()
        from nlp.analyzer import open_analyzer

        analyzer = open_analyzer(backend, words, cache_dir=Path(cache))
        result["load_s"] = time.perf_counter() - started
    result["rss_load_mb"] = rss_mb()
    result.update(throughput(analyzer, articles(corpus_text()), seconds))
    result["rss_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def throughput(analyzer: object, docs: list[str], seconds: float) -> dict[str, float]:
    """Analyse docs round-robin for about `seconds`; return chars/s and articles/s."""
    warm_up = time.perf_counter() + min(1.0, seconds / 3)  # lets the JVM's JIT settle
    while time.perf_counter() < warm_up:
        analyzer.analyze(docs[0])  # type: ignore[attr-defined]
    chars = count = 0
    started = time.perf_counter()
    while (elapsed := time.perf_counter() - started) < seconds:
        doc = docs[count % len(docs)]
        analyzer.analyze(doc)  # type: ignore[attr-defined]
        chars, count = chars + len(doc), count + 1
    return {"chars_per_s": chars / elapsed, "articles_per_s": count / elapsed}


def measure(backend: str, with_userdic: bool, seconds: float) -> dict[str, float | str]:
    """Run one configuration in a child process and parse its JSON line."""
    cmd = [sys.executable, __file__, "--worker", backend, "--seconds", str(seconds)]
    cmd += ["--userdic"] if with_userdic else []
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{backend} worker failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def print_table(rows: list[tuple[str, dict[str, float | str]]]) -> None:
    """Print the results as a Markdown table."""
    print(
        "| backend | user dic words | compile s | load s | chars/s | articles/s "
        "| RSS load MB | peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        compile_s = f"{r['compile_s']:.2f}" if "compile_s" in r else "-"
        print(
            f"| {name} | {r['words']} | {compile_s} | {r['load_s']:.2f} "
            f"| {r['chars_per_s']:,.0f} | {r['articles_per_s']:.1f} "
            f"| {r['rss_load_mb']:.0f} | {r['rss_peak_mb']:.0f} |"
        )


def main() -> None:
    """Parse arguments; run the worker or drive one child process per configuration."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["mecab", "komoran"], action="append")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed analysis per row")
    parser.add_argument("--worker", choices=["mecab", "komoran"], help=argparse.SUPPRESS)
    parser.add_argument("--userdic", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(run_worker(args.worker, args.userdic, args.seconds)))
        return
    docs = articles(corpus_text())
    mean = sum(map(len, docs)) / len(docs)
    print(f"corpus: {len(docs)} articles of {mean:,.0f} chars on average (seed text, cycled)")
    rows = []
    for backend in args.backend or ["mecab", "komoran"]:
        for with_userdic in (False, True):
            name = f"{backend} + user dic" if with_userdic else backend
            rows.append((name, measure(backend, with_userdic, args.seconds)))
    print_table(rows)


if __name__ == "__main__":
    main()
