"""Dates as Korean readers and feed readers expect them, always in KST."""

from __future__ import annotations

from datetime import datetime

from archive.records import KST


def kst(value: datetime) -> datetime:
    return value.astimezone(KST) if value.tzinfo else value.replace(tzinfo=KST)


def korean_date(value: datetime | None) -> str:
    """'2025년 3월 2일'."""
    if value is None:
        return "날짜 미상"
    value = kst(value)
    return f"{value.year}년 {value.month}월 {value.day}일"


def iso_date(value: datetime | None) -> str:
    """ISO 8601 with +09:00."""
    return kst(value).isoformat() if value else ""


def month_label(year: int, month: int) -> str:
    return f"{year}년 {month}월"
