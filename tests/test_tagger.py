"""The tagger's hard cases, with the real KoNLPy analyzer and the project's taxonomy."""

from __future__ import annotations

import json

import pytest

from nlp.report import analysis_json


def _tags(pipeline, body: str, title: str = ""):
    result = pipeline.tag_text(title, body)
    regions = {t.key for t in result.of_kind("region")}
    companies = {t.key for t in result.of_kind("company")}
    return regions, companies, result


@pytest.mark.parametrize(
    "text",
    [
        "카카오가 제주에 AI 센터를 연다.",
        "카카오(035720)는 새 모델을 공개했다.",
        "카카오의 AI 연구팀은 이날 발표했다.",
        "네이버와 카카오, 구글이 참여했다.",
    ],
)
def test_company_with_particles_and_ticker(pipeline, text):
    _, companies, _ = _tags(pipeline, text)
    assert "카카오" in companies


def test_longer_company_name_is_not_its_prefix(pipeline):
    _, companies, _ = _tags(pipeline, "카카오뱅크가 AI 상담 서비스를 내놓았다.")
    assert "카카오" not in companies
    assert "카카오뱅크" in companies


def test_unknown_compound_is_not_the_company(pipeline):
    _, companies, result = _tags(pipeline, "카카오톡 채널로 예약을 받는다.")
    assert "카카오" not in companies
    assert any(r.surface == "카카오" for r in result.rejected)


def test_latin_names_match_whole_words_in_exact_case(pipeline):
    _, companies, _ = _tags(pipeline, "넥슨의 지주사 NXC는 투자를 늘렸다. nxc라는 표기는 무시.")
    assert {"NXC", "넥슨"} <= companies


def test_reporter_name_is_not_a_district(pipeline):
    regions, _, _ = _tags(pipeline, "[제주=이데일리 김유성 기자] 제주에서 AI 캠프가 열린다.")
    assert "대전광역시 유성구" not in regions and "대전광역시" not in regions
    assert "제주특별자치도" in regions


def test_verb_and_common_word_are_not_places(pipeline):
    regions, _, _ = _tags(
        pipeline, "이 방식이 업계에서 용인될지 지켜봐야 한다. 내년부터 양산에 들어간다."
    )
    assert not any(k.startswith("경기도") or k.startswith("경상남도") for k in regions)


def test_common_word_place_counts_with_its_province(pipeline):
    regions, _, _ = _tags(pipeline, "경남 양산에 AI 물류센터가 들어선다.")
    assert "경상남도 양산시" in regions


def test_gwangju_alone_is_the_metropolitan_city(pipeline):
    regions, _, _ = _tags(pipeline, "광주에 AI 데이터센터가 문을 열었다. 광주시는 환영했다.")
    assert "광주광역시" in regions and "경기도" not in regions


def test_gwangju_after_gyeonggi_is_the_gyeonggi_city(pipeline):
    regions, _, _ = _tags(pipeline, "경기 광주에 물류 로봇 공장이 들어선다.")
    assert "경기도 광주시" in regions and "광주광역시" not in regions


def test_ambiguous_gu_counts_only_with_its_city(pipeline):
    regions, _, _ = _tags(pipeline, "중구에 새 사무소를 열었다.")
    assert not any(k.endswith(" 중구") for k in regions)
    regions, _, _ = _tags(pipeline, "대전 중구에 새 사무소를 열었다.")
    assert "대전광역시 중구" in regions


def test_well_known_places_map_to_their_region(pipeline):
    regions, _, _ = _tags(pipeline, "판교 본사와 오송 연구소, 대덕 연구단지에서 함께 개발한다.")
    assert {"경기도", "경기도 성남시", "충청북도", "충청북도 청주시", "대전광역시"} <= regions


def test_university_named_after_a_place_is_not_the_place(pipeline):
    regions, _, _ = _tags(pipeline, "서울대 연구팀과 협력한다.")
    assert "서울특별시" not in regions


