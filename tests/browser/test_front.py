"""The news front as a reader meets it, on a phone and on a laptop, with the demo newsroom."""

import io

import pytest
from django.core.management import call_command

from tests.helpers import DESKTOP, PHONE, ensure_groups

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_newsroom(settings):
    ensure_groups()
    settings.DEBUG = True
    call_command("demo_newsroom", stdout=io.StringIO())
    settings.DEBUG = False


def test_a_phone_shows_at_least_four_headlines_on_its_first_screen(
    browser, live_server, artefacts_dir, demo_newsroom
):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(live_server.url)
        page.screenshot(path=f"{artefacts_dir}/front-390px.png")
        page.screenshot(path=f"{artefacts_dir}/front-390px-full.png", full_page=True)
        boxes = [h.bounding_box() for h in page.locator(".front-headline, .summary-headline").all()]
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
    finally:
        context.close()

    on_first_screen = [box for box in boxes if box["y"] + box["height"] <= PHONE["height"]]
    assert len(on_first_screen) >= 4
    assert scroll_width <= PHONE["width"]


def test_a_laptop_shows_the_lead_beside_the_top_stories_and_the_sections(
    browser, live_server, artefacts_dir, demo_newsroom
):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(live_server.url)
        page.screenshot(path=f"{artefacts_dir}/front-1366px.png", full_page=True)
        lead = page.locator(".front-story-lead").bounding_box()
        top = page.locator(".front-top-stories").bounding_box()
        sections = page.locator(".front-section-heading a").all_inner_texts()
        latest = page.locator(".front-latest .summary-headline").count()
        page.locator(".front-section-heading a").first.click()
        page.wait_for_load_state()
        section_page = page.locator(".summary-headline").count()
    finally:
        context.close()

    assert top["x"] >= lead["x"] + lead["width"]
    assert abs(top["y"] - lead["y"]) < 40
    assert latest == 15
    assert len(sections) >= 4  # by tag and by place
    assert section_page >= 2
