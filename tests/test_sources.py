"""content/sources.toml, the real default outlets: checked offline (no request leaves the machine)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive.records import Source
from archive.taxonomy import load_taxonomy
from scraper.sources import load_sources

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "content" / "sources.toml"
PUBLIC_SUFFIXES = (".kr", ".com", ".net", ".org")


@pytest.fixture(scope="module")
def sources() -> list[Source]:
    return load_sources(SOURCES)


def test_the_default_sources_load_and_are_enabled(sources: list[Source]) -> None:
    assert len(sources) >= 20
    assert all(source.enabled for source in sources)
    assert len({source.key for source in sources}) == len(sources)
    assert len({source.url for source in sources}) == len(sources)
    names = {source.name for source in sources}
    for outlet in ("AI타임스", "전자신문", "ZDNet Korea", "충청투데이", "제주일보"):
        assert outlet in names


def test_every_source_is_a_public_https_address(sources: list[Source]) -> None:
    for source in sources:
        parts = urlsplit(source.url)
        host = parts.hostname or ""
        assert parts.scheme == "https", source.key
        assert not source.allow_private, source.key
        assert host.endswith(PUBLIC_SUFFIXES), (source.key, host)
        assert host != "localhost" and not host.endswith((".local", ".internal")), source.key
        with pytest.raises(ValueError):
            ipaddress.ip_address(host)  # a name, never an address literal
        assert parts.port is None, source.key


def test_policies_and_region_hints(sources: list[Source]) -> None:
    sidos = {sido.name for sido in load_taxonomy(ROOT / "content" / "taxonomy").sidos}
    by_key = {source.key: source for source in sources}
    assert by_key["aitimes"].policy == "all"  # AI-specialist outlets keep every article
    assert by_key["yonhap-local"].policy == "filter"
    assert {source.policy for source in sources} == {"all", "filter"}
    hinted = [source for source in sources if source.region]
    assert len({source.region for source in hinted}) >= 10  # most 시·도 have an outlet
    for source in hinted:
        assert source.region in sidos, (source.key, source.region)
        assert source.policy == "filter", source.key


def test_no_source_sets_a_rate_faster_than_the_default(sources: list[Source]) -> None:
    assert all(source.rate is None or 0 < source.rate <= 1 for source in sources)
