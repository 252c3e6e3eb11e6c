"""The demo site in a real browser: Debian's Chromium driven by Playwright, on loopback.

A reader's journey (map → region → article → tag → company), search with Pagefind, axe-core on
every page type, the site without JavaScript, and screenshots of each page type at 1280 and
390 px (light) plus dark mode, saved under test-artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import launch_chromium

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site_url(demo_site):
    from sitegen.serve import start_server

    server = start_server(demo_site["public"])
    yield server.url
    server.stop()


def _one(public: Path, pattern: str) -> str:
    """The URL path of the first file matching a glob under public/ ('regions/*/index.html')."""
    found = sorted(public.glob(pattern))
    assert found, f"no page matches {pattern}"
    return "/" + found[0].relative_to(public).as_posix().removesuffix("index.html")


@pytest.fixture(scope="module")
def page_types(demo_site) -> dict[str, str]:
    """One URL path per page type of the demo site."""
    public = demo_site["public"]
    return {
        "home": "/",
        "regions": "/regions/",
        "region": "/regions/chungbuk/",
        "sigungu": "/regions/chungbuk-cheongju-si/",
        "groups": "/regions/groups/",
        "group": "/regions/groups/honam/",
        "companies": "/companies/",
        "company": "/companies/kakao/",
        "topics": "/topics/",
        "article": _one(public, "articles/*/*/*/index.html"),
        "archive": "/archive/",
        "month": _one(public, "archive/*/*/index.html"),
        "search": "/search/?q=카카오",
        "404": "/404.html",
    }


def _click_inside(page, locator) -> None:
    """Click a point inside an SVG shape (its bounding box's centre may lie in a neighbour)."""
    point = locator.evaluate(
        """path => {
            const box = path.getBBox(), svg = path.ownerSVGElement, p = svg.createSVGPoint();
            for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
                p.x = box.x + box.width * i / 40; p.y = box.y + box.height * j / 40;
                if (path.isPointInFill(p)) {
                    const s = p.matrixTransform(path.getScreenCTM());
                    const hit = document.elementFromPoint(s.x, s.y);
                    if (hit === path) return [s.x, s.y];
                }
            }
            return null;
        }"""
    )
    assert point, "no clickable point inside the shape"
    page.mouse.click(*point)


def test_reader_goes_from_the_map_to_a_region_to_an_article_to_a_company(browser, site_url):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(site_url)
    assert page.locator("html").get_attribute("lang") == "ko"
    region = page.locator("svg.province-map a[aria-label^='충청북도 ']")
    assert re.fullmatch(r"충청북도 \d+건", region.get_attribute("aria-label"))
    credit = page.locator(".map-credit")
    assert credit.is_visible() and "KOSTAT, 공공누리 제1유형" in credit.inner_text()
    _click_inside(page, region.locator("path"))
    page.wait_for_url("**/regions/chungbuk/")
    assert page.locator("h1").inner_text() == "충청북도"
    assert page.locator("svg.month-chart").count() == 1
    page.locator(".article-item .article-title a").first.click()
    assert "/articles/" in page.url
    assert page.get_by_role("link", name=re.compile("원문 보기")).count() == 1
    # The evidence sentence appears on keyboard focus, and is the tag link's description.
    company = page.locator("a.tag.company").first
    evidence = page.locator("#" + company.get_attribute("aria-describedby"))
    assert not evidence.is_visible()
    company.focus()
    assert evidence.is_visible() and evidence.inner_text().startswith("근거:")
    page.mouse.move(0, 0)
    name = company.inner_text()
    company.click()
    assert "/companies/" in page.url and page.locator("h1").inner_text() == name
    assert page.locator("dl.facts").count() == 1
    assert all(url.startswith(site_url) for url in requests), "no third-party requests"
    page.close()


def test_search_finds_kakao_and_filters_by_region(browser, site_url):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site_url)
    page.fill("#site-q", "카카오")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    results = page.locator(".pagefind-ui__result")
    results.first.wait_for(timeout=15_000)
    page.wait_for_timeout(300)
    before = results.count()
    assert before >= 2
    assert "카카오" in page.locator(".pagefind-ui__results").inner_text()
    page.screenshot(path=str(ARTIFACTS / "search-results-1280.png"), full_page=True)
    # Narrow to one region with Pagefind's filter panel (fed by the tags' data-pagefind-filter).
    panel = page.locator(".pagefind-ui__filter-panel")
    group = panel.locator("details:has(> summary:text-is('지역'))")
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    option = group.locator("label", has_text="제주특별자치도")
    option.click()
    page.wait_for_function(
        f"document.querySelectorAll('.pagefind-ui__result').length < {before}", timeout=10_000
    )
    after = results.count()
    assert 1 <= after < before
    first = results.first.locator("a").first.get_attribute("href")
    page.goto(site_url.rstrip("/") + first if first.startswith("/") else first)
    assert page.locator("a.tag.region", has_text="제주특별자치도").count() >= 1
    page.close()


