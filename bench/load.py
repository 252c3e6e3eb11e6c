#!/usr/bin/env python3
"""Load: `build.py update` with 200 loopback sources (10 % failing, each in its own way) over an
archive of 100,000 articles.

Usage: .venv/bin/python bench/load.py [--articles N] [--sources N] [--keep DIR] [--base DIR]
       [--rate R] [--no-search] [--first-run]

1. The archive: bench/build.py's deterministic synthetic corpus of N articles, loaded with
   `build.py import` and rendered once (`build.py render --no-search`), kept in `--base` (default
   /tmp/jiyeok-load-base) and reused by later runs (the archive file is copied, the rendered site
   hard-linked; the writer replaces files by rename, so the base copy never changes). Before
   the measured run the copy is put in the state an hourly run finds: every archived article
   scored by the current relevance scorer (as earlier runs' tag stages would have; see
   `mark_scored`) and the site rendered with the current content/ (a warm-up render, timed).
2. The sources: each on its own loopback address 127.77.x.y (the scraper's politeness lanes are
   per host name, so 200 addresses give 200 lanes, as 200 outlets would) on one port. 90 % are
   healthy RSS or Atom feeds with three new Korean AI articles each (a few of them quirky in ways
   the scraper must absorb: EUC-KR labelled UTF-8, a permanent redirect, a short Retry-After,
   gzip); 10 % fail in different ways (see FAILURES). Every source allows only 127.0.0.0/8 as a
   private network, so a redirect to the cloud metadata address is refused, not followed.
3. The measured run: `build.py update` in a fresh process with the project's own [scraper]
   settings (content/site.toml: timeouts, size cap, 4 hosts in parallel, 1 request/s per host
   unless --rate). Wall and CPU time (wait4), the largest process's peak RSS, the whole
   process tree's peak RSS and PSS (sampled every 0.2 s), the stages' times from the run report
   (CPU per stage from the samples), the exit code (3 expected), which failing sources were
   reported and why, the healthy sources' articles stored and published, and the archive's
   integrity. Prints tables; asserts nothing (a check that does not hold is printed as FAIL).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive.records import KST, article_id  # noqa: E402
from archive.taxonomy import load_taxonomy  # noqa: E402
from scraper.settings import load_scraper_settings  # noqa: E402


def _bench_build() -> ModuleType:
    """bench/build.py (the synthetic corpus), loaded by path: `build` is also the CLI's name."""
    spec = importlib.util.spec_from_file_location("bench_build", ROOT / "bench" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_build"] = module
    spec.loader.exec_module(module)
    return module


_corpus = _bench_build()
BENCH_SOURCE = _corpus.BENCH_SOURCE
article_record = _corpus.article_record
pick_companies = _corpus.pick_companies
write_corpus = _corpus.write_corpus
tree_pss_kb = _corpus._tree_pss_kb

PORT = 18777  # every outlet's port (--port)
ARTICLES_PER_SOURCE = 3
ALLOWED_NETWORKS = '["127.0.0.0/8"]'

# Failing sources: kind → (what the server does, a phrase the reported reason must contain).
FAILURES: dict[str, tuple[str, str]] = {
    "http-500": ("HTTP 500 on every request (retried, then failed)", "HTTP 500"),
    "http-404": ("HTTP 404 for the feed", "HTTP 404"),
    "http-403": ("HTTP 403 for the feed", "HTTP 403"),
    "timeout": ("headers only after read_timeout + 5 s", "timed out"),
    "refused": ("nothing listens on the address", "connection failed"),
    "truncated": ("RSS cut off before its first item", "not a readable"),
    "html": ("an HTML page where the feed should be", "HTML page"),
    "redirect-loop": ("/rss.xml → /a → /rss.xml", "redirect loop"),
    "ssrf-redirect": ("302 to http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    "oversized": ("6 MB body, no Content-Length (cap 5 MB)", "too large"),
    "slow-drip": ("one byte every 0.5 s (under the read timeout)", "longer than"),
    "bad-gzip": ("Content-Encoding: gzip, body not gzip", "corrupt"),
    "robots": ("robots.txt: Disallow: /", "robots.txt"),
    "empty": ("200 with an empty body", "not a"),
    "429": ("HTTP 429, Retry-After: 3600 (over max_retry_after)", "HTTP 429"),
    "tls": ("https:// URL, the server speaks plain HTTP", "SSL"),
    "cut-off": ("Content-Length 20000, connection closed after 200 bytes", "cut off"),
    "image": ("image/png where the feed should be", "image/png"),
    "redirect-chain": ("ten distinct redirects (limit 5)", "more than 5 redirects"),
    "json": ("application/json where the feed should be", "not a"),
}
# Healthy sources that misbehave in ways the scraper must absorb (their articles must land).
QUIRKS = ("euc-kr-as-utf-8", "moved-301", "retry-after-1s", "gzip")


@dataclass(frozen=True)
class Outlet:
    """One loopback source: its key, address, behaviour and (if healthy) its articles."""

    index: int
    key: str
    host: str
    kind: str  # "healthy", a QUIRKS name or a FAILURES key
    atom: bool
    articles: tuple[dict, ...] = ()

    @property
    def failing(self) -> bool:
        return self.kind in FAILURES

    @property
    def base(self) -> str:
        scheme = "https" if self.kind == "tls" else "http"
        return f"{scheme}://{self.host}:{PORT}"


def host_of(index: int) -> str:
    return f"127.77.{index // 200}.{index % 200 + 1}"


def outlet_articles(i: int, now: datetime, taxonomy, companies: list) -> tuple[dict, ...]:
    """The outlet's three newest articles (failing outlets have them too: the truncated feed
    cuts into them, and none of them may land)."""
    rng = random.Random(f"jiyeok-load-{i}")
    records = []
    for n in range(ARTICLES_PER_SOURCE):
        when = (now - timedelta(hours=3 * n + i % 7)).replace(microsecond=0)
        record = article_record(1_000_000 + i * 10 + n, rng, taxonomy, companies, when)
        record["url"] = f"http://{host_of(i)}:{PORT}/news/{n}.html"
        record["title"] = record["title"].replace("번째 소식", f"번째 소식 ({i}-{n})")
        record["text"] = distinct_text(rng, taxonomy, companies)
        record["excerpt"] = record["text"][:150]
        records.append(record)
    return tuple(records)


def make_outlets(count: int, taxonomy, now: datetime) -> list[Outlet]:
    """`count` outlets, one in ten failing (spread through the list), a few healthy quirky."""
    failing_kinds = list(FAILURES)
    n_failing = count // 10
    companies = pick_companies(taxonomy)
    outlets = []
    for i in range(count):
        failing = n_failing and i % 10 == 5 and i // 10 < n_failing
        kind = failing_kinds[(i // 10) % len(failing_kinds)] if failing else "healthy"
        if not failing and i % 10 == 7 and i // 10 < len(QUIRKS):
            kind = QUIRKS[i // 10]
        articles = outlet_articles(i, now, taxonomy, companies)
        outlets.append(Outlet(i, f"load-{i:03d}", host_of(i), kind, i % 2 == 1, articles))
    return outlets


NOUNS = (
    "실증 사업",
    "데이터센터",
    "연구소",
    "인재 양성 과정",
    "협약",
    "투자 유치",
    "반도체 설계",
    "스마트팩토리",
    "의료 영상 판독",
    "자율주행 셔틀",
    "공공 챗봇",
    "농업 로봇",
    "물류 자동화",
    "디지털트윈",
    "음성 인식",
    "추천 엔진",
    "전력 수요 예측",
    "보안 관제",
    "교통 신호 제어",
)
VERBS = ("추진한다", "시작했다", "마무리했다", "확대한다", "공개했다", "유치했다", "검증했다")


def distinct_text(rng: random.Random, taxonomy, companies: list) -> str:
    """~1,500 characters of AI-industry sentences whose 5-character shingles differ from every
    other article's (the template sentences of bench/build.py would be grouped as wire copies)."""
    regions = [r.name for r in taxonomy.regions]
    sentences = []
    while sum(len(x) for x in sentences) < 1500:
        sentences.append(
            f"{rng.choice(regions)} {rng.choice(companies).name} {rng.choice(NOUNS)} "
            f"{rng.randint(2, 9999)}건 인공지능 {rng.choice(NOUNS)} {rng.randint(10, 99999)}억 원 "
            f"{rng.choice(regions)} {rng.choice(VERBS)}."
        )
    return "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))


# -- what the outlets serve ------------------------------------------------------------------
def feed_xml(outlet: Outlet, encoding: str = "utf-8") -> bytes:
    base = f"http://{outlet.host}:{PORT}"
    if outlet.atom:
        entries = "".join(
            f"<entry><title>{escape(a['title'])}</title><link href='{a['url']}'/>"
            f"<id>{a['url']}</id><updated>{a['published']}</updated>"
            f"<summary>{escape(a['excerpt'])}</summary></entry>"
            for a in outlet.articles
        )
        body = (
            f'<?xml version="1.0" encoding="{encoding}"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>부하시험 {outlet.index}</title><id>{base}/</id>"
            f"<updated>{outlet.articles[0]['published'] if outlet.articles else ''}</updated>"
            f"{entries}</feed>"
        )
    else:
        items = "".join(
            f"<item><title>{escape(a['title'])}</title><link>{a['url']}</link>"
            f"<guid>{a['url']}</guid>"
            f"<pubDate>{format_datetime(datetime.fromisoformat(a['published']))}</pubDate>"
            f"<description>{escape(a['excerpt'])}</description></item>"
            for a in outlet.articles
        )
        body = (
            f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
            f"<title>부하시험 {outlet.index}</title><link>{base}/</link>{items}</channel></rss>"
        )
    return body.encode("cp949" if encoding != "utf-8" else "utf-8")


def page_html(article: dict) -> bytes:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article["text"].split("\n\n"))
    return (
        '<!doctype html><html lang="ko"><head><meta charset="utf-8">'
        f"<title>{escape(article['title'])} | 부하시험</title>"
        f'<meta property="article:published_time" content="{article["published"]}">'
        f"</head><body><nav>메뉴 · 로그인 · 구독</nav><h1>{escape(article['title'])}</h1>"
        f'<div id="article-body">{paragraphs}</div><footer>무단 전재 금지</footer></body></html>'
    ).encode()


class OutletHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: OutletServer

    def log_message(self, format: str, *args: object) -> None:
        return  # thousands of requests; the counts are kept instead

    def send(self, status: int, body: bytes = b"", ctype: str = "", **headers: str) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        outlet = self.server.outlet
        self.server.count(self.path)
        try:
            self.respond(outlet, self.path.split("?", 1)[0])
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def respond(self, outlet: Outlet, path: str) -> None:
        kind = outlet.kind
        feed_type = "application/atom+xml" if outlet.atom else "application/rss+xml"
        if path == "/robots.txt":
            if kind == "robots":
                return self.send(200, b"User-agent: *\nDisallow: /\n", "text/plain")
            if outlet.index % 3 == 0:
                return self.send(404, b"not found", "text/plain")
            return self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        if path.startswith("/news/") and outlet.articles:
            n = int(path.removeprefix("/news/").removesuffix(".html") or -1)
            if 0 <= n < len(outlet.articles):
                return self.send(200, page_html(outlet.articles[n]), "text/html; charset=utf-8")
            return self.send(404, b"no such article", "text/plain")
        if kind == "moved-301" and path == "/rss.xml":
            return self.send(301, b"", "", Location="/feed/new.xml")
        if kind == "redirect-loop" and path in ("/rss.xml", "/a"):
            return self.send(302, b"", "", Location="/a" if path == "/rss.xml" else "/rss.xml")
        if kind == "redirect-chain" and (path == "/rss.xml" or path.startswith("/hop/")):
            hop = 0 if path == "/rss.xml" else int(path.removeprefix("/hop/"))
            return self.send(302, b"", "", Location=f"/hop/{hop + 1}")
        if path not in ("/rss.xml", "/feed/new.xml"):
            return self.send(404, b"not found", "text/plain")
        self.feed(outlet, kind, feed_type)

    def feed(self, outlet: Outlet, kind: str, feed_type: str) -> None:
        if kind in ("healthy", "moved-301"):
            return self.send(200, feed_xml(outlet), feed_type)
        if kind == "euc-kr-as-utf-8":  # EUC-KR bytes, declared UTF-8 in the header and the XML
            body = feed_xml(outlet, "cp949").replace(b'encoding="cp949"', b'encoding="utf-8"')
            return self.send(200, body, f"{feed_type}; charset=utf-8")
        if kind == "retry-after-1s":
            if self.server.count("feed-429") == 1:
                return self.send(429, b"slow down", "text/plain", Retry_After="1")
            return self.send(200, feed_xml(outlet), feed_type)
        if kind == "gzip":
            return self.send(
                200, gzip.compress(feed_xml(outlet)), feed_type, Content_Encoding="gzip"
            )
        status = {"http-500": 500, "http-404": 404, "http-403": 403}.get(kind)
        if status:
            return self.send(status, b"error", "text/html")
        if kind == "timeout":
            self.server.stopped.wait(self.server.stall)
            return self.send(200, feed_xml(outlet), feed_type)
        if kind == "truncated":
            body = feed_xml(outlet)
            first = body.index(b"<entry>" if outlet.atom else b"<item>")
            return self.send(200, body[: first + 14], feed_type)  # inside the first title
        if kind == "html":
            page = "<html><head><title>부하시험</title></head><body>피드를 옮겼습니다</body></html>"
            return self.send(200, page.encode(), "text/html; charset=utf-8")
        if kind == "ssrf-redirect":
            return self.send(302, b"", "", Location="http://169.254.169.254/latest/meta-data/")
        if kind == "oversized":
            return self.stream(feed_type, b"<rss>" + b" " * 65536, 6 * 1024 * 1024 // 65536 + 2)
        if kind == "slow-drip":
            return self.stream(feed_type, b" ", 10_000, pause=0.5)
        if kind == "bad-gzip":
            return self.send(200, b"this is not gzip" * 64, feed_type, Content_Encoding="gzip")
        if kind == "empty":
            return self.send(200, b"", feed_type)
        if kind == "429":
            return self.send(429, b"slow down", "text/plain", Retry_After="3600")
        if kind == "cut-off":
            self.send_response(200)
            self.send_header("Content-Type", feed_type)
            self.send_header("Content-Length", "20000")
            self.end_headers()
            self.wfile.write(feed_xml(outlet)[:200])
            self.close_connection = True
            return None
        if kind == "image":
            return self.send(200, b"\x89PNG\r\n\x1a\n" + bytes(512), "image/png")
        if kind == "json":
            return self.send(200, b'{"items": []}', "application/json")
        return self.send(500, b"unknown kind", "text/plain")

    def stream(self, ctype: str, chunk: bytes, times: int, pause: float = 0.0) -> None:
        """A body without Content-Length, ended by closing the connection."""
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        for _ in range(times):
            if self.server.stopped.is_set():
                return
            self.wfile.write(chunk)
            self.wfile.flush()
            if pause:
                self.server.stopped.wait(pause)


class OutletServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, outlet: Outlet, stall: float, stopped: threading.Event) -> None:
        self.outlet = outlet
        self.stall = stall
        self.stopped = stopped
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        super().__init__((outlet.host, PORT), OutletHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up (the TLS probe, the scraper giving up on a drip) are expected."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def count(self, path: str) -> int:
        with self._lock:
            self.requests[path] = self.requests.get(path, 0) + 1
            return self.requests[path]


@dataclass
class Outlets:
    """The running loopback servers."""

    servers: list[OutletServer] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)

    def start(self, outlets: list[Outlet], stall: float) -> None:
        for outlet in outlets:
            if outlet.kind == "refused":
                continue  # nothing listens there
            server = OutletServer(outlet, stall, self.stopped)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)

    def stop(self) -> None:
        self.stopped.set()
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def requests(self) -> int:
        return sum(sum(s.requests.values()) for s in self.servers)


def sources_toml(outlets: list[Outlet], rate: float | None) -> str:
    lines = [BENCH_SOURCE]
    for outlet in outlets:
        lines += [
            "[[source]]",
            f'key = "{outlet.key}"',
            f'name = "부하시험 {outlet.index}"',
            f'url = "{outlet.base}/rss.xml"',
            f'kind = "{"atom" if outlet.atom else "rss"}"',
            f"allow_private = {ALLOWED_NETWORKS}",
            'policy = "all"',
            *([f"rate = {rate:g}"] if rate is not None else []),
            "[source.selectors]",
            'title = "h1"',
            'body = "#article-body"',
            "date = \"meta[property='article:published_time']\"",
            "",
        ]
    return "\n".join(lines)


def write_content(
    folder: Path, outlets: list[Outlet], rate: float | None, fresh: bool = False
) -> Path:
    """content/ as the project has it (site.toml's [scraper] included), with the load sources;
    `fresh`: copied again (the measured run uses the tree's content, in step with its code)."""
    content = folder / "content"
    if fresh and content.exists():
        shutil.rmtree(content)
    if not content.exists():
        shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("demo"))
    (content / "sources.toml").write_text(sources_toml(outlets, rate), encoding="utf-8")
    return content


# -- measuring -------------------------------------------------------------------------------
@dataclass
class Run:
    code: int
    wall: float
    cpu: float
    peak_mb: float  # the largest single process (wait4's ru_maxrss)
    tree_rss_mb: float  # peak of the summed RSS of the process tree
    tree_pss_mb: float  # peak of the summed PSS of the process tree
    main_hwm_mb: float  # the build.py process's own peak RSS (VmHWM)
    stdout: str
    stderr: str
    cpu_at: list[tuple[float, float]]  # (seconds since start, tree CPU seconds so far)
    rss_at: list[tuple[float, float, float]]  # (seconds since start, main RSS MB, tree RSS MB)


def _tree(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_and_rss(pids: list[int]) -> tuple[float, int]:
    """CPU seconds (own and waited-for children's) and RSS in kB summed over `pids`."""
    cpu, rss = 0.0, 0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        cpu += sum(int(v) for v in fields[11:15]) / TICK  # utime stime cutime cstime
        rss += next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmRSS:")), 0)
    return cpu, rss


def _hwm_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(x.split()[1]) for x in status.splitlines() if x.startswith("VmHWM:")), 0)


def run_measured(command: list[str], log: Path) -> Run:
    """Run `command`; wall, CPU and peak RSS from wait4, the tree's RSS/PSS and CPU sampled."""
    started = time.perf_counter()
    with log.with_suffix(".out").open("w") as out, log.open("w") as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err)
        peaks = {"rss": 0, "pss": 0, "hwm": 0}
        cpu_at: list[tuple[float, float]] = []
        rss_at: list[tuple[float, float, float]] = []
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                pids = _tree(proc.pid)
                cpu, rss = _cpu_and_rss(pids)
                now = time.perf_counter() - started
                cpu_at.append((now, cpu))
                _, main_rss = _cpu_and_rss([proc.pid])
                rss_at.append((now, main_rss / 1024, rss / 1024))
                peaks["rss"] = max(peaks["rss"], rss)
                peaks["pss"] = max(peaks["pss"], tree_pss_kb(proc.pid))
                peaks["hwm"] = max(peaks["hwm"], _hwm_kb(proc.pid))
                done.wait(0.2)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    cpu_at.append((wall, cpu))
    return Run(
        proc.returncode,
        wall,
        cpu,
        usage.ru_maxrss / 1024,
        peaks["rss"] / 1024,
        peaks["pss"] / 1024,
        peaks["hwm"] / 1024,
        log.with_suffix(".out").read_text(),
        log.read_text(),
        cpu_at,
        rss_at,
    )


