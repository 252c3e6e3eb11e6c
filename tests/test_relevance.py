"""The relevance score on the traps of issue 8, with the real analyzer, vocabulary and model."""

from __future__ import annotations

import math

import pytest

from archive.relevance import Relevance, load_ai_vocabulary
from nlp.relevance import FEATURES, RelevanceScorer, load_model, split_headline, squash


@pytest.fixture(scope="module")
def score(pipeline, root):
    """Score a (title, body) pair as the tag stage does: tags first, then relevance."""
    scorer = RelevanceScorer(
        load_ai_vocabulary(root / "content" / "taxonomy" / "topics.toml"),
        load_model(),
        [c.name for c in pipeline.taxonomy.companies if c.ai],
    )

    def run(title: str, body: str) -> Relevance:
        result = pipeline.tag_text(title, body)
        return scorer.score(result.doc, result.tags)

    return run


def counted(relevance: Relevance, kind: str = "term") -> list[str]:
    return [e.surface for e in relevance.evidence if e.kind == kind]


def cancelled(relevance: Relevance) -> dict[str, str]:
    return {e.surface: e.note for e in relevance.evidence if e.kind == "cancelled"}


AI_STORY = (
    "광주 AI 스타트업, 병원 영상 판독 모델로 시리즈A 80억 유치",
    "[광주=김하나 기자] 광주의 인공지능(AI) 스타트업 빛소리랩이 흉부 영상 판독을 돕는 딥러닝 "
    "모델로 80억 원 규모의 시리즈A 투자를 받았다고 3일 밝혔다.\n\n"
    "회사는 전남대병원과 함께 흉부 X선 영상 40만 장을 학습시킨 모델을 개발했으며, 폐결절 판독 "
    "정확도가 96%에 이른다고 설명했다.\n\n"
    '빛소리랩 대표는 "투자금으로 AI 판독 보조 소프트웨어의 식약처 허가를 준비하겠다"고 말했다.',
)


def test_an_ai_industry_story_is_relevant(score):
    relevance = score(*AI_STORY)
    assert relevance.relevant
    assert relevance.score > 0.9
    assert {"AI", "인공지능", "딥러닝"} <= set(counted(relevance))
    assert relevance.features["term_title"] == 1.0 and relevance.features["term_lead"] == 1.0


def test_score_is_the_squashed_sum_of_the_shown_contributions(score):
    relevance = score(*AI_STORY)
    logit = relevance.bias + sum(relevance.contributions.values())
    assert math.isclose(relevance.score, squash(logit), abs_tol=1e-3)
    assert set(relevance.features) == set(FEATURES)
    assert 0.0 <= relevance.score <= 1.0


def test_kaist_is_not_ai(score):
    relevance = score(
        "KAIST 연구팀, 영하 40도에서도 작동하는 배터리 전해질 개발",
        "[대전=박서준 기자] KAIST 신소재공학과 연구팀이 영하 40도에서도 충전과 방전이 되는 리튬금속"
        "전지용 전해질을 개발했다고 2일 밝혔다.\n\n연구팀은 전해질에 새 첨가제를 넣어 저온에서 "
        "리튬 이온이 잘 움직이도록 했다. KAIST는 이 기술을 국내 배터리 기업에 이전할 계획이다.",
    )
    assert "AI" not in counted(relevance)
    assert any("inside a longer word" in note for note in cancelled(relevance).values())
    assert not relevance.relevant


def test_aia_life_and_ais_are_not_ai(score):
    relevance = score(
        "AIA생명, 50대 겨냥 간편심사 치매보험 출시",
        "AIA생명이 50대 이상 고객을 위한 간편심사 치매보험을 내놓았다고 4일 밝혔다.\n\n"
        "이 상품은 세 가지 질문에만 답하면 가입할 수 있다. 한편 해경은 선박자동식별장치(AIS)를 "
        "끈 채 조업한 어선을 적발했다.",
    )
    assert "AI" not in counted(relevance)
    assert not relevance.relevant


def test_avian_influenza_ai_is_cancelled_in_the_whole_article(score):
    relevance = score(
        "음성 산란계 농장서 AI 의심 신고…충북 방역 비상",
        "[음성=이도윤 기자] 충북 음성군의 한 산란계 농장에서 AI 의심 신고가 들어와 방역 당국이 "
        "정밀 검사에 들어갔다.\n\n당국은 고병원성으로 확인되면 농장의 닭 5만 마리를 살처분할 "
        "계획이다. AI 확산을 막기 위해 인근 농장 12곳의 이동도 제한했다.",
    )
    assert counted(relevance) == []
    notes = [n for s, n in cancelled(relevance).items() if s == "AI"]
    assert notes and all("avian influenza" in n for n in notes)
    assert not relevance.relevant
    assert relevance.score < 0.1


