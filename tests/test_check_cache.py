"""The fixed cost of every command (issue 9). The cached verdict of `build.py check` and the
cached taxonomy: a hit skips the work and gives the same result, any edit invalidates it, a
failing check is never stored, a broken cache file is a miss. Commands import only what they
use; the render's per-source counts read ids and sources, not whole articles."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.checks import check_content, check_content_cached
from archive.content_cache import KEEP_PER_KIND, DigestCache
from archive.curation import Curation, Decision
from archive.records import Article
from archive.relevance import RelevanceFilter, SourcePolicy
from archive.store import Store
from archive.taxonomy import load_taxonomy
from tests.conftest import ROOT, run_build


@pytest.fixture
def content(root, tmp_path) -> Path:
    """A copy of the project's content/ without the demo outlets, with one warning (an empty
    region introduction) so that a cached verdict has something to repeat."""
    folder = tmp_path / "content"
    shutil.copytree(root / "content", folder, ignore=shutil.ignore_patterns("demo"))
    (folder / "regions").mkdir(exist_ok=True)
    (folder / "regions" / "seoul.md").write_text("+++\n+++\n", encoding="utf-8")
    return folder


class CountingLoader:
    """A loader for site.toml that records how often the check ran it (it accepts any file)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, path: Path) -> None:
        self.calls += 1


def _check(content: Path, cache: DigestCache, code: list[Path] | None = None):
    loader = CountingLoader()
    problems = check_content_cached(content, {"site.toml": loader}, cache, code or [])
    return problems, loader.calls


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_hit_skips_the_check_and_repeats_its_warnings(content, tmp_path):
    cache = DigestCache(tmp_path / "cache")
    before = _tree(content)
    first, ran = _check(content, cache)
    assert ran == 1
    assert [p.message for p in first] == ["the introduction is empty"]
    second, ran = _check(content, cache)
    assert ran == 0  # not run at all
    assert second == first
    assert _tree(content) == before  # nothing written into content/
    assert sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir()) == [
        "check",
        "taxonomy",
    ]


def test_any_edit_runs_the_check_again_and_reports_the_new_problem(content, tmp_path):
    cache = DigestCache(tmp_path / "cache")
    assert _check(content, cache)[1] == 1
    path = content / "taxonomy" / "companies.toml"
    text = path.read_text(encoding="utf-8")
    # Same size, right away: a key made of modification time and size could miss this edit.
    edited = text.replace('name = "', 'nane = "', 1)
    assert len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    problems, ran = _check(content, cache)
    assert ran == 1
    assert any(p.is_error and "unknown key 'nane'" in p.message for p in problems)
    assert problems == check_content(content, {"site.toml": CountingLoader()})


def test_a_failing_check_is_never_stored(content, tmp_path):
    cache = DigestCache(tmp_path / "cache")
    curation = content / "curation.toml"
    curation.write_text('[article.3f2a9c1b7d4e]\nadd = ["company:카카오"\n', encoding="utf-8")
    for _ in range(2):
        problems, ran = _check(content, cache)
        assert ran == 1 and any(p.is_error and "TOML syntax" in p.message for p in problems)
    assert not list((tmp_path / "cache").glob("check-*"))
    curation.write_text("", encoding="utf-8")
    problems, ran = _check(content, cache)
    assert ran == 1 and not any(p.is_error for p in problems)
    assert _check(content, cache)[1] == 0


def test_a_corrupt_or_missing_cache_file_is_a_miss(content, tmp_path):
    folder = tmp_path / "cache"
    cache = DigestCache(folder)
    expected, _ = _check(content, cache)
    (stored,) = folder.glob("check-*")
    for damage in (b"", b"not a pickle", stored.read_bytes()[:40]):
        stored.write_bytes(damage)
        problems, ran = _check(content, cache)
        assert ran == 1 and problems == expected
    shutil.rmtree(folder)
    assert _check(content, cache) == (expected, 1)
    assert _check(content, cache) == (expected, 0)


def test_a_change_to_the_checking_code_runs_the_check_again(content, tmp_path):
    cache = DigestCache(tmp_path / "cache")
    code = tmp_path / "loader.py"
    code.write_text("RULES = 1\n", encoding="utf-8")
    assert _check(content, cache, [code])[1] == 1
    assert _check(content, cache, [code])[1] == 0
    code.write_text("RULES = 22\n", encoding="utf-8")
    assert _check(content, cache, [code])[1] == 1


def test_taxonomy_cache_gives_the_same_taxonomy_and_sees_edits(content, tmp_path):
    cache = DigestCache(tmp_path / "cache")
    folder = content / "taxonomy"
    fresh = load_taxonomy(folder)
    assert load_taxonomy(folder, cache) == fresh  # stored
    (stored,) = (tmp_path / "cache").glob("taxonomy-*")
    assert load_taxonomy(folder, cache) == fresh  # read back
    with (folder / "companies.toml").open("a", encoding="utf-8") as out:
        out.write('\n[[company]]\nname = "캐시테스트로보틱스"\nslug = "cache-test-robotics"\n')
    edited = load_taxonomy(folder, cache)
    assert "캐시테스트로보틱스" in edited.company_by_name
    assert edited.fingerprint != fresh.fingerprint
    stored.write_bytes(b"\x80\x05garbage")
    assert load_taxonomy(folder, cache) == edited


