"""Incremental render: unchanged pages are skipped by fingerprint, changed inputs re-render exactly
the pages that show them, and the result is byte-identical to a full render."""

from __future__ import annotations

import dataclasses
import inspect
from pathlib import Path

import pytest

from sitegen import incremental, routes
from sitegen.config import SiteConfig
from sitegen.fingerprint import FINGERPRINTS, Fingerprinter, TemplateDigests, Unfingerprintable
from sitegen.render import make_environment, render_site

FIXTURE = Path(__file__).parent / "fixtures" / "site" / "articles.jsonl"
INTERNAL = (FINGERPRINTS, ".sitegen-manifest.json")


def _render(store, taxonomy, templates: Path, out: Path, **config):
    settings = SiteConfig(per_page=5, **config)
    return render_site(
        store, taxonomy, settings, templates, out, source_names={"fixture": "테스트일보"}
    )


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in INTERNAL
    }


def _changed(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


def test_no_change_render_skips_every_page_and_keeps_the_bytes(
    store, taxonomy, templates, tmp_path
):
    out = tmp_path / "public"
    first = _render(store, taxonomy, templates, out)
    assert first.rendered > 40 and first.skipped == 0
    before = _tree(out)
    second = _render(store, taxonomy, templates, out)
    assert second.rendered == 0 and second.pages == first.pages
    assert second.skipped == first.written  # every file kept: nothing it reads changed
    assert second.written == 0 and second.removed == 0
    assert _tree(out) == before


def test_whole_site_check_ignores_run_bookkeeping_but_not_tags(
    store, taxonomy, templates, tmp_path
):
    out = tmp_path / "public"
    first = _render(store, taxonomy, templates, out)
    run = store.start_run("update")  # the runs table changes on every run: not a render input
    store.finish_run(run, "ok", {})
    assert _render(store, taxonomy, templates, out).skipped == first.written
    store.conn.execute(
        "UPDATE tags SET score = 0.75 WHERE rowid = (SELECT min(rowid) FROM tags)"
    )  # a tag's score is shown nowhere here, but the render must look: pages fingerprinted
    report = _render(store, taxonomy, templates, out)
    assert report.skipped + report.rendered == first.rendered  # each page's fingerprint looked at


def test_changed_article_re_renders_exactly_the_pages_that_show_it(
    store, taxonomy, templates, tmp_path, monkeypatch
):
    out = tmp_path / "public"
    _render(store, taxonomy, templates, out)
    before = _tree(out)
    old_title = "지역 AI 소식 7호"
    showing = {name for name, data in before.items() if old_title.encode() in data}
    assert any(name.startswith("articles/") for name in showing)
    assert "index.html" in showing or any(name.startswith("regions/") for name in showing)

    article = next(a for a in store.articles() if a.title == old_title)
    store.save_article(dataclasses.replace(article, title=old_title + " (고침)"))
    rendered: list[str] = []
    real = incremental.render_page

    def watched(env, page):
        rendered.append(routes.output_file(page.path))
        return real(env, page)

    monkeypatch.setattr(incremental, "render_page", watched)
    report = _render(store, taxonomy, templates, out)

    after = _tree(out)
    changed = _changed(before, after)
    assert changed == showing  # every page that showed it, and nothing else
    # No page rendered in vain, but /groups/, which is given the whole site model.
    groups = routes.output_file(routes.GROUPS)
    assert set(rendered) - changed <= {groups}, set(rendered) - changed
    assert report.skipped > 3 * report.rendered

    full = tmp_path / "full"  # the incremental result is the full render's, byte for byte
    _render(store, taxonomy, templates, full)
    assert after == _tree(full)


def test_added_article_does_not_touch_older_article_pages(store, taxonomy, templates, tmp_path):
    out = tmp_path / "public"
    _render(store, taxonomy, templates, out)
    before = _tree(out)
    newest = max(a.published for a in store.articles() if a.published)
    article = next(iter(store.articles()))
    store.save_article(
        dataclasses.replace(article, url="https://news.example.kr/ai/new", published=newest)
    )
    report = _render(store, taxonomy, templates, out)
    changed = _changed(before, _tree(out))
    article_pages = [n for n in before if n.startswith("articles/")]
    touched = [n for n in changed if n.startswith("articles/") and n in before]
    # Related articles are the closest in time, earlier first: a newer story leaves old pages be.
    assert len(touched) <= 5, touched
    assert report.rendered < len(before) / 2
    assert len(article_pages) > 20


def test_template_change_re_renders_the_pages_using_it(store, taxonomy, templates, tmp_path):
    out = tmp_path / "public"
    first = _render(store, taxonomy, templates, out)
    articles = len(list(out.glob("articles/*/*/*/index.html")))
    page = templates / "article.html"
    page.write_text(page.read_text() + "{# edited #}\n", encoding="utf-8")
    report = _render(store, taxonomy, templates, out)
    assert report.rendered == articles  # only article.html's pages
    partial = templates / "partials" / "pagination.html"  # included by every list page
    partial.write_text(partial.read_text() + "{# edited #}\n", encoding="utf-8")
    report = _render(store, taxonomy, templates, out)
    assert 0 < report.rendered < first.rendered - articles
    item = templates / "partials" / "article_item.html"  # rendered once per article, reused
    item.write_text(item.read_text().replace("</li>", "<!-- item --></li>"), "utf-8")
    report = _render(store, taxonomy, templates, out)
    assert report.rendered >= articles
    assert "<!-- item --></li>" in (out / "index.html").read_text()
    base = templates / "base.html"  # extended by every page
    base.write_text(base.read_text().replace("</main>", "<p>바뀜</p></main>"), "utf-8")
    report = _render(store, taxonomy, templates, out)
    assert report.rendered >= first.rendered - len(list(out.rglob("feed.xml")))
    assert "<p>바뀜</p>" in (out / "index.html").read_text()


def test_site_config_change_re_renders_everything(store, taxonomy, templates, tmp_path):
    out = tmp_path / "public"
    first = _render(store, taxonomy, templates, out)
    report = _render(store, taxonomy, templates, out, title="다른 이름")
    assert report.rendered == first.rendered
    assert "다른 이름" in (out / "index.html").read_text()


def test_missing_or_removed_pages(store, taxonomy, templates, tmp_path):
    out = tmp_path / "public"
    _render(store, taxonomy, templates, out)
    victim = next(out.glob("articles/*/*/*/index.html"))
    victim.unlink()  # deleted by hand: rendered again although its inputs did not change
    report = _render(store, taxonomy, templates, out)
    assert report.rendered == 1 and victim.exists()
    article_id = victim.parent.name
    store.conn.execute("DELETE FROM articles WHERE id = ?", (article_id,))
    report = _render(store, taxonomy, templates, out)
    assert not victim.exists() and report.removed >= 1


def test_parallel_render_matches_sequential(store, taxonomy, templates, tmp_path, monkeypatch):
    sequential, parallel = tmp_path / "one", tmp_path / "two"
    monkeypatch.setenv("JIYEOK_RENDER_WORKERS", "1")
    _render(store, taxonomy, templates, sequential)
    monkeypatch.setenv("JIYEOK_RENDER_WORKERS", "2")
    monkeypatch.setattr(incremental, "PARALLEL_MIN_JOBS", 1)
    report = _render(store, taxonomy, templates, parallel)
    assert report.workers == 2
    assert _tree(parallel) == _tree(sequential)
    assert (parallel / FINGERPRINTS).read_bytes() == (sequential / FINGERPRINTS).read_bytes()


def test_workers_decide_and_make_only_the_changed_outputs(
    store, taxonomy, templates, tmp_path, monkeypatch
):
    """With many outputs the workers fingerprint their slices themselves: after a change they
    make exactly what one process would, and the result is a fresh full render's, byte for byte
    (fingerprints included)."""
    one, many = tmp_path / "one", tmp_path / "many"
    monkeypatch.setenv("JIYEOK_RENDER_WORKERS", "1")
    _render(store, taxonomy, templates, one)
    monkeypatch.setenv("JIYEOK_RENDER_WORKERS", "2")
    monkeypatch.setattr(incremental, "PARALLEL_MIN_JOBS", 1)
    _render(store, taxonomy, templates, many)
    article = next(a for a in store.articles() if a.title == "지역 AI 소식 7호")
    store.save_article(dataclasses.replace(article, title="지역 AI 소식 7호 (고침)"))

    in_workers = _render(store, taxonomy, templates, many)
    monkeypatch.setenv("JIYEOK_RENDER_WORKERS", "1")
    alone = _render(store, taxonomy, templates, one)
    assert in_workers.workers == 2 and alone.workers == 1
    assert 0 < in_workers.rendered == alone.rendered < in_workers.skipped
    assert (in_workers.skipped, in_workers.written) == (alone.skipped, alone.written)
    full = tmp_path / "full"
    _render(store, taxonomy, templates, full)
    assert _tree(many) == _tree(one) == _tree(full)
    assert (many / FINGERPRINTS).read_bytes() == (full / FINGERPRINTS).read_bytes()


def test_fingerprints_are_stable_across_fresh_objects(taxonomy):
    left, right = Fingerprinter(), Fingerprinter()
    region = taxonomy.sidos[0]
    copy = dataclasses.replace(region)
    assert left.digest({"r": [region, 1]}) == right.digest({"r": [copy, 1]})
    assert left.digest({"r": [region, 1]}) != right.digest({"r": [taxonomy.sidos[1], 1]})
    assert left.digest({"a": 1, "b": 2}) != left.digest({"b": 2, "a": 1})  # order is shown
    with pytest.raises(Unfingerprintable):
        left.digest({"f": lambda: 1})


def test_template_dependencies_follow_extends_and_includes(root):
    env = make_environment(root / "site_templates", SiteConfig())
    deps = TemplateDigests(env).closure("region.html")
    assert "base.html" in deps and "partials/pagination.html" in deps
    assert "article.html" not in deps


def test_every_render_input_is_in_the_fingerprints():
    """A new render_site parameter must reach the pages' contexts or globals (and so their
    fingerprints); this lists the ones that are not inputs of the pages."""
    # cache_dir: a cache; digest: the store's digest, made ahead (it is in the fingerprints)
    not_inputs = {"store", "out_dir", "progress", "cache_dir", "digest"}
    known = {"taxonomy", "config", "templates", "source_names", "map_data", "curation"}
    known |= {"editorial", "relevance"}
    params = set(inspect.signature(render_site).parameters) - not_inputs
    assert params <= known, f"check that {params - known} reach the fingerprints, then add here"


def test_fingerprints_repeat_across_processes(tmp_path, monkeypatch):
    """Two `build.py render` processes with different hash seeds agree on every fingerprint:
    with the archive changed in a table no page shows, the second renders nothing."""
    import json
    import sqlite3

    from tests.conftest import run_build

    archive, public = tmp_path / "a.db", tmp_path / "public"
    args = ["--archive", str(archive), "--public", str(public)]
    run_build(*args, "import", str(FIXTURE))
    monkeypatch.setenv("PYTHONHASHSEED", "1")
    first = json.loads(run_build(*args, "render", "--no-search").stdout.splitlines()[-1])
    assert first["rendered"] > 40
    with sqlite3.connect(archive) as conn:  # changes the archive digest, not a page
        article = conn.execute("SELECT id FROM articles LIMIT 1").fetchone()[0]
        conn.execute(
            "INSERT INTO candidates (name, article_id, sentence) VALUES ('새회사', ?, '문장')",
            (article,),
        )
    monkeypatch.setenv("PYTHONHASHSEED", "2")
    second = json.loads(run_build(*args, "render", "--no-search").stdout.splitlines()[-1])
    assert second["rendered"] == 0 and second["skipped"] == first["rendered"]


def test_context_digests_tell_shapes_apart(taxonomy):
    fingerprinter = Fingerprinter()
    one, two = taxonomy.sidos[0], taxonomy.sidos[1]
    contexts = [
        {"a": "x"},
        {"a": ["x"]},
        {"a": "x", "b": ""},
        {"ax": ""},
        {"a": [one, two]},
        {"a": (one, two)},
        {"a": [two, one]},
        {"a": one},
        {"a": None},
        {"a": [one, 1]},
        {"a": 1},
    ]
    digests = [fingerprinter.digest(context) for context in contexts]
    assert len(set(digests)) == len(contexts)
    assert Fingerprinter().digest({"a": [dataclasses.replace(one), two]}) == digests[4]