def test_farm_words_cancel_ai_in_their_sentence_only(score):
    relevance = score(
        "AI 방역 드론 띄워 철새 도래지 소독",
        "[김제=정다은 기자] 김제시가 드론으로 하천을 소독했다.\n\n"
        "한편 지역 스타트업은 인공지능(AI) 기반 영상 분석 서비스를 선보였다.",
    )
    # 도래지 (a migratory-bird site) names avian influenza for the whole article: no "AI" counts,
    # but 인공지능 still does
    assert "AI" not in counted(relevance)
    assert "인공지능" in counted(relevance)
    sentence_only = score(
        "청주 스타트업, 식품 공장에 AI 영상 분석 공급",
        "[청주=정다은 기자] 청주의 스타트업이 인공지능 영상 분석 서비스를 내놓았다.\n\n"
        "회사는 농장 방역 AI 점검도 돕는다. 회사 대표는 AI 기술로 수출을 늘리겠다고 말했다.",
    )
    notes = cancelled(sentence_only)
    assert "in this sentence" in notes.get("AI", "")
    assert counted(sentence_only).count("AI") >= 2  # the title's and the last sentence's


def test_a_name_with_ai_in_it_is_a_name(score):
    relevance = score(
        "AI페퍼스, 홈 개막전서 풀세트 접전 끝 승리",
        "[광주=유하람 기자] 광주 페퍼저축은행 AI페퍼스가 홈 개막전에서 풀세트 접전 끝에 이겼다.\n\n"
        "AI페퍼스는 5세트 막판 연속 득점으로 경기를 뒤집었다. 관중 4천여 명이 경기장을 찾았다.",
    )
    assert "AI" not in counted(relevance)
    assert any("name" in note for note in cancelled(relevance).values())
    assert not relevance.relevant


def test_the_outlet_in_a_dateline_is_not_evidence(score):
    relevance = score(
        "청주 무심천 벚꽃 만개…주말 상춘객 몰려",
        "[청주=충청AI일보 김민수 기자] 청주 무심천 벚꽃이 활짝 펴 주말 동안 상춘객이 몰렸다.\n\n"
        "시는 벚꽃길 주변 도로를 일부 통제하고 임시 주차장을 운영했다.",
    )
    assert "AI" not in counted(relevance)
    assert "dateline" in cancelled(relevance).get("AI", "")
    assert not relevance.relevant


FESTIVAL = [
    "[보령=최유진 기자] 보령 머드축제가 12일 대천해수욕장 일대에서 개막해 열흘 동안 이어진다.",
    "올해 축제에는 머드 체험장과 머드 마라톤, 야간 공연 등 50여 개 프로그램이 마련됐다.",
    "시는 관광객 편의를 위해 임시 주차장 6곳과 셔틀버스 12대를 운영한다.",
    "해수욕장 주변 상인들은 축제 기간 숙박 예약이 지난해보다 20% 늘었다고 전했다.",
    "축제 추진위원회는 안전요원 300명을 배치하고 응급 의료소 4곳을 운영한다.",
    "폐막일에는 해변 불꽃놀이와 시민 노래자랑이 열린다.",
]
MENTION = "행사장 입구에는 인공지능(AI) 기술로 사진을 꾸며 주는 포토존도 마련됐다."


def test_a_passing_mention_in_a_long_story_is_not_relevant(score):
    body = "\n\n".join([*FESTIVAL[:3], MENTION, *FESTIVAL[3:], *FESTIVAL[1:]])
    relevance = score("보령 머드축제 개막…열흘간 머드 체험·야간 공연", body)
    assert "인공지능" in counted(relevance)  # seen and counted, but it is one sentence of many
    assert relevance.features["term_share"] < 0.1
    assert not relevance.relevant