def test_region_groups_are_groups_not_provinces(pipeline):
    regions, _, result = _tags(pipeline, "수도권과 호남 지역 기업들이 참여했다.")
    assert regions == set()
    assert {"수도권", "호남"} <= {t.key for t in result.of_kind("group")}


def test_common_word_company_needs_a_cue(pipeline):
    _, companies, _ = _tags(pipeline, "아크릴 물감으로 그림을 그렸다.")
    assert "아크릴" not in companies
    _, companies, _ = _tags(pipeline, "박외진 아크릴 대표는 충북에서 교육을 진행했다.")
    assert "아크릴" in companies


def test_share_and_copyright_lines_are_ignored(pipeline):
    _, companies, _ = _tags(
        pipeline, "본문입니다.\n트위터 페이스북 카카오스토리 Copyright ⓒ 메트로신문"
    )
    assert "페이스북" not in companies


def test_scores_rank_title_mentions_first_and_pick_one_primary(pipeline):
    result = pipeline.tag_text(
        "충북, AI 교육 확대", "충북도가 교육을 연다. 서울에서도 설명회가 열린다."
    )
    sidos = [t for t in result.of_kind("region") if " " not in t.key]
    assert sidos[0].key == "충청북도" and sidos[0].primary
    assert sum(t.primary for t in result.tags) == 1
    assert all(0 < t.score < 1 for t in result.tags)
    evidence = sidos[0].evidence[0]
    assert evidence.sentence[evidence.start : evidence.end] == evidence.surface


def test_analysis_json_shape(pipeline):
    data = analysis_json(pipeline.tag_text("", "청주 오송에서 카카오가 AI 교육을 연다."))
    json.dumps(data, ensure_ascii=False)
    sido = next(r for r in data["regions"] if r["sigungu"] is None)
    assert set(sido) >= {"sido", "sigungu", "score", "evidence"}
    assert {"name", "mentions", "score", "evidence"} <= set(data["companies"][0])


def _label_set(options: list) -> list[set[str]]:
    return [set(o) if isinstance(o, list) else {o} for o in options]


def test_seed_articles_match_their_hand_labels(pipeline, shared):
    """The two example articles: every hard label found, nothing that is not labelled."""
    for line in (shared / "dev" / "seed_labels.jsonl").read_text().splitlines():
        label = json.loads(line)
        text = (shared / "dev" / "seeds" / label["source"].split("/")[-1]).read_text()
        data = analysis_json(pipeline.tag_text("", text))
        sidos = {r["sido"] for r in data["regions"]}
        hard_sidos = set(label["sido"]) - set(label["soft_labels"]["sido"])
        assert hard_sidos <= sidos, label["id"]
        assert sidos <= set(label["sido"]), label["id"]
        found = {c["name"] for c in data["companies"]}
        for options in _label_set(label["companies"]):
            if not options & set(label["soft_labels"]["companies"]):
                assert options & found, (label["id"], options)
        allowed = set().union(*_label_set(label["companies"]))
        assert found <= allowed, label["id"]


def test_target_is_not_the_company_daesang(pipeline):
    _, companies, _ = _tags(pipeline, "교육 대상 기업은 모두 30곳이다.")
    assert "대상" not in companies
    _, companies, _ = _tags(pipeline, "식품기업 대상(001680)은 AI 공장을 짓는다.")
    assert "대상" in companies


# -- issue 4: the traps of real news --------------------------------------------------------
def _primary(result) -> str | None:
    return next((t.key for t in result.tags if t.primary), None)


def test_common_word_places_in_a_list_with_a_confirmed_place(pipeline):
    regions, _, _ = _tags(
        pipeline, '용인시 관계자는 "이천과 청주에 이어 용인이 거점이 된다"고 말했다.'
    )
    assert {"경기도 이천시", "충청북도 청주시", "경기도 용인시"} <= regions
    regions, _, _ = _tags(pipeline, "충북 기업은 청주가 14곳, 충주 5곳, 음성 4곳이다.")
    assert {"충청북도 음성군", "충청북도 충주시"} <= regions