def test_axe_finds_no_serious_violations_on_any_page_type(browser, site_url, page_types):
    assert AXE.exists(), "node_modules/axe-core is missing: run bash scripts/setup.sh"
    problems = {}
    for kind, path in page_types.items():
        # Colour contrast differs by scheme: dark mode is checked on the pages with most colours.
        schemes = (
            ("light", "dark") if kind in ("home", "region", "article", "search") else ("light",)
        )
        for scheme in schemes:
            page = browser.new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
            page.goto(site_url.rstrip("/") + path)
            if kind == "search":
                page.locator(".pagefind-ui__result").first.wait_for(timeout=15_000)
            page.add_script_tag(path=str(AXE))
            result = page.evaluate(
                """async () => await axe.run(document, {resultTypes: ["violations"],
                    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]}})"""
            )
            serious = [
                (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                for v in result["violations"]
                if v["impact"] in ("serious", "critical")
            ]
            if serious:
                problems[f"{kind} ({scheme})"] = serious
            page.close()
    assert not problems, problems


def test_each_page_type_fits_a_phone_and_is_saved_as_screenshots(browser, site_url, page_types):
    ARTIFACTS.mkdir(exist_ok=True)
    too_wide = {}
    for kind, path in page_types.items():
        for width in (1280, 390, 360):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(site_url.rstrip("/") + path)
            if kind == "search":
                page.locator(".pagefind-ui__result").first.wait_for(timeout=15_000)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide[f"{kind}@{width}"] = scroll
            if width != 360:
                page.screenshot(path=str(ARTIFACTS / f"{kind}-{width}.png"), full_page=True)
            page.close()
    assert not too_wide, f"horizontal scrolling: {too_wide}"


def test_dark_mode_changes_the_colours(browser, site_url, page_types):
    colours = {}
    for scheme in ("light", "dark"):
        page = browser.new_page(viewport={"width": 390, "height": 844}, color_scheme=scheme)
        page.goto(site_url)
        colours[scheme] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.screenshot(path=str(ARTIFACTS / f"home-390-{scheme}.png"))
        page.goto(site_url.rstrip("/") + page_types["article"])
        page.screenshot(path=str(ARTIFACTS / f"article-390-{scheme}.png"), full_page=True)
        page.close()
    assert colours["light"] != colours["dark"]


def test_the_site_works_without_javascript(browser, site_url):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(site_url)
    _click_inside(page, page.locator("svg.province-map a[aria-label^='제주특별자치도 '] path"))
    page.wait_for_url("**/regions/jeju/")
    page.locator(".article-item .article-title a").first.click()
    assert "/articles/" in page.url
    details = page.locator("details.evidence-all")
    if details.count():
        details.locator("summary").click()
        assert details.locator("dd").first.is_visible()
    page.goto(site_url + "search/")
    assert "자바스크립트가 필요합니다" in page.locator("main").inner_text()
    context.close()


def test_map_labels_fit_a_360_px_phone(browser, site_url):
    """On a phone the count labels are hidden and the names stay at a readable size."""
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto(site_url)
    sizes = page.evaluate(
        """() => {
            const name = document.querySelector('.map-label-name');
            const count = document.querySelector('.map-label-count');
            return [name.getBoundingClientRect().height, getComputedStyle(count).display];
        }"""
    )
    page.close()
    assert sizes[1] == "none"
    assert sizes[0] >= 9  # px on screen
