"""The wire queue and "Use this story" in headless Chromium, as an editor on the desk uses them.
Screenshots go to test-artefacts/."""

import pytest
from playwright.sync_api import expect

from articles.models import Article, Dateline, Picture
from articles.wires.ingest import ingest_documents, ingest_paths
from articles.wires.models import WireSource
from articles.wires.reading import read_wire_file
from tests import helpers
from tests.helpers import PHONE, member_of
from tests.pictures import images
from tests.wires.helpers import AGENCY, LIFECYCLE, SAMPLES, agency_files, jpeg, tt_item

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
    expect(rows).to_have_count(6)  # four agency text items, AP's picture, the strike story
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


def test_an_agency_picture_becomes_the_lead_picture_with_its_credit(
    browser, live_server, media, artefacts_dir
):
    editor = member_of("Editors", "picture-desk")
    feed = WireSource.objects.create(name="TT", kind="url", location=f"{AGENCY}/feed.json")
    data = tt_item()
    list(ingest_documents([("tt.json", read_wire_file("tt.json", data))], source=feed))
    context, page = logged_in(browser, live_server, editor)

    with agency_files() as agency:
        agency.routes = jpeg(hires=images.agency_jpeg(2400, 1600))
        page.goto(f"{live_server.url}/admin/wires/wireitem/")
        page.get_by_role("link", name="Militärövning i jätteformat hålls 2023").click()
        pictures = page.locator("#wire-pictures")
        expect(pictures).to_contain_text("Karl Melander/TT")
        expect(pictures).to_contain_text("En stor internationell försvarsövning")
        page.screenshot(path=f"{artefacts_dir}/wire-item-picture.png", full_page=True)

        page.click("#use-this-story")
        expect(page.locator(".messagelist")).to_contain_text("A draft was made")
    picture = Picture.objects.get()
    expect(page.locator("#id_lead_picture")).to_have_value(str(picture.pk))
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist")).to_contain_text("is published")
    page.screenshot(path=f"{artefacts_dir}/wire-story-with-picture.png", full_page=True)
    context.close()

    story = Article.objects.get()
    reader = browser.new_context(viewport=PHONE).new_page()
    reader.goto(live_server.url + story.get_absolute_url())
    figure = reader.locator(".story-picture")
    expect(figure.locator("img")).to_have_attribute("alt", picture.alt_text)
    expect(figure.locator("figcaption")).to_contain_text("Karl Melander/TT")
    assert figure.locator("img").evaluate("img => img.decode().then(() => img.naturalWidth)")
    reader.screenshot(path=f"{artefacts_dir}/wire-story-picture-phone.png", full_page=True)
    reader.context.close()
