"""A reader's walk through the site in headless Chromium: home, story, tag, search, errors."""

import pytest

from tests.factories import ArticleFactory
from tests.helpers import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_goes_home_story_tag_search(page, live_server, artefacts_dir, newsroom):
    page.goto(live_server.url)
    page.screenshot(path=f"{artefacts_dir}/home-desktop.png", full_page=True)
    page.get_by_role("link", name=newsroom.headline).click()

    assert page.get_by_role("heading", level=1).inner_text() == newsroom.headline
    times = page.locator(".times")
    assert "Published" in times.inner_text()
    assert "May 25, 2016, 6:31 a.m. IST" in times.inner_text()
    assert "Updated" in times.inner_text()
    assert "May 25, 2016, 3:15 p.m. IST" in times.inner_text()
    assert (
        page.locator(".story-body p")
        .first.inner_text()
        .startswith("MUMBAI, Maharashtra — Heavy rain")
    )
    history = page.get_by_role("region", name="Updates and corrections")
    assert "It was the navy." in history.inner_text()
    assert history.locator(".history-correction .history-kind").inner_text() == "CORRECTION"
    assert history.locator("del").first.inner_text() == "army"
    assert history.locator("ins").first.inner_text() == "navy"
    page.screenshot(path=f"{artefacts_dir}/story-desktop.png", full_page=True)

    page.get_by_role("link", name="Monsoon", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Monsoon"
    assert page.get_by_role("link", name=newsroom.headline).is_visible()

    page.get_by_role("searchbox", name="Search stories").fill("strike")
    page.get_by_role("searchbox", name="Search stories").press("Enter")
    page.wait_for_url("**/search/?q=strike")
    results = page.locator(".summary-headline")
    assert results.all_inner_texts() == ["Port workers end strike after wage deal"]
    page.screenshot(path=f"{artefacts_dir}/search-desktop.png", full_page=True)


def test_story_reads_on_a_phone_without_sideways_scrolling(
    browser, live_server, artefacts_dir, newsroom
):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + newsroom.get_absolute_url())
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert page.get_by_role("heading", level=1).is_visible()
        page.screenshot(path=f"{artefacts_dir}/story-phone.png", full_page=True)
        page.goto(live_server.url)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=f"{artefacts_dir}/home-phone.png", full_page=True)
    finally:
        context.close()


def test_pages_work_without_javascript_and_break_no_csp_rule(
    browser, live_server, artefacts_dir, newsroom
):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: problems.append(message.text))
    try:
        page.goto(live_server.url + newsroom.get_absolute_url())
        assert page.get_by_role("heading", level=1).inner_text() == newsroom.headline
        assert page.get_by_role("main").is_visible()
        assert page.get_by_role("banner").is_visible()
        assert page.get_by_role("contentinfo").is_visible()
        page.goto(live_server.url + "/search/?q=floods")
        assert page.locator(".summary-headline").count() == 1
    finally:
        context.close()
    assert not [p for p in problems if "Content Security Policy" in p]


def test_keyboard_reader_can_skip_to_the_content(page, live_server, newsroom):
    page.goto(live_server.url)
    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_search_page_has_one_search_box_filled_with_the_words(page, live_server, newsroom):
    page.goto(live_server.url + "/search/?q=floods")

    assert page.get_by_role("search").count() == 1
    boxes = page.get_by_role("searchbox")
    assert boxes.count() == 1
    assert boxes.input_value() == "floods"
    page.goto(live_server.url + "/tags/monsoon/")
    assert page.get_by_role("searchbox", name="Search stories").input_value() == ""


@pytest.mark.parametrize("path", ["/", "/search/?q=floods"])
def test_filters_are_one_closed_line_above_the_stories_on_a_phone_and_beside_them_on_a_laptop(
    browser, live_server, newsroom, path
):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(live_server.url + path)
        filters = page.locator(".filters").bounding_box()
        first_story = page.locator(".summary, .front-story").first.bounding_box()
        assert filters["y"] + filters["height"] <= first_story["y"]
        assert filters["height"] < 60  # closed: its summary line only
        assert not page.get_by_label("Country").is_visible()
        page.get_by_text("Narrow the list").click()
        assert page.get_by_label("Country").is_visible()
        page.set_viewport_size(DESKTOP)
        filters = page.locator(".filters").bounding_box()
        first_story = page.locator(".summary, .front-story").first.bounding_box()
        assert filters["x"] >= first_story["x"] + first_story["width"]
        assert filters["y"] <= first_story["y"] + first_story["height"]
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/no-such-page/", 404, "Page not found"),
        ("/stories/999999/gone/", 404, "Page not found"),
        (None, 410, "This story has been withdrawn"),
    ],
)
def test_a_page_that_is_not_there_keeps_the_site_and_a_way_back(
    page, live_server, newsroom, path, status, heading
):
    if path is None:
        path = ArticleFactory(
            withdrawn=True, withdrawal_reason="Sources retracted."
        ).get_absolute_url()

    response = page.goto(live_server.url + path)

    assert response.status == status
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.get_by_role("banner").get_by_role("link", name="Newsroom").is_visible()
    page.get_by_role("main").get_by_role("link", name="Read the latest news").click()
    assert page.get_by_role("link", name=newsroom.headline).is_visible()


def test_story_page_links_its_ninjs_document(page, live_server, newsroom):
    page.goto(live_server.url + newsroom.get_absolute_url())
    link = page.locator('link[rel="alternate"][type="application/json"]')

    response = page.request.get(live_server.url + link.get_attribute("href"))

    assert response.ok
    assert response.json()["headlines"] == [{"role": "main", "value": newsroom.headline}]
