"""Publication dates as Korean news sites and feeds write them, read into aware KST datetimes."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

from archive.records import KST

# Labels that introduce the first-publication time ("입력 2026.11.02 14:30 수정 ...").
_LABEL = re.compile(
    r"(?:기사\s*)?(?:입력|등록|작성|게재|발행|송고|승인)\s*(?:일시|시간|일자|시각|일)?\s*[:：]?"
)
# 20261103142201 (og:regDate) or 202611031422: a whole value of 12 or 14 digits.
_COMPACT = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?$")
_NUMERIC = re.compile(
    r"""
    (?P<y>(?:19|20)\d{2}) \s* (?:[./-]|년) \s* (?P<m>\d{1,2}) \s* (?:[./-]|월) \s*
    (?P<d>\d{1,2}) (?!\d) \s* (?:일|\.)?
    (?:
        \s* (?:\(?[월화수목금토일](?:요일)?\)?)? \s* T? \s*
        (?P<ampm>오전|오후|[AaPp][Mm])? \s*
        (?P<H>\d{1,2}) \s* (?::|시) \s*
        (?: (?P<M>\d{1,2}) \s* 분? )?
        (?: :\s*(?P<S>\d{1,2})(?:\.\d+)? | \s*(?P<S2>\d{1,2})\s*초 )?
    )?
    \s* (?P<tz>Z|[+-]\d{2}:?\d{2}|KST|UTC|GMT)?
    """,
    re.VERBOSE,
)


def parse_date(text: str | None) -> datetime | None:
    """The first date in `text` (after 입력 when labelled) in KST; offset-less times are KST."""
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    label = _LABEL.search(text)
    if label:
        text = text[label.end() :].strip()
    for parse in (_iso, _compact, _numeric, _rfc822):
        value = parse(text)
        if value is not None and 1990 <= value.year <= 2100:
            return to_kst(value)
    return None


def to_kst(value: datetime) -> datetime:
    """`value` in KST; a naive datetime is taken to be KST already."""
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=KST)
    return value.astimezone(KST)


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _compact(text: str) -> datetime | None:
    match = _COMPACT.match(text)
    if match is None:
        return None
    try:
        return datetime(*(int(part or 0) for part in match.groups()))
    except ValueError:
        return None


def _rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _numeric(text: str) -> datetime | None:
    """Dates like 2026.11.02 14:30, 2026-11-02 14:30:00, 2026년 11월 2일 오후 2시 30분."""
    match = _NUMERIC.search(text)
    if match is None:
        return None
    hour = int(match["H"] or 0)
    ampm = (match["ampm"] or "").upper()
    if ampm in ("오후", "PM") and hour < 12:
        hour += 12
    elif ampm in ("오전", "AM") and hour == 12:
        hour = 0
    try:
        return datetime(
            int(match["y"]),
            int(match["m"]),
            int(match["d"]),
            hour,
            int(match["M"] or 0),
            int(match["S"] or match["S2"] or 0),
            tzinfo=_zone(match["tz"]),
        )
    except ValueError:
        return None


def _zone(label: str | None) -> timezone | None:
    if not label or label == "KST":
        return KST if label else None
    if label in ("Z", "UTC", "GMT"):
        return UTC
    sign = 1 if label[0] == "+" else -1
    digits = label[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
