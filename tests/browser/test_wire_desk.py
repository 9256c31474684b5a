"""The whole wire desk in headless Chromium: a reporter writes a flash and files it; the
editor gets the notice in the admin and an e-mail (through a real SMTP server), takes it, adds
a link and publishes; a reader sees "Breaking", the running story's other stories and the link;
the label is gone once its time has passed (a pinned clock)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from articles.desk.models import NoticePreference
from articles.models import Article
from tests import helpers
from tests.factories import ArticleFactory
from tests.helpers import member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def logged_in(browser, live_server, user):
    return helpers.logged_in(browser, live_server, user, width=1280, timeout_ms=15_000)


def test_a_flash_from_the_reporter_to_the_reader(browser, live_server, smtp_server, artefacts_dir):
    reporter = member_of("Reporters", "asha")
    editor = member_of("Editors", "ravi")
    NoticePreference.objects.create(user=editor, by_email=True)
    ArticleFactory(
        headline="Tremor felt along the coast",
        status="published",
        published_at=timezone.now() - timedelta(hours=2),
        slugline="coast-quake",
    )
    admin = f"{live_server.url}/admin/articles/article/"

    # The reporter writes a flash and files it with a note.
    context, page = logged_in(browser, live_server, reporter)
    page.goto(admin + "add/")
    page.fill("#id_headline", "Quake hits the coast")
    page.fill("#id_body", "A strong earthquake struck the coast on Friday.")
    page.fill("#id_urgency", "1")
    page.fill("#id_slugline", "coast-quake")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist")).to_contain_text("added successfully")
    page.click("text=File to the desk")
    page.fill("#id_reason", "Confirmed by the coastguard.")
    page.click("input[value='File this story to the desk']")
    expect(page.locator(".field-status_summary")).to_contain_text("Filed to the desk")
    story = Article.objects.get(headline="Quake hits the coast")
    assert (story.status, story.urgency, story.slugline) == ("filed", 1, "coast-quake")
    context.close()

    # The editor is told in the admin and by e-mail.
    assert smtp_server.received().subjects == ["[Newsroom] Filed to the desk: Quake hits the coast"]
    assert smtp_server.received().messages[0]["to"] == ["ravi@newsroom.test"]
    context, page = logged_in(browser, live_server, editor)
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#notice-count")).to_have_attribute("aria-label", "Notices: 1 unread")
    page.click("#notice-count")
    expect(page.locator("#result_list")).to_contain_text("Confirmed by the coastguard.")
    page.screenshot(path=f"{artefacts_dir}/wire-desk-notices.png", full_page=True)

    # ...takes it from the desk queue, adds a link and publishes.
    page.goto(admin + "desk/")
    expect(page.locator("#desk-queue")).to_contain_text("FLASH")
    expect(page.locator("#desk-queue")).to_contain_text("asha")
    page.screenshot(path=f"{artefacts_dir}/wire-desk-queue.png", full_page=True)
    page.click("#desk-queue button:has-text('Take')")
    expect(page.locator(".field-status_summary")).to_contain_text("handled by ravi")
    page.fill(
        "#id_body",
        "A strong earthquake struck the coast on Friday, "
        "[the geological survey said](https://survey.example.org/quake).",
    )
    page.click("input[name=_publish]")
    expect(page.locator(".messagelist")).to_contain_text("Readers can see it now")
    context.close()

    # A reader sees "Breaking", the link and the running story.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    story.refresh_from_db()
    page.goto(live_server.url + story.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Breaking: Quake hits the coast")
    expect(page.locator("h1 .label-breaking")).to_be_visible()
    link = page.get_by_role("link", name="the geological survey said")
    expect(link).to_have_attribute("href", "https://survey.example.org/quake")
    running = page.locator(".running-story")
    expect(running).to_contain_text("Tremor felt along the coast")
    page.screenshot(path=f"{artefacts_dir}/wire-desk-breaking.png", full_page=True)
    page.goto(live_server.url + "/")
    expect(page.locator(".label-breaking")).to_have_count(1)  # before the story's summary

    # Six hours after publication the label is gone from the page and the list.
    with time_machine.travel(story.published_at + timedelta(hours=6, seconds=1), tick=True):
        page.goto(live_server.url + story.get_absolute_url())
        expect(page.locator("h1")).to_have_text("Quake hits the coast")
        page.goto(live_server.url + "/")
        expect(page.get_by_role("link", name="Quake hits the coast", exact=True)).to_be_visible()
    context.close()
