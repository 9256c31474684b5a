"""The wire queue and "Use this story" in headless Chromium, as an editor on the desk uses them.
Screenshots go to test-artefacts/."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, Dateline
from articles.wires.ingest import ingest_paths
from tests import helpers
from tests.helpers import member_of
from tests.wires.helpers import LIFECYCLE, SAMPLES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logged_in(browser, live_server, user):
    return helpers.logged_in(browser, live_server, user, width=1366, timeout_ms=10_000)


def test_the_queue_and_use_this_story(browser, live_server, artefacts_dir):
    editor = member_of("Editors", "desk-editor")
    Dateline.objects.create(country="India", city="Kochi")
    list(ingest_paths([str(SAMPLES / "ninjs"), *map(str, sorted(LIFECYCLE.glob("*.json"))[:2])]))
    context, page = logged_in(browser, live_server, editor)

    page.goto(f"{live_server.url}/admin/wires/wireitem/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(5)  # four agency text items and the strike story
    expect(rows.first).to_contain_text("Kochi dock workers strike over unpaid overtime")
    expect(rows.first).to_contain_text("port-strike")
    page.fill("#searchbar", "Kochi")
    page.press("#searchbar", "Enter")
    expect(rows).to_have_count(1)
    page.screenshot(path=f"{artefacts_dir}/wire-queue.png", full_page=True)

    page.click("#result_list tbody tr a")
    expect(page.locator("#wire-body p").first).to_contain_text("Dock workers at the Kochi port")
    expect(page.locator(".wire-diff")).to_contain_text(
        "+The port authority said talks would resume on Wednesday"
    )
    page.screenshot(path=f"{artefacts_dir}/wire-item.png", full_page=True)

    page.click("#use-this-story")
    expect(page.locator("#wire-provenance")).to_contain_text("Example Wire")
    expect(page.locator("#wire-provenance")).to_contain_text("version 2")
    expect(page.locator("#id_headline")).to_have_value(
        "Kochi dock workers strike over unpaid overtime"
    )
    expect(page.locator("#id_slugline")).to_have_value("port-strike")
    page.screenshot(path=f"{artefacts_dir}/wire-story-draft.png", full_page=True)
    story = Article.objects.get()
    assert (story.status, story.dateline.city, story.byline) == (
        "draft", "Kochi", "Staff correspondent"
    )  # fmt: skip
    context.close()