def test_density_and_position_matter(score):
    title = "보령 머드축제 개막…열흘간 머드 체험·야간 공연"
    short = score(title, "\n\n".join([FESTIVAL[0], MENTION]))
    long = score(title, "\n\n".join([FESTIVAL[0], MENTION, *FESTIVAL[1:], *FESTIVAL[1:]]))
    assert long.score < short.score  # the same mention in a longer story counts less
    in_title = score("보령 머드축제에 AI 포토존", "\n\n".join([FESTIVAL[0], *FESTIVAL[1:]]))
    at_end = score(title, "\n\n".join([*FESTIVAL, "행사장에는 AI 포토존도 있다."]))
    assert in_title.score > at_end.score  # the title weighs most


def test_a_relevant_story_without_the_word_ai(score):
    relevance = score(
        "부산항 물동량 예측 플랫폼 가동…딥러닝으로 선박 도착 시각 맞힌다",
        "[부산=하민재 기자] 부산항만공사가 선박 도착 시각을 예측하는 플랫폼을 가동했다.\n\n"
        "플랫폼은 10년치 입출항 기록을 학습한 딥러닝 모델로 선박별 도착 시각을 예측하고, 터미널에 "
        "선석 배정을 제안한다.\n\n시범 운영 결과 선석 대기 시간이 20% 줄었다. 공사는 예측 모델을 "
        "북항에도 적용할 계획이다.",
    )
    assert "AI" not in counted(relevance) and "인공지능" not in counted(relevance)
    assert relevance.features["ml_share"] > 0
    assert relevance.relevant


def test_a_product_sale_with_an_ai_label_is_not_ai_news(score):
    relevance = score(
        "가전매장 겨울 특가전…'AI 세탁기' 최대 30% 할인",
        "[대구=오세린 기자] 대구 지역 가전매장들이 겨울 특가 행사를 연다.\n\n"
        "매장들은 AI 세탁기와 건조기를 최대 30% 할인하고, 구매 고객에게 사은품과 쿠폰을 준다.\n\n"
        "행사는 이달 말까지 이어지며 선착순 고객에게 추가 할인 혜택도 준다.",
    )
    assert relevance.features["commerce_title"] == 1.0
    assert not relevance.relevant


def test_a_market_wrap_led_by_ai_stocks_is_not_ai_news(score):
    relevance = score(
        "코스피, AI 반도체주 랠리에 2,850 돌파…외국인 7천억 순매수",
        "(서울=윤하진 기자) 코스피가 AI 반도체주의 강세에 힘입어 석 달 만에 2,850선을 넘었다.\n\n"
        "12일 코스피는 전 거래일보다 1.6% 오른 2,856.10에 장을 마쳤다. 시가총액 상위 종목 가운데 "
        "반도체 대형주가 4% 넘게 올랐고 AI 서버 관련주와 전력기기 종목도 동반 상승했다.\n\n"
        "외국인은 7,100억 원어치를 순매수했고 개인은 순매도했다. 코스닥은 0.7% 오른 872.30에 "
        "마감했다.\n\n원·달러 환율은 5.2원 내린 1,358.4원에 거래를 마쳤다.",
    )
    assert relevance.features["market_title"] == 1.0
    assert relevance.features["market_share"] >= 0.5
    assert relevance.contributions["market_share"] < 0
    assert "종목" in counted(relevance, "market")
    assert not relevance.relevant


def test_a_novel_about_an_ai_robot_is_not_ai_news(score):
    relevance = score(
        "[신간] 인공지능 로봇과 등대지기의 겨울…장편소설 『마지막 신호』",
        "[목포=한서우 기자] 목포 출신 작가 오다온의 장편소설 『마지막 신호』가 출간됐다.\n\n"
        "소설은 외딴섬 등대에 배치된 인공지능 로봇이 늙은 등대지기와 한겨울을 나며 사람의 말을 "
        "배워 가는 이야기다. 작가는 로봇의 시선으로 섬사람들의 삶을 담담하게 그린다.\n\n"
        '독자들은 기계와 사람의 우정을 과장 없이 그렸다는 평을 내놓았다. 작가는 "외로움에 관한 '
        '소설"이라고 말했다.\n\n312쪽, 1만 6천 원.',
    )
    assert relevance.features["culture_title"] == 1.0
    assert relevance.features["culture_share"] >= 0.5
    assert {"소설", "작가"} <= set(counted(relevance, "culture"))
    assert relevance.features["term_title"] == 1.0  # AI is the theme, the story is a book
    assert not relevance.relevant