def test_gyeonggi_as_the_economy_or_a_match_is_not_the_province(pipeline):
    regions, _, result = _tags(pipeline, "국내 경기 침체가 길어진다. 축구 경기가 열렸다.")
    assert "경기도" not in regions
    assert {r.reason for r in result.rejected if r.surface == "경기"} == {"common-word"}
    for text in (
        "서울·경기 지역 기업이 모였다.",
        "경기 남부에 공장을 짓는다.",
        "경기 성남에 있다.",
    ):
        regions, _, _ = _tags(pipeline, text)
        assert "경기도" in regions, text


def test_gyeonggi_gwangju_established_once_holds_for_the_article(pipeline):
    regions, _, _ = _tags(
        pipeline,
        "경기 광주시가 물류 거점을 짓는다. 광주시는 120억원을 들인다.",
        "광주시, AI 물류 거점",
    )
    assert "경기도 광주시" in regions and "광주광역시" not in regions
    regions, _, _ = _tags(pipeline, "광주광역시와 경기 광주시가 협약을 맺었다. 광주시는 환영했다.")
    assert {"광주광역시", "경기도 광주시"} <= regions


def test_bare_gu_repeats_the_gu_named_with_its_city(pipeline):
    regions, _, _ = _tags(pipeline, "강원 고성군이 드론을 띄운다. 고성군은 감시를 늘린다.")
    assert "강원특별자치도 고성군" in regions and "경상남도" not in regions


def test_dateline_place_counts_but_less_than_the_subject_and_outlet_is_ignored(pipeline):
    result = pipeline.tag_text(
        "부산시, AI 관광 안내", "(서울=연합뉴스) 부산시가 해운대에 키오스크를 설치한다."
    )
    sidos = {t.key: t for t in result.of_kind("region") if " " not in t.key}
    assert _primary(result) == "부산광역시"
    assert sidos["서울특별시"].score == 0.5 < sidos["부산광역시"].score
    assert sidos["서울특별시"].evidence[0].rule.endswith(":dateline")
    regions, companies, result = _tags(pipeline, "[음성=충청일보 김민수 기자] 군이 예찰을 한다.")
    assert "충청북도 음성군" in regions
    assert any(r.reason == "dateline-outlet" for r in result.rejected) or not companies


def test_places_inside_organisation_names(pipeline):
    regions, _, _ = _tags(pipeline, "충남대와 제주대, 전북대병원 연구팀이 참여했다.")
    assert not regions
    result = pipeline.tag_text(
        "", "연구에는 여러 기관이 참여한다.\n\n광주과학기술원 연구팀이 개발했다."
    )
    (gwangju,) = [t for t in result.of_kind("region") if t.key == "광주광역시"]
    assert gwangju.evidence[0].rule.endswith(":in-org-name") and gwangju.score < 0.5


def test_former_names_and_general_gu(pipeline):
    regions, _, _ = _tags(pipeline, "강원도 원주와 전라북도 전주, 성남시 분당구와 수원 영통구에서")
    assert {"강원특별자치도 원주시", "전북특별자치도 전주시"} <= regions
    assert {"경기도 성남시", "경기도 수원시"} <= regions
    assert not any("분당구" in k or "영통구" in k for k in regions)


def test_person_names_containing_place_names(pipeline):
    regions, _, _ = _tags(pipeline, "박수원 교수와 김해진 교수, 이천호 소장이 참여했다.")
    assert not regions


def test_everyday_words_are_not_places(pipeline):
    regions, _, _ = _tags(
        pipeline,
        "내년 예산을 늘렸다. 음성 인식과 보안을 강화했다. 목표를 달성했다. "
        "칩 양산을 앞뒀다. 구미에 맞는 규정만 고른다. AI 대전환 시대다.",
    )
    assert not regions


