"""Live preview latency: from saving a file to the reload signal reaching the browser.

Builds the demo archive once, copies the project's code, templates and content into a temporary
folder (so that templates can be edited safely), runs that copy's `build.py serve --watch`, listens
to its Server-Sent Events like a browser, and edits one file at a time: a template, a curation
entry, a Markdown page, and (re-tagging included) a taxonomy alias. Prints a table.

    .venv/bin/python bench/preview.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import http.client
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CODE = ("build.py", "archive", "scraper", "nlp", "sitegen", "site_templates", "content")


def events(url: str, arrivals: list[tuple[str, float]]) -> None:
    """Read the preview's event stream forever, recording (event, time) pairs."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    conn.request("GET", "/__preview/events?v=1000000")  # a version newer than any: no replay
    name = ""
    for raw in conn.getresponse():
        line = raw.decode().strip()
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            arrivals.append((name, time.monotonic()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="preview-bench-"))
    project = work / "project"
    project.mkdir()
    for name in CODE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, project / name)
    python = sys.executable
    subprocess.run(
        [python, str(ROOT / "build.py"), "-q", "--archive", str(work / "a.sqlite3"),
         "--public", str(work / "public"), "demo", "--no-serve"],
        check=True, cwd=ROOT, capture_output=True,
    )  # fmt: skip
    process = subprocess.Popen(
        [python, str(project / "build.py"), "--archive", str(work / "demo.sqlite3"),
         "serve", "--watch", "--port", "0", "--out", str(work / "preview")],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert process.stdout is not None
    url, log = "", []
    for line in process.stdout:
        log.append(line)
        if found := re.search(r"at (http://127\.0\.0\.1:\d+/)", line):
            url = found.group(1)
            break
    if not url:
        sys.exit("serve --watch did not start:\n" + "".join(log))
    threading.Thread(target=lambda: log.extend(process.stdout), daemon=True).start()
    arrivals: list[tuple[str, float]] = []
    threading.Thread(target=events, args=(url, arrivals), daemon=True).start()
    time.sleep(1.0)

    template = project / "site_templates" / "article.html"
    curation = project / "content" / "curation.toml"
    page = project / "content" / "pages" / "about.md"
    companies = project / "content" / "taxonomy" / "companies.toml"
    with __import__("sqlite3").connect(work / "demo.sqlite3") as conn:
        ident = conn.execute("SELECT id FROM articles ORDER BY id LIMIT 1").fetchone()[0]
    originals = {p: p.read_text(encoding="utf-8") for p in (template, curation, page, companies)}

    def edit_template(i: int) -> None:
        template.write_text(originals[template] + f"{{# edit {i} #}}\n", encoding="utf-8")

    def edit_curation(i: int) -> None:
        text = originals[curation] + f'\n[article.{ident}]\npin = true\nnote = "bench {i}"\n'
        curation.write_text(text, encoding="utf-8")

    def edit_page(i: int) -> None:
        page.write_text(originals[page] + f"\n편집 {i}\n", encoding="utf-8")

    def edit_taxonomy(i: int) -> None:
        text = originals[companies].replace(
            'aliases = ["Upstage"]', f'aliases = ["Upstage", "업스테이지{i}"]', 1
        )
        companies.write_text(text, encoding="utf-8")

    rows = []
    for label, edit in (
        ("template (site_templates/article.html)", edit_template),
        ("curation entry (content/curation.toml)", edit_curation),
        ("Markdown page (content/pages/about.md)", edit_page),
        ("taxonomy alias, re-tag (companies.toml)", edit_taxonomy),
    ):
        latencies, rebuilds = [], []
        for i in range(args.rounds):
            seen, lines = len(arrivals), len(log)
            started = time.monotonic()
            edit(i)
            while len(arrivals) == seen and time.monotonic() - started < 60:
                time.sleep(0.002)
            if len(arrivals) == seen:
                sys.exit(f"no reload signal after editing {label}:\n" + "".join(log[-20:]))
            latencies.append(arrivals[seen][1] - started)
            time.sleep(0.4)
            for line in log[lines:]:
                if found := re.search(r"rebuilt in ([\d.]+)s", line):
                    rebuilds.append(float(found.group(1)))
        rows.append((label, latencies, rebuilds))
    process.terminate()
    process.wait(timeout=20)
    print(f"live preview of the demo site ({args.rounds} edits each; write → reload signal)")
    print(f"| {'edit':42} | median ms | max ms | rebuild median s |")
    print(f"|{'-' * 44}|-----------|--------|------------------|")
    for label, latencies, rebuilds in rows:
        rebuild = f"{statistics.median(rebuilds):.2f}" if rebuilds else "?"
        print(
            f"| {label:42} | {statistics.median(latencies) * 1000:9.0f} | "
            f"{max(latencies) * 1000:6.0f} | {rebuild:>16} |"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