def test_an_ai_company_ipo_is_ai_news_despite_market_words(score):
    relevance = score(
        "AI 음성인식 기업 소리결, 코스닥 상장…공모 자금으로 언어모델 개발",
        "[대전=문가온 기자] 인공지능(AI) 음성인식 기업 소리결이 12일 코스닥에 상장했다.\n\n"
        "소리결은 콜센터 상담 음성을 실시간으로 받아 적고 요약하는 음성인식 모델과 언어모델을 "
        "개발해 금융사와 지자체 40곳에 공급하고 있다.\n\n회사는 공모 자금 300억 원으로 "
        "한국어 거대언어모델을 학습시킬 GPU 서버를 늘리고 연구 인력을 두 배로 늘린다. 상장 첫날 "
        '주가는 공모가보다 20% 높게 마감했다.\n\n대표는 "AI 상담 분야의 표준을 만들겠다"고 '
        "말했다.",
    )
    assert relevance.features["market_title"] == 1.0
    assert relevance.relevant


def test_an_ai_company_counts_as_evidence(score):
    relevance = score(
        "업스테이지, 대구에 개발 거점 열어",
        "[대구=한도윤 기자] 업스테이지가 대구 수성알파시티에 개발 거점을 열었다고 9일 밝혔다.\n\n"
        "업스테이지는 지역 대학 졸업생 30명을 채용할 계획이다.",
    )
    assert counted(relevance, "ai_company")
    assert relevance.features["term_title"] == 1.0


def test_split_headline():
    assert split_headline("제목 한 줄\n\n본문 첫 줄\n둘째 줄") == (
        "제목 한 줄",
        "본문 첫 줄\n둘째 줄",
    )
    assert split_headline("한 덩어리 글\n이어지는 줄") == ("", "한 덩어리 글\n이어지는 줄")


def test_an_ai_lecture_is_not_ai_news(score):
    relevance = score(
        "'AI 시대, 일의 의미를 묻다'…구립도서관 시민 특강",
        "[울산=한도윤 기자] 울산 남구 구립도서관이 다음 달 시민 특강 'AI 시대, 일의 의미를 묻다'를 "
        "연다.\n\n강사로 나서는 철학자는 기계가 사람의 일을 나눠 맡게 될 때 일과 여가, 보람이 어떻게 "
        "달라지는지 이야기한다. 참석자들은 강연 뒤 조별로 자신의 일을 돌아보는 글을 쓴다.\n\n"
        "특강은 무료이며 선착순 80명을 받는다. 신청은 도서관 누리집에서 하면 된다.",
    )
    assert relevance.features["theme_title"] == 1.0
    assert relevance.features["actor_head"] == 0.0 and relevance.features["actor_share"] == 0.0
    assert not relevance.relevant


def test_a_tv_show_about_ai_is_not_ai_news(score):
    relevance = score(
        "예능 'AI와 함께 캠핑을'…출연자들 인공지능 비서에 길 묻다 낭패",
        "(서울=오세린 기자) 이번 주 예능 프로그램에서는 출연자 세 명이 인공지능 비서의 안내만 믿고 "
        "캠핑을 떠난다.\n\n출연자들은 AI 비서에게 캠핑장 가는 길과 텐트 치는 법을 묻지만, 엉뚱한 "
        "답에 한밤중까지 헤맨다. 결국 마을 주민의 도움으로 저녁을 짓는 장면이 웃음을 준다.\n\n"
        "프로그램은 매주 일요일 저녁 방송된다.",
    )
    assert relevance.features["theme_title"] == 1.0
    assert relevance.features["actor_head"] == 0.0
    assert not relevance.relevant


def test_a_regional_government_investing_in_an_ai_company_is_ai_news(score):
    relevance = score(
        "전남도, 여수 AI 스타트업에 50억 투자…해상 풍력 점검 드론 개발",
        "[무안=정하율 기자] 전라남도가 해상 풍력 발전기를 드론으로 점검하는 여수의 인공지능 "
        "스타트업에 50억 원을 투자한다.\n\n도는 지역혁신펀드를 통해 이 스타트업의 지분을 인수한다. "
        "회사는 딥러닝 영상 분석 모델로 날개의 균열을 찾아내는 점검 드론을 개발하고 있다.\n\n"
        '도 관계자는 "AI 기업이 지역에서 크도록 돕겠다"고 말했다.',
    )
    assert relevance.features["actor_head"] == 1.0
    assert relevance.features["actor_share"] > 0
    actors = [e for e in relevance.evidence if e.kind == "actor"]
    assert actors and actors[0].note.startswith("industry actor doing AI")
    assert relevance.relevant