def test_explicit_province_lists_beside_region_groups(pipeline):
    regions, _, result = _tags(pipeline, "부산·울산·경남이 손잡았다. 부울경은 동남권의 중심이다.")
    assert {"부산광역시", "울산광역시", "경상남도"} == {k for k in regions if " " not in k}
    assert {t.key for t in result.of_kind("group")} == {"동남권"}


def test_english_company_names_and_abbreviations(pipeline):
    _, companies, _ = _tags(pipeline, "SKT와 KT, LGU+, NAVER가 참여했다.")
    assert {"SK텔레콤", "KT", "LG유플러스", "네이버"} <= companies
    _, companies, _ = _tags(pipeline, "KTX 오송역에서 출발한다.")
    assert "KT" not in companies


def test_public_bodies_and_universities_are_not_companies(pipeline):
    _, companies, _ = _tags(
        pipeline,
        "과학기술정보통신부와 정보통신산업진흥원(NIPA), 한국전자통신연구원(ETRI), KAIST, "
        "UNIST, 창업진흥원, LG AI연구원이 참여했다.",
    )
    assert not companies


def test_site_menus_and_related_links_are_ignored(pipeline):
    body = (
        "전국 서울 경기 인천 강원 충북 충남 대전 세종 전북 전남 광주\n"
        "  • 부산\n"
        "카카오가 제주에서 AI 교육을 연다고 밝혔다. 교육은 다음 달 시작된다.\n"
        "▶ 대구시, AI 로봇 도입"
    )
    regions, _, _ = _tags(pipeline, body)
    assert regions == {"제주특별자치도"}


def test_daejeon_as_a_contest_is_not_the_city(pipeline):
    regions, _, _ = _tags(pipeline, "AI 반도체 대전이 본격화했다. 클라우드 대전에서 살아남는다.")
    assert not regions
    regions, _, _ = _tags(pipeline, "과학도시 대전의 미래. 서울·대전·부산에서 열린다.")
    assert {"대전광역시", "서울특별시", "부산광역시"} <= regions


def test_banks_named_after_regions_are_companies(pipeline):
    regions, companies, _ = _tags(pipeline, "부산은행과 대구은행이 AI 상담을 도입한다.")
    assert {"부산은행", "iM뱅크"} <= companies and not regions


def test_company_names_that_are_a_word_and_a_particle_need_a_cue(pipeline):
    _, companies, _ = _tags(pipeline, "상대가 사람인 줄 알았다. 나무가 자란다.")
    assert not companies & {"사람인", "나무가"}


def test_a_province_qualifies_only_the_name_right_after_it(pipeline):
    regions, _, _ = _tags(pipeline, "충남도는 예산 확보를 위해 국회와 협의한다.")
    assert regions == {"충청남도"}
    regions, _, _ = _tags(pipeline, "충남 예산에 공장을 짓는다. 천안·아산 일대도 포함된다.")
    assert {"충청남도 예산군", "충청남도 천안시", "충청남도 아산시"} <= regions


def test_regional_menus_and_the_outlets_imprint_are_ignored(pipeline):
    body = (
        "서울|경기|인천|강원|충북|충남\n"
        "부산·울산·경남이 손잡았다.\n"
        "주소: 서울특별시 중구 세종대로 1 | 대표전화 02-123-4567\n"
        "등록번호 서울 아01234 | 발행인 홍길동"
    )
    regions, _, result = _tags(pipeline, body)
    assert {k for k in regions if " " not in k} == {"부산광역시", "울산광역시", "경상남도"}
    assert {r.surface for r in result.rejected if r.reason == "navigation"} >= {"서울", "강원"}


def test_a_bare_gu_of_the_articles_only_city(pipeline):
    regions, _, _ = _tags(pipeline, "울산시는 동구 조선소에서 실증을 시작했다.")
    assert "울산광역시 동구" in regions
    regions, _, _ = _tags(pipeline, "서울시와 부산시가 손잡았다. 중구에 사무소를 연다.")
    assert not any(k.endswith(" 중구") for k in regions)  # both have a 중구: which one?
