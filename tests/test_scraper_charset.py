"""Charset handling: BOM, declarations checked against the bytes, EUC-KR as CP949, detection."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from scraper.charset import (
    codec_name,
    decode_html,
    decode_xml,
    detect_encoding,
    html_charset,
    xml_as_utf8,
)

FIXTURES = Path(__file__).parent / "fixtures" / "scraper"
ARTICLE = "충청북도가 오송 생명과학단지에 인공지능(AI) 데이터센터를 짓는다."


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_euckr_page_without_any_declaration_decodes_as_cp949() -> None:
    body = fixture("euckr_undeclared.html")
    assert html_charset(body) is None
    assert ARTICLE in decode_html(body, "text/html")


def test_declared_euckr_with_cp949_only_syllables() -> None:
    body = fixture("euckr_declared_ttom.html")
    with pytest.raises(UnicodeDecodeError):
        body.decode("euc_kr")  # the strict EUC-KR codec has no 똠 or 햏
    text = decode_html(body, "text/html")
    assert "똠방각하" in text and "햏살" in text and ARTICLE in text


def test_declared_euckr_but_actually_utf8() -> None:
    body = fixture("euckr_declared_but_utf8.html")
    assert html_charset(body) == "euc-kr"
    text = decode_html(body, "text/html; charset=EUC-KR")
    assert "똠방각하" in text and ARTICLE in text


def test_utf8_bom_wins_over_a_wrong_meta_declaration() -> None:
    body = fixture("utf8_bom.html")
    text = decode_html(body, "text/html; charset=euc-kr")
    assert not text.startswith("\ufeff")
    assert text.startswith("<!DOCTYPE html>") and ARTICLE in text


def test_header_charset_checked_against_the_bytes() -> None:
    cp949 = f"<p>{ARTICLE}</p>".encode("cp949")
    assert ARTICLE in decode_html(cp949, "text/html; charset=utf-8")
    utf8 = f"<p>{ARTICLE}</p>".encode()
    assert ARTICLE in decode_html(utf8, "text/html; charset=ks_c_5601-1987")


def test_latin1_declaration_is_not_believed_for_korean_bytes() -> None:
    body = f"<p>{ARTICLE}</p>".encode("cp949")
    assert ARTICLE in decode_html(body, "text/html; charset=iso-8859-1")
    assert decode_html(b"<p>caf\xe9 au lait</p>", "text/html; charset=iso-8859-1") == (
        "<p>café au lait</p>"
    )


@pytest.mark.parametrize(
    "label", ["euc-kr", "EUC-KR", "ks_c_5601-1987", "x-windows-949", "cp949", "ms949", "euckr"]
)
def test_every_euckr_alias_is_cp949(label: str) -> None:
    assert codec_name(label) == "cp949"


def test_meta_http_equiv_and_unknown_labels() -> None:
    body = b'<meta http-equiv="Content-Type" content="text/html; charset=x-unknown-thing">'
    assert html_charset(body) == "x-unknown-thing"
    assert codec_name("x-unknown-thing") is None
    assert detect_encoding("안녕".encode("cp949"), ["x-unknown-thing"]) == "cp949"


def test_undecodable_bytes_are_replaced_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    body = bytes(range(128, 256)) * 3
    with caplog.at_level(logging.WARNING, logger="scraper.charset"):
        text = decode_html(body, None)
    assert "\ufffd" in text
    assert "replacing" in caplog.text


def test_euckr_feed_is_rewritten_as_utf8_with_a_matching_declaration() -> None:
    body = fixture("euckr_feed.xml")
    text = decode_xml(body, "text/xml")
    assert "똠방각하 거리에 AI 창업센터" in text
    utf8 = xml_as_utf8(body, "text/xml")
    assert utf8.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert "똠방각하".encode() in utf8
