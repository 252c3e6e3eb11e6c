"""Tests for nlp.analyzer and nlp.userdic against the real Mecab and Komoran backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.analyzer import (
    MAX_CHUNK_CHARS,
    Analyzer,
    AnalyzerError,
    Morpheme,
    align_surfaces,
    merge_spans,
    open_analyzer,
    split_chunks,
)
from nlp.userdic import (
    build_komoran_userdic,
    final_consonant_flag,
    mecab_csv_rows,
    mecab_words,
)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "dev" / "seeds"
COMPANIES = [
    "크라우드웍스",
    "카카오뱅크",
    "와이즈넛",
    "아크릴",
    "업스테이지",
    "판교테크노밸리",
]
PARAGRAPH = (
    "[제주=이데일리 김유성 기자] 카카오(035720)가 제주창조경제혁신센터, 구글 AI오픈소스 "
    "사용자 모임 ‘텐서플로우’와 함께 ‘제주도의 동북아 AI 허브화’에 조력한다. "
    "크라우드웍스는 3일 판교테크노밸리에서 업스테이지와 협약을 맺었다고 밝혔다.\n"
)
VARIED_TEXTS = [
    "",
    " ",
    "\n\n\t \u3000 \n",
    "크라우드웍스가 카카오뱅크와",
    "카카오(035720)는 “인공지능(AI)”을 ‘만능플랫폼화’로! 정말? 네…",
    "GPT-4o, LLM·sLLM 3.5% 1,000원 2017.05.22 08:04:18 ㈜카카오 (주)네이버",
    "漢字 人工知能 場 日本語のテキスト 中文文本",
    "이모지 😀👍🏽 👨‍👩‍👧 🇰🇷 가족 ✨ 끝",
    "e\u0301 Cafe\u0301 ᄒᆞᆫ글 ㅋㅋㅋ ^^ ㅠㅠ ~~~",
    "탭\t구분\r\n윈도 줄바꿈\u2028줄 구분자\x85다음 \x0c폼피드",
    "널\x00문자와 외톨이 서로게이트\ud800 가 섞인 글",
    "'작은따옴표' \"큰따옴표\" <꺾쇠> [대괄호] {중괄호} 《책》 「낫표」",
    "ｆｕｌｌ　ｗｉｄｔｈ ＡＢＣ１２３ ﾊﾝｶｸ ①② ½",
    "https://www.kakaocorp.com/page?id=1&x=2 메일 ai@example.com 으로",
    "가" * 9000,
    ("해결했다. " * 700).strip(),
]


def seed_text() -> str:
    """Realistic Korean news text: the seed articles if present, else a built-in paragraph."""
    files = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    return "\n".join(f.read_text(encoding="utf-8") for f in files) or PARAGRAPH * 10


def assert_aligned(text: str, morphemes: list[Morpheme]) -> None:
    """Every morpheme slices the text, in order, without overlap or blank surfaces."""
    previous_end = 0
    for m in morphemes:
        assert text[m.start : m.end] == m.surface, m
        assert m.start >= previous_end and m.end > m.start, m
        assert m.surface.strip() and m.tag, m
        previous_end = m.end


def visible(text: str) -> str:
    """Text without whitespace (and without NUL, which Mecab cannot see)."""
    return "".join(text.replace("\x00", " ").split())


@pytest.fixture(scope="module")
def mecab_plain() -> Analyzer:
    """Mecab with the system dictionary only."""
    return open_analyzer("mecab")


@pytest.fixture(scope="module")
def mecab_user(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    """Mecab with a user dictionary of company and place names."""
    return open_analyzer("mecab", COMPANIES, cache_dir=tmp_path_factory.mktemp("mecab"))


@pytest.fixture(scope="module")
def komoran(tmp_path_factory: pytest.TempPathFactory) -> Analyzer:
    """Komoran with a user dictionary (the JVM starts once for the whole session)."""
    return open_analyzer("komoran", COMPANIES, cache_dir=tmp_path_factory.mktemp("komoran"))


def pos(morphemes: list[Morpheme]) -> list[tuple[str, str]]:
    """(surface, tag) pairs, for readable assertions."""
    return [(m.surface, m.tag) for m in morphemes]


@pytest.mark.parametrize("text", VARIED_TEXTS, ids=range(len(VARIED_TEXTS)))
def test_mecab_alignment_covers_every_visible_character(mecab_user: Analyzer, text: str) -> None:
    morphemes = mecab_user.analyze(text)
    assert_aligned(text, morphemes)
    assert "".join(m.surface for m in morphemes).replace("\x00", "") == visible(text)


def test_mecab_alignment_on_long_news_text(mecab_plain: Analyzer) -> None:
    text = seed_text() * 20
    morphemes = mecab_plain.analyze(text)
    assert_aligned(text, morphemes)
    assert "".join(m.surface for m in morphemes) == visible(text)


def test_long_line_offsets_are_global(mecab_plain: Analyzer) -> None:
    line = PARAGRAPH.strip() + " "
    text = "머리말\n" + line * (3 * MAX_CHUNK_CHARS // len(line))
    morphemes = mecab_plain.analyze(text)
    assert_aligned(text, morphemes)
    assert morphemes[-1].end == len(text.rstrip())
    nouns = [m for m in morphemes if m.surface == "크라우드웍스" or m.surface == "카카오"]
    assert nouns and all(m.start > MAX_CHUNK_CHARS for m in nouns[-3:])


def test_split_chunks_bounds_size_and_keeps_offsets() -> None:
    text = "짧은 줄\n\n" + ("문장입니다. " * 2000) + "\n" + "가" * 10_000 + "\n  \n끝"
    chunks = list(split_chunks(text, max_chars=1000))
    assert all(0 < len(chunk) <= 1000 and text[o : o + len(chunk)] == chunk for o, chunk in chunks)
    assert "".join("".join(c.split()) for _, c in chunks) == visible(text)
    first_sentences = next(c for _, c in chunks if "문장" in c)
    assert first_sentences.endswith(". ")  # cut at a sentence end


def test_align_surfaces_merges_restored_lemmas() -> None:
    tokens = [("해결", "NNG"), ("하", "XSV"), ("았", "EP"), ("다", "EF"), (".", "SF")]
    assert align_surfaces("해결했다.", tokens) == [
        (0, 2, "NNG"),
        (2, 3, "XSV+EP"),
        (3, 4, "EF"),
        (4, 5, "SF"),
    ]


def test_align_surfaces_never_misplaces_unmatched_tokens() -> None:
    text = "해서 했어요 가까워"
    tokens = [("하", "VV"), ("아서", "EC"), ("하", "VV"), ("았", "EP"), ("어요", "EC")]
    tokens += [("가깝", "VA"), ("어", "EC"), ("없는말", "NNG")]
    spans = align_surfaces(text, tokens)
    # 해서 and 했 cannot be told apart once 어요 is found in the next word: dropped, not guessed.
    assert spans == [(4, 6, "EC"), (7, 10, "VA+EC+NNG")]
    assert_aligned(text, [Morpheme(text[s:e], t, s, e) for s, e, t in spans])


def test_merge_spans_joins_tokens_sharing_a_span() -> None:
    spans = [(0, 2, "NNG"), (2, 3, "XSV"), (2, 3, "EP"), (3, 4, "EF"), (9, 12, "NNG")]
    assert merge_spans("해결했다", spans) == [
        (0, 2, "NNG"),
        (2, 3, "XSV+EP"),
        (3, 4, "EF"),
    ]


def test_user_dictionary_keeps_unknown_company_whole(
    mecab_plain: Analyzer, mecab_user: Analyzer
) -> None:
    assert "크라우드웍스" not in [m.surface for m in mecab_plain.analyze("크라우드웍스가")]
    result = pos(mecab_user.analyze("크라우드웍스가 카카오뱅크와"))
    assert result[:3] == [("크라우드웍스", "NNP"), ("가", "JKS"), ("카카오뱅크", "NNP")]
    assert result[3][0] == "와" and result[3][1].startswith("J")
    assert pos(mecab_user.analyze("카카오(035720)는"))[0] == ("카카오", "NNP")
    assert ("판교테크노밸리", "NNP") in pos(mecab_user.analyze("판교테크노밸리에서"))


def test_user_dictionary_is_cached_and_versioned(tmp_path: Path, mecab_plain: Analyzer) -> None:
    first = open_analyzer("mecab", ["와이즈넛", "크라우드웍스"], cache_dir=tmp_path)
    (dic,) = tmp_path.glob("mecab-userdic-*.dic")
    before = dic.stat()
    second = open_analyzer("mecab", ["크라우드웍스", "와이즈넛", "와이즈넛 "], cache_dir=tmp_path)
    after = dic.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert first.version == second.version != mecab_plain.version
    third = open_analyzer("mecab", ["와이즈넛"], cache_dir=tmp_path)
    assert len(list(tmp_path.glob("mecab-userdic-*.dic"))) == 2
    assert third.version not in (first.version, mecab_plain.version)
    assert not list(tmp_path.glob(".userdic-*"))  # no temporary files left behind


def test_unusable_words_are_skipped(tmp_path: Path, mecab_plain: Analyzer) -> None:
    assert mecab_words(["판교 테크노밸리", "a,b", '큰"따옴표', "", "  카카오 "]) == ["카카오"]
    analyzer = open_analyzer("mecab", ["판교 테크노밸리", "a,b"], cache_dir=tmp_path)
    assert analyzer.version == mecab_plain.version
    assert not list(tmp_path.glob("*.dic"))


def test_csv_rows_use_the_system_context_ids() -> None:
    import mecab_ko

    tagger = mecab_ko.Tagger('-F "%m,%phl,%phr,%H\\n" -E ""')
    system = tagger.parse("삼성 네이버").split()  # NNP with and without a final consonant
    rows = mecab_csv_rows(["삼성", "네이버"])
    for row, reference in zip(rows, system, strict=True):
        assert row.split(",")[:3] == reference.split(",")[:3]
        assert row.split(",")[4:7] == reference.split(",")[3:6]
    assert rows[0].split(",")[3:] == [
        "3000",
        "NNP",
        "*",
        "T",
        "삼성",
        "*",
        "*",
        "*",
        "*",
    ]


FLAGS = {"삼성": "T", "네이버": "F", "SK텔레콤": "T", "KT": "F", "LG엠": "T", "NXN": "T"}
FLAGS |= {"Samsung": "T", "Kakao": "F", "3": "T", "2": "F", "삼성전자(주)": "F", "㈜": "F"}


@pytest.mark.parametrize(("word", "flag"), FLAGS.items())
def test_final_consonant_flag(word: str, flag: str) -> None:
    assert final_consonant_flag(word) == flag


def test_unknown_backend_is_an_error() -> None:
    with pytest.raises(AnalyzerError, match="unknown analyzer backend"):
        open_analyzer("kkma")
    with pytest.raises(AnalyzerError, match="not one string"):
        open_analyzer("mecab", "카카오")


def test_komoran_with_user_dictionary(komoran: Analyzer, tmp_path: Path) -> None:
    userdic = build_komoran_userdic(["판교 테크노밸리", "탭\t단어", "와이즈넛"], tmp_path)
    assert userdic is not None
    assert userdic.path.read_text(encoding="utf-8") == "와이즈넛\tNNP\n판교 테크노밸리\tNNP\n"
    assert komoran.backend == "komoran" and komoran.version.startswith("komoran/")
    text = " \t크라우드웍스가  판교테크노밸리에서   와이즈넛과 해결했다."
    result = [(m.surface, m.tag, m.start) for m in komoran.analyze(text)]
    assert result[:2] == [("크라우드웍스", "NNP", 2), ("가", "JKS", 8)]
    assert ("판교테크노밸리", "NNP", 11) in result and (
        "와이즈넛",
        "NNP",
        text.index("와"),
    ) in result
    assert ("했", "XSV+EP", text.index("했")) in result  # 하/XSV + 았/EP, one syllable
    for text in [*VARIED_TEXTS, seed_text(), "가ㄴ 다  라 ㅋㅋ  하ㅎㅎ 끝"]:
        assert_aligned(text, komoran.analyze(text))
