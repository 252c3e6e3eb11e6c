#!/usr/bin/env python3
"""Template CPU of a full render, in one process: every page and feed of an archive rendered with
each given templates folder in turn (no fingerprints, no writing), rounds interleaved so that
the machine's load hits every variant alike; optionally each page's bytes compared with a
rendered site. Prints a table (min and median CPU seconds per variant and per template); asserts
nothing.

Usage: .venv/bin/python bench/templates.py --content DIR --archive FILE [--rounds N]
           [--reference PUBLIC] [NAME=TEMPLATES_DIR ...]   (default: current=site_templates)

It runs `build.py render --no-search` in this process with the render's page loop replaced by
the measuring one, so the site model, contexts and environment are exactly the render's.
"""

from __future__ import annotations

import argparse
import gc
import runpy
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sitegen.render as render  # noqa: E402
from sitegen import routes  # noqa: E402
from sitegen.incremental import page_context  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--content", type=Path, required=True)
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reference", type=Path, help="A rendered site to compare bytes with.")
    parser.add_argument("variants", nargs="*", help="NAME=TEMPLATES_DIR")
    args = parser.parse_args()
    variants = [v.split("=", 1) for v in args.variants] or [
        ["current", str(ROOT / "site_templates")]
    ]

    def measure(pages, env, *_args, **_kwargs):
        pages = list(pages)
        contexts = [page_context(page) for page in pages]
        late = {name: env.globals[name] for name in ("menu_pages", "pinned")}
        config = env.globals["site"]
        totals: dict[str, list[float]] = defaultdict(list)
        per_template: dict[str, Counter] = defaultdict(Counter)
        mismatches: Counter = Counter()
        for _round in range(args.rounds):
            for name, folder in variants:
                variant_env = render.make_environment(Path(folder), config)
                variant_env.globals.update(late)
                gc.collect()
                started = time.process_time()
                for page, context in zip(pages, contexts, strict=True):
                    before = time.process_time()
                    template = variant_env.get_template(page.template)
                    html = template.render(page_path=page.path, **context).encode("utf-8")
                    per_template[name][page.template] += time.process_time() - before
                    if args.reference is not None:
                        made = args.reference / routes.output_file(page.path)
                        if not made.is_file() or made.read_bytes() != html:
                            mismatches[name] += 1
                totals[name].append(time.process_time() - started)
        print(f"{len(pages)} pages and feeds, {args.rounds} rounds (CPU seconds per round)")
        print("| variant | min | median | slowest templates (mean) | pages unlike --reference |")
        print("|---|---:|---:|---|---:|")
        for name, _folder in variants:
            slowest = ", ".join(
                f"{t} {s / args.rounds:.2f}" for t, s in per_template[name].most_common(4)
            )
            compared = mismatches[name] // args.rounds if args.reference else "—"
            times = totals[name]
            print(
                f"| {name} | {min(times):.2f} | {statistics.median(times):.2f} | {slowest} "
                f"| {compared} |"
            )
        raise SystemExit(0)

    render.render_pages = measure  # the render's page loop, replaced
    out = Path("/tmp") / "jiyeok-bench-templates"
    sys.argv = [
        "build.py",
        "-q",
        "--content",
        str(args.content),
        "--archive",
        str(args.archive),
        "--public",
        str(out),
        "render",
        "--no-search",
    ]
    runpy.run_path(str(ROOT / "build.py"), run_name="__main__")


if __name__ == "__main__":
    main()