def test_a_poll_about_ai_is_not_ai_news(score):
    relevance = score(
        '직장인 설문 "10명 중 7명, AI가 내 일 바꿀 것"',
        "(서울=문하람 기자) 직장인 열 명 중 일곱 명은 인공지능이 자신의 일을 크게 바꿀 것이라고 "
        "생각하는 것으로 나타났다.\n\n한 구인구직 사이트가 직장인 1천 명에게 물은 결과 응답자의 "
        "71%가 'AI가 내 업무 일부를 대신할 것'이라고 답했다. 20대의 응답 비율이 가장 높았다.\n\n"
        "응답자들은 가장 걱정되는 점으로 임금 감소와 재교육 부담을 꼽았다.",
    )
    assert relevance.features["people_head"] == 1.0
    assert relevance.features["actor_head"] == 0.0
    assert [e.note for e in relevance.evidence if e.kind == "people"]
    assert not relevance.relevant


def test_a_school_debate_on_ai_regulation_is_not_ai_news(score):
    relevance = score(
        '고교 토론대회 결승…"AI 개발, 법으로 늦춰야 하나" 찬반 격론',
        "[대전=심규원 기자] 대전시교육청이 연 고교 토론대회 결승에서 학생들이 '인공지능 개발 "
        "속도를 법으로 제한해야 하는가'를 두고 격론을 벌였다.\n\n찬성 팀은 안전과 일자리를, 반대 "
        "팀은 기술 경쟁력과 표현의 자유를 근거로 들었다. 심사위원들은 반론의 논리와 자료 조사를 "
        "높이 평가했다.\n\n우승 팀에는 교육감상과 장학금이 주어졌다.",
    )
    # 개발 is a noun inside the motion, not the predicate of 대전시교육청: no actor doing AI
    assert relevance.features["actor_head"] == 0.0
    assert relevance.features["people_head"] == 1.0
    assert not relevance.relevant


def test_a_company_launching_an_ai_product_as_the_subject_is_ai_news(score):
    relevance = score(
        "물류 소프트웨어 기업 한길로직스, 창고 재고 예측 AI 출시",
        "(인천=배도윤 기자) 인천의 물류 소프트웨어 기업 한길로직스가 창고의 재고 변동을 예측하는 "
        "인공지능 서비스를 출시했다고 4일 밝혔다.\n\n이 서비스는 입출고 기록 3년 치를 학습한 모델로 "
        "품목별 수요를 내다보고 발주 시점을 알려 준다. 시범 운영한 물류센터 5곳에서는 재고 부족이 "
        "30% 줄었다.\n\n회사는 내년 동남아 물류업체에 서비스를 수출할 계획이다.",
    )
    assert relevance.features["actor_head"] == 1.0
    actors = [e for e in relevance.evidence if e.kind == "actor"]
    assert actors and "출시" in actors[0].note
    assert relevance.relevant


def test_the_actor_must_be_the_subject_of_the_industry_predicate(pipeline, root):
    from nlp.relevance_actor import linked_actor

    vocabulary = load_ai_vocabulary(root / "content" / "taxonomy" / "topics.toml")
    scorer = RelevanceScorer(vocabulary, load_model())
    doc = pipeline.tag_text(
        "AI 토론",
        "광주시는 AI 스타트업에 100억 원을 투자한다. 광주시가 연 대회에서 AI 개발 속도를 두고 "
        "논쟁이 벌어졌다. 회사는 AI 물류 플랫폼 공급 계약을 맺었다.",
    ).doc
    hits, _ = scorer._matcher.find(doc)
    industry = [h for h in hits if h.label == "industry"]
    first, second, third = [s for s in doc.sentences if s.field != "title"]

    def linked(sentence):
        return linked_actor(doc, sentence.start, sentence.end, vocabulary.actors, industry)

    found = linked(first)
    assert found is not None and found[0].surface == "광주시" and found[1].surface == "투자"
    assert linked(second) is None  # 개발 is a noun of the object, 논쟁 the subject
    found = linked(third)
    assert found is not None and found[0].surface == "회사" and found[1].surface == "계약"


