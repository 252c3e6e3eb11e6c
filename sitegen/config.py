"""Site settings from content/site.toml, as a typed record."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import urlsplit


class SiteConfigError(Exception):
    """content/site.toml is missing a value or has one of the wrong type."""


@dataclass(frozen=True, slots=True)
class SiteConfig:
    title: str = "지역 AI 뉴스"
    description: str = "대한민국 17개 시·도의 인공지능 산업 소식을 지역별로 모아 봅니다."
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "ko"
    per_page: int = 20
    feed_items: int = 50
    region_threshold: float = 0.5
    company_threshold: float = 0.5
    contact_url: str = "https://github.com/"
    user_agent: str = "jiyeok-ai-news/0.1"
    excerpt_chars: int = 160

    @property
    def base_path(self) -> str:
        """The URL path the site lives under, always ending in '/': '/', '/news/'."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    def absolute(self, path: str) -> str:
        """Absolute URL of a site path ('/regions/jeju/')."""
        root = self.base_url if self.base_url.endswith("/") else self.base_url + "/"
        return root + path.lstrip("/")

    def with_base_url(self, base_url: str) -> SiteConfig:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["base_url"] = base_url
        return SiteConfig(**values)


def load_site_config(path: Path | str) -> SiteConfig:
    """Read site.toml's [site] table; unknown keys are an error that names them."""
    path = Path(path)
    if not path.exists():
        return SiteConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")).get("site", {})
    except tomllib.TOMLDecodeError as exc:
        raise SiteConfigError(f"{path}: {exc}") from exc
    known = {f.name: f.type for f in fields(SiteConfig)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise SiteConfigError(f"{path}: unknown key(s) in [site]: {', '.join(unknown)}")
    defaults = SiteConfig()
    for key, value in data.items():
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(value, int):
            data[key] = float(value)
        elif not isinstance(value, expected):
            raise SiteConfigError(
                f"{path}: [site] {key} should be a {expected.__name__}, got {value!r}"
            )
    return SiteConfig(**data)
