"""Editors teach the tagger: companies, aliases, places and rejected candidates, in plain files."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from archive.checks import check_content
from archive.taxonomy import load_taxonomy
from archive.taxonomy_edit import (
    NewCompany,
    TaxonomyEditError,
    add_alias,
    add_company,
    add_place,
    reject_candidate,
    rejected_names,
)


@pytest.fixture
def content(root, tmp_path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(root / "content" / "taxonomy", folder / "taxonomy")
    shutil.copy(root / "content" / "site.toml", folder / "site.toml")
    return folder


def test_add_company_keeps_comments_and_validates(content):
    folder = content / "taxonomy"
    header = (folder / "companies.toml").read_text(encoding="utf-8").splitlines()[:5]
    lines = add_company(
        folder,
        NewCompany("청주에이아이랩", aliases=("CJ AI Lab",), region="충북", sigungu="청주"),
    )
    assert lines[0].startswith("+ company 청주에이아이랩 (slug = ")
    assert 'region = "충청북도"' in lines[0] and 'sigungu = "청주시"' in lines[0]
    text = (folder / "companies.toml").read_text(encoding="utf-8")
    assert text.splitlines()[:5] == header, "the file's header comments survive"
    company = load_taxonomy(folder).company_by_name["청주에이아이랩"]
    assert company.region == "충청북도" and company.sigungu == "청주시" and company.curated
    assert company.slug == "cheongjueiairaep", "romanised from the name"
    assert [p for p in check_content(content) if p.is_error] == []
    with pytest.raises(TaxonomyEditError, match=r"already in companies\.toml"):
        add_company(folder, NewCompany("청주에이아이랩"))
    with pytest.raises(TaxonomyEditError, match="already names 카카오"):
        add_company(folder, NewCompany("다른회사", aliases=("카카오",)))
    with pytest.raises(TaxonomyEditError, match="already used by region"):
        add_company(folder, NewCompany("제주회사", slug="jeju"))
    with pytest.raises(TaxonomyEditError, match="did you mean"):
        add_company(folder, NewCompany("어딘가회사", region="충청북두"))


def test_add_alias_to_curated_and_generated_companies(content):
    folder = content / "taxonomy"
    assert add_alias(folder, "카카오", "카카오 본사") == ["+ alias 카카오 본사 → 카카오"]
    assert "카카오 본사" in load_taxonomy(folder).company_by_name["카카오"].aliases
    assert add_alias(folder, "카카오", "카카오 본사") == [], "already there: nothing to do"
    generated = next(c for c in load_taxonomy(folder).companies if not c.curated)
    lines = add_alias(folder, generated.name, generated.name + " 홀딩스x")
    assert "replaces its generated entry in companies_krx.toml" in lines[-1]
    now = load_taxonomy(folder).company_by_name[generated.name]
    assert now.curated and now.ticker == generated.ticker and now.slug == generated.slug
    with pytest.raises(TaxonomyEditError, match="already names"):
        add_alias(folder, generated.name, "카카오")
    assert [p for p in check_content(content) if p.is_error] == []


def test_add_place_and_reject_candidate(content):
    folder = content / "taxonomy"
    assert add_place(folder, "율량테크노밸리", "충북", "청주", ("율량밸리",)) == [
        "+ place 율량테크노밸리 → 충청북도 청주시 (aliases 율량밸리)"
    ]
    place = next(p for p in load_taxonomy(folder).places if p.name == "율량테크노밸리")
    assert place.sido == "충청북도" and place.sigungu == "청주시"
    with pytest.raises(TaxonomyEditError, match="already names the place"):
        add_place(folder, "율량밸리", "충청북도")
    assert reject_candidate(folder, "에이아이월드", "행사 이름", today=dt.date(2026, 11, 2)) == [
        "+ rejected 에이아이월드 (행사 이름)"
    ]
    assert reject_candidate(folder, "에이아이월드") == []
    assert rejected_names(folder) == {"에이아이월드"}
    text = (folder / "rejected_candidates.toml").read_text(encoding="utf-8")
    assert text.startswith("# Company candidates editors rejected") and "date = 2026-11-02" in text
    assert [p for p in check_content(content) if p.is_error] == []


def test_accepted_company_is_found_by_the_next_tag(content, root):
    """A pipeline over the edited taxonomy copy (not the session one) tags the new company."""
    from nlp.pipeline import open_pipeline

    folder = content / "taxonomy"
    text = "충북 청주의 스타트업 누리비전랩은 12일 생성형 AI 기반 영상 분석 서비스를 공개했다."
    add_company(folder, NewCompany("누리비전랩", aliases=("NuriVision",), region="충청북도"))
    pipeline = open_pipeline(folder, cache_dir=root / ".cache" / "analyzer")
    companies = {
        t.key
        for t in pipeline.tag_text("누리비전랩, 영상 AI 공개", text).tags
        if t.kind == "company"
    }
    assert "누리비전랩" in companies


def test_cli_accept_reject_and_refuse(content, tmp_path):
    from tests.conftest import run_build

    args = ["--content", str(content), "--archive", str(tmp_path / "a.db")]
    result = run_build(
        *args, "candidates", "accept", "누리비전랩", "--region", "충북", "--alias", "NuriVision"
    )
    assert result.stdout.startswith('+ company 누리비전랩 (slug = "nuribijeollaep"')
    result = run_build(*args, "candidates", "reject", "에이아이월드", "--reason", "행사 이름")
    assert result.stdout.strip() == "+ rejected 에이아이월드 (행사 이름)"
    result = run_build(
        *args, "taxonomy", "add-company", "다른회사", "--alias", "카카오", check=False
    )
    assert result.returncode == 1 and "'카카오' already names 카카오" in result.stderr
    result = run_build(*args, "candidates")
    assert result.stdout.startswith("no candidates"), "an empty archive lists none"