# -- v7: AI as a tool in people's hands, goods of another trade, quoted AI words ---------------
def test_a_speech_written_with_chatgpt_is_not_ai_news(score):
    relevance = score(
        '"챗GPT가 쓴 송년사"…구청장 인사말 두고 구의회 뒷말',
        "[대구=윤가람 기자] 구청장이 송년회에서 읽은 인사말을 챗GPT가 썼다는 사실이 알려지면서 "
        '구의회에서 뒷말이 나왔다.\n\n구의원들은 20일 본회의에서 "주민에게 건네는 인사까지 '
        '기계에 맡겼느냐"고 따졌다. 구청장은 "초안을 참고했을 뿐 직접 고쳐 읽었다"고 답했다.\n\n'
        "구청 공보실은 앞으로 연설문 작성 지침을 만들겠다고 밝혔다.",
    )
    assert relevance.features["tool_head"] == 1.0
    assert "챗GPT" in counted(relevance, "tool")
    assert not relevance.relevant


def test_a_picture_made_with_ai_on_a_menu_is_not_ai_news(score):
    relevance = score(
        '동네 빵집 간판, AI로 만든 그림 논란…"작가에게 맡겨야"',
        "[전주=오하린 기자] 전주의 한 빵집이 새 간판에 AI로 만든 그림을 걸었다가 지역 "
        '작가들의 항의를 받았다.\n\n작가들은 "골목 상점들이 그림을 의뢰하던 일감이 사라진다"고 '
        '말했다. 빵집 주인은 "비용이 부담돼 직접 만들었다"며 간판을 바꿀 생각은 없다고 했다.\n\n'
        "상인회는 다음 달 상점 간판 디자인 지원 사업을 신청받는다.",
    )
    assert relevance.features["tool_head"] == 1.0
    assert not relevance.relevant


def test_a_company_launching_toys_with_an_ai_theme_is_not_ai_news(score):
    relevance = score(
        "완구업체 별빛토이, 'AI 로봇' 캐릭터 인형 출시…어린이날 한정판",
        "[서울=한도윤 기자] 완구업체 별빛토이가 어린이날을 앞두고 애니메이션 주인공인 'AI 로봇' "
        "캐릭터 인형을 출시했다.\n\n인형은 30㎝ 크기로 버튼을 누르면 캐릭터의 대사 다섯 가지가 "
        "나온다. 값은 3만 9천 원이며 전국 대형마트와 온라인몰에서 1만 개 한정으로 판다.\n\n"
        "회사는 지난해 같은 캐릭터의 색칠 공부 책이 20만 부 팔렸다고 소개했다.",
    )
    assert relevance.features["goods_head"] == 1.0
    assert relevance.features["quoted_title"] == 1.0
    assert "인형" in counted(relevance, "goods")
    assert not relevance.relevant


def test_a_snack_maker_deploying_ai_inspection_is_ai_news(score):
    """It resembles the goods trap (a snack maker, 과자, 도입) but what it deploys is AI."""
    relevance = score(
        "제과업체 다온식품, 과자 불량 찾는 AI 검사 시스템 도입",
        "[청주=한도윤 기자] 제과업체 다온식품이 청주 공장에 인공지능(AI) 외관 검사 시스템을 "
        "도입했다고 3일 밝혔다.\n\n시스템은 생산 라인 카메라 영상을 학습한 딥러닝 모델이 깨지거나 "
        "타 버린 과자를 1초에 40개씩 찾아내 걸러 낸다. 회사는 불량 검출률이 사람 검사보다 20% "
        "높아졌다고 설명했다.\n\n회사는 내년 음성 공장에도 같은 시스템을 설치할 계획이다.",
    )
    assert relevance.features["goods_head"] == 0.0 and relevance.features["tool_head"] == 0.0
    assert relevance.features["actor_head"] == 1.0
    assert relevance.relevant


def test_a_startup_launching_an_ai_service_for_weddings_is_ai_news(score):
    """It resembles the lifestyle traps (weddings, ChatGPT) but a company launches AI."""
    relevance = score(
        "대전 스타트업 혼담, 생성형 AI 청첩장·축사 작성 서비스 출시",
        "[대전=오하린 기자] 대전의 스타트업 혼담이 생성형 인공지능으로 청첩장 문구와 결혼식 축사 "
        "초안을 만들어 주는 서비스를 출시했다.\n\n혼담은 예식 문화에 맞춰 추가 학습한 언어모델이 "
        "두 사람의 이야기를 듣고 문구를 제안한다고 설명했다. 회사는 지난달 8억 원의 시드 투자를 "
        "받았고, 웨딩홀 30곳과 제휴를 맺었다.\n\n회사는 내년에 영어와 베트남어 서비스도 낸다.",
    )
    assert relevance.features["tool_head"] == 0.0 and relevance.features["goods_head"] == 0.0
    assert relevance.relevant
