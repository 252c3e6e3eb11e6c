"""Turn fetched bytes into text: BOM, declared charset checked against the bytes, then detection.

Korean outlets still serve EUC-KR, often with a wrong or missing declaration, and EUC-KR pages
use CP949-only syllables (똠, 햏, 쌰...). So every EUC-KR alias is decoded as CP949, a declaration
is only trusted when the bytes decode strictly with it, and undeclared bytes are tried as UTF-8,
then CP949, then handed to charset-normalizer.
"""

from __future__ import annotations

import codecs
import logging
import re

import charset_normalizer

log = logging.getLogger(__name__)

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Every name Korean servers use for EUC-KR / Unified Hangul Code; CP949 is the superset.
KOREAN_ALIASES = frozenset(
    {
        *("euc-kr", "euc_kr", "euckr", "x-euc-kr", "ks_c_5601-1987", "ks_c_5601", "ksc5601"),
        *("ksc_5601", "ks-c-5601", "ks-c-5601-1987", "korean", "cp949", "ms949", "uhc"),
        *("windows-949", "x-windows-949"),
    }
)
# Declarations too weak to believe on a Korean site: any byte string decodes as Latin-1.
WEAK_CHARSETS = frozenset({"iso8859-1", "cp1252", "ascii"})
SNIFF_BYTES = 4096

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:\-]+)""", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([\w.:\-]+)["']""", re.I)
_XML_DECL_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([\w.:\-]+)(["'])""", re.I)


def codec_name(label: str | None) -> str | None:
    """The Python codec for a charset label (EUC-KR aliases → cp949), or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in KOREAN_ALIASES:
        return "cp949"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "cp949" if name == "euc_kr" else name


def header_charset(content_type: str | None) -> str | None:
    """The charset named in a Content-Type header value."""
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def html_charset(body: bytes) -> str | None:
    """The charset declared by `<meta charset>`, `<meta http-equiv>` or an XML declaration."""
    head = body[:SNIFF_BYTES]
    match = _XML_DECL.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def xml_charset(body: bytes) -> str | None:
    """The encoding named by an XML declaration."""
    match = _XML_DECL.search(body[:SNIFF_BYTES])
    return match.group(1).decode("ascii", "replace") if match else None


def detect_encoding(body: bytes, declared: list[str | None]) -> str:
    """The codec to decode `body` with, given declared labels in order of authority."""
    for bom, name in BOMS:
        if body.startswith(bom):
            return name
    codecs_declared = [c for c in (codec_name(label) for label in declared) if c]
    strong = [c for c in dict.fromkeys(codecs_declared) if c not in WEAK_CHARSETS]
    if "cp949" in strong and _is_utf8_text(body):
        # Valid multi-byte UTF-8 is almost never CP949 by accident; the reverse is not true.
        log.debug("declared EUC-KR but the bytes are UTF-8")
        return "utf-8"
    for name in [*strong, "utf-8", "cp949"]:
        if _decodes(body, name):
            return name
    best = charset_normalizer.from_bytes(body).best()
    if best is not None and best.encoding:
        return codec_name(best.encoding) or best.encoding
    for name in codecs_declared:  # weak declarations (Latin-1...) as a last honest guess
        if _decodes(body, name):
            return name
    return "utf-8"


def decode_bytes(body: bytes, declared: list[str | None]) -> str:
    """Decode `body` with `detect_encoding`; undecodable bytes become U+FFFD (with a warning)."""
    name = detect_encoding(body, declared)
    try:
        text = body.decode(name)
    except UnicodeDecodeError:
        log.warning("bytes do not decode as %s or any detected charset; replacing errors", name)
        text = body.decode("utf-8", errors="replace")
    return text.removeprefix("\ufeff")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """An HTML page's text: BOM, then the HTTP header charset, then `<meta>`, each checked."""
    return decode_bytes(body, [header_charset(content_type), html_charset(body)])


def decode_xml(body: bytes, content_type: str | None = None) -> str:
    """An XML document's text: BOM, then the HTTP header charset, then the XML declaration."""
    return decode_bytes(body, [header_charset(content_type), xml_charset(body)])


def xml_as_utf8(body: bytes, content_type: str | None = None) -> bytes:
    """XML bytes re-encoded as UTF-8 with the declaration saying so, for parsers that guess."""
    text = _XML_DECL_TEXT.sub(r"\g<1>utf-8\g<3>", decode_xml(body, content_type), count=1)
    return text.encode("utf-8")


def _decodes(body: bytes, name: str) -> bool:
    try:
        body.decode(name)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _is_utf8_text(body: bytes) -> bool:
    """True when `body` has non-ASCII bytes and all of it is valid UTF-8."""
    return not body.isascii() and _decodes(body, "utf-8")
