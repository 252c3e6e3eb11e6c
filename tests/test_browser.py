"""The demo site in a real browser: Debian's Chromium driven by Playwright, on loopback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: run scripts/setup.sh --test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site_url(demo_site):
    from sitegen.serve import start_server

    server = start_server(demo_site["public"])
    yield server.url
    server.stop()


def test_reader_goes_from_home_to_a_region_to_an_article_to_a_company(browser, site_url):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site_url)
    assert page.locator("html").get_attribute("lang") == "ko"
    page.screenshot(path=str(ARTIFACTS / "home-1280.png"), full_page=True)
    page.get_by_role("link", name="충청북도").first.click()
    assert "/regions/chungbuk/" in page.url
    assert page.locator("h1").inner_text().startswith("충청북도")
    page.locator(".article-item h3 a").first.click()
    assert "/articles/" in page.url
    assert page.get_by_role("link", name="원문 보기").count() == 1
    page.screenshot(path=str(ARTIFACTS / "article-1280.png"), full_page=True)
    company = page.locator("a.tag.company").first
    name = company.inner_text()
    company.click()
    assert "/companies/" in page.url and page.locator("h1").inner_text() == name
    assert all(url.startswith(site_url) for url in requests), "no third-party requests"
    page.close()


def test_home_is_readable_on_a_phone(browser, site_url):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(site_url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no horizontal scrolling at 390 px"
    page.screenshot(path=str(ARTIFACTS / "home-390.png"), full_page=True)
    page.close()