def cpu_between(samples: list[tuple[float, float]], start: float, end: float) -> float:
    """Tree CPU seconds spent between two moments, from the samples (linear in between)."""

    def at(moment: float) -> float:
        before = (0.0, 0.0)
        for t, cpu in samples:
            if t >= moment:
                span = t - before[0]
                share = (moment - before[0]) / span if span > 0 else 1.0
                return before[1] + share * (cpu - before[1])
            before = (t, cpu)
        return before[1]

    return max(0.0, at(end) - at(start))


def build_cmd(content: Path, archive: Path, public: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        str(ROOT / "build.py"),
        "--content",
        str(content),
        "--archive",
        str(archive),
        "--public",
        str(public),
        *args,
    ]


def timed(command: list[str], log: Path) -> Run:
    result = run_measured(command, log)
    if result.code != 0:
        raise SystemExit(f"{' '.join(command)} exited {result.code}:\n{result.stderr[-3000:]}")
    return result


# -- the base archive ------------------------------------------------------------------------
def prepare_base(base: Path, n: int, outlets: list[Outlet], rate: float | None, taxonomy) -> dict:
    """The imported and rendered archive of `n` articles in `base`, made once and reused."""
    base.mkdir(parents=True, exist_ok=True)
    archive, public = base / f"archive-{n}.sqlite3", base / f"public-{n}"
    content = write_content(base, outlets, rate)
    marker = base / f"ready-{n}.json"
    steps = json.loads(marker.read_text()) if marker.exists() else {}
    if "import" not in steps:
        started = time.perf_counter()
        corpus = write_corpus(n, base, taxonomy)
        print(f"corpus of {n:,} written in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        archive.unlink(missing_ok=True)
        result = timed(
            build_cmd(content, archive, public, "import", str(corpus.path)), base / "import.log"
        )
        steps["import"] = {"wall": result.wall, "cpu": result.cpu, "peak_mb": result.peak_mb}
        marker.write_text(json.dumps(steps))
    if "render" not in steps:
        print(f"rendering the {n:,}-article archive once …", file=sys.stderr)
        cmd = build_cmd(content, archive, public, "-q", "render", "--no-search")
        result = timed(cmd, base / "render.log")
        steps["render"] = {"wall": result.wall, "cpu": result.cpu, "peak_mb": result.peak_mb}
        marker.write_text(json.dumps(steps))
    return steps


def mark_scored(archive: Path, content: Path) -> int:
    """Give every archived article a relevance row with the current scorer's version, as the
    tag stages of earlier hourly runs would have (imported articles have none, and scoring 100,000
    of them means analysing every text: a one-off of ~40 min here, not an hourly run's work).
    The score is the policy-"all" source's: every article is published whatever it is."""
    from archive.relevance import Relevance
    from archive.store import Store
    from nlp.pipeline import open_pipeline
    from nlp.relevance_stage import open_scorer

    pipeline = open_pipeline(content / "taxonomy")
    scorer = open_scorer(content / "taxonomy", pipeline)
    relevance = Relevance(score=0.9, relevant=True, threshold=scorer.model.threshold)
    with Store.open(archive) as store:
        rows = store.conn.execute("SELECT id, tagged_with FROM articles").fetchall()
        store.save_relevance_many(
            (ident, relevance, f"{scorer.version}|{tagged}") for ident, tagged in rows
        )
    return len(rows)


def copy_base(base: Path, n: int, work: Path) -> tuple[Path, Path]:
    archive, public = work / "archive.sqlite3", work / "public"
    for leftover in (
        archive.with_name(archive.name + "-wal"),
        archive.with_name(archive.name + "-shm"),
    ):
        leftover.unlink(missing_ok=True)  # an earlier run's log must not replay onto the copy
    shutil.copyfile(base / f"archive-{n}.sqlite3", archive)
    if public.exists():
        shutil.rmtree(public)
    subprocess.run(["cp", "-al", str(base / f"public-{n}"), str(public)], check=True)
    return archive, public


# -- checking the outcome --------------------------------------------------------------------
@dataclass
class Verdict:
    checks: list[tuple[str, bool, str]] = field(default_factory=list)

    def check(self, what: str, ok: bool, detail: str = "") -> None:
        self.checks.append((what, ok, detail))


def examine(
    run: Run, outlets: list[Outlet], content: Path, archive: Path, public: Path, n: int
) -> tuple:
    status = json.loads((public / "_status.json").read_text())
    reported = {f["source"]: f["error"] for f in status.get("source_failures", [])}
    verdict = Verdict()
    verdict.check("exit code 3 (some sources failed, site built)", run.code == 3, str(run.code))
    failing = [o for o in outlets if o.failing]
    rows = []
    for outlet in failing:
        reason = reported.get(outlet.key, "")
        clear = FAILURES[outlet.kind][1].lower() in reason.lower()
        rows.append((outlet, bool(reason), clear, reason))
    verdict.check(
        f"every failing source reported ({len(failing)})",
        all(r[1] for r in rows),
        f"{sum(r[1] for r in rows)} reported",
    )
    verdict.check(
        "each with the expected reason",
        all(r[2] for r in rows),
        f"{sum(r[2] for r in rows)} as expected",
    )
    extra = sorted(set(reported) - {o.key for o in failing})
    verdict.check("no healthy source reported failing", not extra, ", ".join(extra) or "none")
    with sqlite3.connect(archive) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        per_source = dict(conn.execute("SELECT source, count(*) FROM articles GROUP BY source"))
        stored_ids = {
            row[0] for row in conn.execute("SELECT id FROM articles WHERE source LIKE 'load-%'")
        }
    healthy = [o for o in outlets if not o.failing]
    served = sum(len(o.articles) for o in healthy)
    short = {o.key: per_source.get(o.key, 0) for o in healthy if per_source.get(o.key, 0) != 3}
    verdict.check("archive integrity_check", integrity == "ok", integrity)
    verdict.check(
        f"every healthy source's articles stored ({served})",
        not short,
        f"{sum(per_source.get(o.key, 0) for o in healthy)} stored"
        + (f"; short: {short}" if short else ""),
    )
    verdict.check(
        "articles in the archive = corpus + new",
        total == n + served,
        f"{total:,} = {n:,} + {total - n:,}",
    )
    expected_ids = {article_id(a["url"]) for o in healthy for a in o.articles}
    published = sum(
        1 for ident in expected_ids if any(public.glob(f"articles/*/*/{ident}/index.html"))
    )
    verdict.check(
        "every new article published (a page)",
        published == len(expected_ids) and expected_ids <= stored_ids,
        f"{published} pages",
    )
    failed_in_tree = sum(per_source.get(o.key, 0) for o in failing)
    verdict.check("nothing stored from failing sources", failed_in_tree == 0, str(failed_in_tree))
    rescored = re.search(r"relevance: scored (\d+) articles", run.stderr)
    verdict.check(
        "the tag stage scored only the new articles (steady state)",
        rescored is not None and int(rescored.group(1)) == served,
        rescored.group(0) if rescored else "no scoring logged",
    )
    health = subprocess.run(
        build_cmd(content, archive, public, "-q", "sources", "--json"),
        capture_output=True,
        text=True,
        check=True,
    )
    verdicts = {row["key"]: row["verdict"] for row in json.loads(health.stdout)}
    flagged = {key for key, word in verdicts.items() if word == "failing"}
    moved = sorted(key for key, word in verdicts.items() if word == "moved")
    verdict.check(
        "`build.py sources` flags exactly the failing ones",
        flagged == {o.key for o in failing},
        f"{len(flagged)} failing; moved: {', '.join(moved) or 'none'}",
    )
    return status, rows, verdict


# -- the report ------------------------------------------------------------------------------
def print_report(label: str, run: Run, status: dict, rows: list, verdict: Verdict) -> None:
    print(f"\n### {label}\n")
    print("| measure | value |")
    print("|---|---:|")
    print(f"| exit code | {run.code} |")
    print(f"| wall s | {run.wall:.1f} |")
    print(f"| CPU s (user+sys, whole tree) | {run.cpu:.1f} |")
    print(f"| peak RSS MB, build.py process | {run.main_hwm_mb:.0f} |")
    print(f"| peak RSS MB, largest process (wait4) | {run.peak_mb:.0f} |")
    print(f"| peak RSS MB, whole tree (sum, sampled) | {run.tree_rss_mb:.0f} |")
    print(f"| peak PSS MB, whole tree (sampled) | {run.tree_pss_mb:.0f} |")
    for name in ("new_articles", "article_failures", "pages", "rendered", "written", "removed"):
        print(f"| {name.replace('_', ' ')} | {status.get(name, '')} |")
    print("\n| stage | wall s | CPU s (sampled) | peak RSS MB build.py / tree (sampled) |")
    print("|---|---:|---:|---:|")
    stages = status.get("stages", [])
    # Stage boundaries, counted back from the end of the process (only the report is written
    # after the last stage).
    end = run.wall
    spans = []
    for stage in reversed(stages):
        spans.append((stage["name"], end - stage["seconds"], end, stage))
        end -= stage["seconds"]
    for name, start, stop, stage in reversed(spans):
        ok = "" if stage["ok"] else " FAILED"
        cpu = cpu_between(run.cpu_at, start, stop)
        inside = [(m, t) for at, m, t in run.rss_at if start <= at <= stop] or [(0.0, 0.0)]
        memory = f"{max(m for m, _ in inside):.0f} / {max(t for _, t in inside):.0f}"
        print(f"| {name}{ok} | {stage['seconds']:.1f} | {cpu:.1f} | {memory} |")
    print(
        f"| (process start, imports, checks, report) | {end:.1f} | "
        f"{cpu_between(run.cpu_at, 0, end):.1f} | |"
    )
    print("\n| failing source | injected | reported | reason (as reported, cut) |")
    print("|---|---|---|---|")
    for outlet, was_reported, clear, reason in rows:
        mark = "yes" if was_reported and clear else ("yes, other reason" if was_reported else "NO")
        short = reason.replace("|", "/")[:140]
        print(f"| {outlet.key} `{outlet.kind}` | {FAILURES[outlet.kind][0]} | {mark} | {short} |")
    print("\n| check | result | detail |")
    print("|---|---|---|")
    for what, ok, detail in verdict.checks:
        print(f"| {what} | {'ok' if ok else 'FAIL'} | {detail} |")


def main() -> None:
    global PORT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="Archived articles.")
    parser.add_argument("--sources", type=int, default=200, help="Loopback sources (10%% fail).")
    parser.add_argument("--keep", type=Path, help="Work in DIR and keep it (default: a temp dir).")
    parser.add_argument(
        "--base",
        type=Path,
        default=Path(tempfile.gettempdir()) / "jiyeok-load-base",
        help="Where the imported and rendered archive is kept between runs.",
    )
    parser.add_argument(
        "--rate", type=float, help="Requests/s per host for every source (default: site.toml's)."
    )
    parser.add_argument(
        "--no-search", action="store_true", help="Run update with --no-search (no Pagefind)."
    )
    parser.add_argument(
        "--first-run",
        action="store_true",
        help="Also measure a first run on the archive never rendered (the full render).",
    )
    parser.add_argument(
        "--port", type=int, default=PORT, help="Port of every outlet (one per address)."
    )
    args = parser.parse_args()
    PORT = args.port  # the outlets' URLs are built from it
    taxonomy = load_taxonomy(ROOT / "content" / "taxonomy")
    now = datetime.now(KST).replace(minute=0, second=0, microsecond=0)
    outlets = make_outlets(args.sources, taxonomy, now)
    prepared = prepare_base(args.base, args.articles, outlets, args.rate, taxonomy)
    work = args.keep or Path(tempfile.mkdtemp(prefix="jiyeok-load-"))
    work.mkdir(parents=True, exist_ok=True)
    settings = load_scraper_settings(ROOT / "content" / "site.toml")
    servers = Outlets()
    servers.start(outlets, stall=settings.read_timeout + 5)
    print(
        f"{len(servers.servers)} outlets on 127.77.*:{PORT}, "
        f"{sum(o.failing for o in outlets)} failing; work dir {work}",
        file=sys.stderr,
    )
    search = ["--no-search"] if args.no_search else ["--search"]
    variants: list[tuple[str, Callable[[], tuple[Path, Path]]]] = [
        (
            "hourly update (archive rendered before)",
            lambda: copy_base(args.base, args.articles, work),
        )
    ]
    if args.first_run:

        def fresh() -> tuple[Path, Path]:
            archive, public = copy_base(args.base, args.articles, work)
            shutil.rmtree(public)
            return archive, public

        variants.append(("first update (nothing rendered before)", fresh))
    results = []
    try:
        for label, setup in variants:
            archive, public = setup()
            content = write_content(work, outlets, args.rate, fresh=True)
            mark_scored(archive, content)  # the warm-up render sees the scores the run will
            if public.exists():  # bring the copy up to this content, as the last hourly run did
                warm = build_cmd(content, archive, public, "-q", "render", "--no-search")
                warmed = timed(warm, work / "warm-up.log")
                prepared[f"warm-up render for {label}"] = {
                    "wall": warmed.wall,
                    "cpu": warmed.cpu,
                    "peak_mb": warmed.peak_mb,
                }
            # last, right before the run: a scorer changed meanwhile would re-score everything
            scored = mark_scored(archive, content)
            print(f"{scored:,} archived articles marked scored", file=sys.stderr)
            cmd = build_cmd(content, archive, public, "update", *search)
            print(f"{label}: {' '.join(cmd)}", file=sys.stderr)
            before = servers.requests()
            run = run_measured(cmd, work / "update.log")
            status, rows, verdict = examine(run, outlets, content, archive, public, args.articles)
            results.append((label, run, status, rows, verdict, servers.requests() - before))
    finally:
        servers.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"cores: {os.cpu_count()}, load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"archive: {args.articles:,} articles; sources: {args.sources} "
        f"({sum(o.failing for o in outlets)} failing, {len(QUIRKS)} healthy but quirky); "
        f"search: {'no' if args.no_search else 'yes'}; rate: "
        f"{args.rate if args.rate is not None else settings.rate:g}/s per host, "
        f"{settings.hosts_in_parallel} hosts in parallel"
    )
    for step, figures in prepared.items():
        print(
            f"before the measured run: {step} {figures['wall']:.1f} s wall, {figures['cpu']:.1f} s CPU, "
            f"peak RSS {figures['peak_mb']:.0f} MB"
        )
    for label, run, status, rows, verdict, requests in results:
        print_report(f"{label} — {requests:,} requests served", run, status, rows, verdict)


if __name__ == "__main__":
    main()
