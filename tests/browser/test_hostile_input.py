"""Odd names and pasted control characters, as a reader and an editor meet them in Chromium."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from playwright.sync_api import expect

from articles.models import Dateline, Revision, Update
from tests.factories import ArticleFactory, RevisionFactory, TagFactory, UpdateFactory
from tests.helpers import member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reader_follows_addresses_of_names_with_no_letters(page, live_server, artefacts_dir):
    before = "Schools close for a week.\n\nParents were told on Monday."
    after = before.replace("a week", "a month")
    story = ArticleFactory(
        published=True,
        headline="Schools close as the storm nears",
        body=after,
        dateline=Dateline.objects.create(country="???", city="🇮🇳"),
        tags=[TagFactory(name="!!!")],
        published_at=datetime(2016, 5, 25, 1, 1, tzinfo=UTC),
        updated_at=datetime(2016, 5, 25, 9, 45, tzinfo=UTC),
    )
    correction = UpdateFactory(
        article=story, kind=Update.Kind.CORRECTION, note="It is a month, not a week."
    )
    RevisionFactory(article=story, number=1, body=before)
    RevisionFactory(
        article=story, number=2, kind=Revision.Kind.CORRECTION, body=after, update=correction
    )

    page.goto(live_server.url + story.get_absolute_url())
    history = page.get_by_role("region", name="Updates and corrections")
    # Read as text, the replaced word and its replacement are two words.
    assert "for a week. month." in history.inner_text()
    page.screenshot(path=f"{artefacts_dir}/story-slugless-names.png", full_page=True)

    page.get_by_role("link", name="🇮🇳").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("🇮🇳")
    expect(page.get_by_role("link", name=story.headline)).to_be_visible()

    page.goto(live_server.url + story.get_absolute_url())
    page.get_by_role("link", name="!!!", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("!!!")
    expect(page.get_by_role("link", name=story.headline)).to_be_visible()


def test_an_editor_is_told_which_pasted_control_character_to_remove(page, live_server, client):
    client.force_login(member_of("Editors", "desk-editor"))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Storm\x07 nears the coast")
    page.get_by_label("Body").fill("Fishermen were told to stay ashore.")
    page.locator("input[name=_save]").click()

    expect(page.locator(".errorlist")).to_contain_text(
        "Remove the invisible control characters (U+0007)"
    )
    expect(page.get_by_label("Body")).to_have_value("Fishermen were told to stay ashore.")