def test_check_command_uses_the_cache_and_reports_a_new_error(content):
    assert run_build("--content", str(content), "check").returncode == 0
    hit = run_build("--content", str(content), "-v", "check")
    assert "unchanged since the last check without errors" in hit.stderr
    assert "introduction is empty" in hit.stdout  # the warning is repeated from the cache
    with (content / "curation.toml").open("a", encoding="utf-8") as out:
        out.write('\n[article.3f2a9c1b7d4e]\nadd = ["region:없는도"]\n')
    failed = run_build("--content", str(content), "check", check=False)
    assert failed.returncode == 1 and "없는도" in failed.stdout
    fresh = run_build("--content", str(content), "-v", "check", "--no-cache", check=False)
    assert fresh.returncode == 1 and "unchanged since" not in fresh.stderr


def _imported(*argv: str) -> set[str]:
    """The modules loaded after running the script `argv[0]` with arguments `argv[1:]`."""
    probe = (
        "import runpy, sys\n"
        "sys.argv = sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_path(sys.argv[0], run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, *argv], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(result.stderr.split())


# The collect stack, the analyzer, feed writing: render, check and help need none of them.
HEAVY = {"trafilatura", "numpy", "requests", "feedparser", "feedgen", "konlpy", "jpype"}


def test_render_help_and_sources_import_no_heavy_module(tmp_path):
    help_modules = _imported(str(ROOT / "build.py"), "render", "--help")
    assert "click" in help_modules
    assert not help_modules & (HEAVY | {"rich", "tomlkit", "jinja2", "sitegen", "scraper"})
    script = tmp_path / "sources.py"
    script.write_text("from scraper import SourceConfigError, load_sources\n", encoding="utf-8")
    sources = _imported(str(script))
    assert "scraper.sources" in sources and not sources & (HEAVY | {"soupsieve", "bs4"})


def test_scraper_names_still_resolve():
    import scraper
    from scraper.errors import SourceConfigError
    from scraper.sources import load_sources

    assert scraper.load_sources is load_sources
    assert scraper.SourceConfigError is SourceConfigError
    assert set(scraper.__all__) <= set(dir(scraper))
    with pytest.raises(AttributeError):
        scraper.no_such_name  # noqa: B018


def test_per_source_counts_from_refs_equal_counts_from_whole_articles(tmp_path):
    with Store.open(tmp_path / "archive.sqlite3") as store:
        for n, source in enumerate(["g", "g", "g", "all", "h"]):
            store.save_article(
                Article(
                    url=f"https://news.example.kr/{n}", title=f"{n}", text="본문", source=source
                )
            )
        articles = list(store.articles())
        refs = store.article_refs()
        assert sorted((a.id, a.source) for a in articles) == sorted((r.id, r.source) for r in refs)
        scores = {articles[0].id: 0.9, articles[1].id: 0.1}
        curation = Curation({articles[2].id: Decision(articles[2].id, hide=True)})
        gate = RelevanceFilter(scores, {"all": SourcePolicy(keep_all=True)}, 0.5)
        assert gate.counts(refs, curation) == gate.counts(articles, curation)
        assert gate.counts(refs)["g"]["collected"] == 3


def test_the_cache_keeps_the_most_recent_results_per_kind(tmp_path):
    cache = DigestCache(tmp_path / "cache")
    scopes = [tmp_path / f"content-{n}" for n in range(KEEP_PER_KIND + 3)]
    for n, scope in enumerate(scopes):
        cache.put("check", scope, "key", [n])
        time.sleep(0.01)  # distinct modification times
    cache.put("taxonomy", scopes[0], "key", "other kind")
    assert len(list((tmp_path / "cache").glob("check-*"))) == KEEP_PER_KIND
    assert cache.get("check", scopes[0], "key") is None  # the oldest went
    assert cache.get("check", scopes[-1], "key") == [len(scopes) - 1]
    assert cache.get("check", scopes[-1], "another key") is None
    assert cache.get("taxonomy", scopes[0], "key") == "other kind"


def test_render_refuses_content_broken_after_a_cached_passing_check(content, tmp_path):
    public = tmp_path / "public"
    common = ("--content", str(content), "--archive", str(tmp_path / "a.sqlite3"))
    assert run_build(*common, "check").returncode == 0  # a passing verdict is now cached
    with (content / "taxonomy" / "places.toml").open("a", encoding="utf-8") as out:
        out.write('\n[[place]]\nname = "캐시테스트단지"\nsido = "없는도"\n')
    failed = run_build(*common, "--public", str(public), "render", "--no-search", check=False)
    assert failed.returncode == 1
    assert "없는도" in failed.stderr and "nothing was published" in failed.stderr
    assert not public.exists()
