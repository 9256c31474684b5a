"""The editor's desk in headless Chromium: presence, the leave warning, the autosave offer,
the preview of unsaved text, and the admin at a phone's width. Screenshots go to artefacts."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from articles.editorial import actions
from articles.models import Article, Autosave
from tests.factories import ArticleFactory, UpdateFactory
from tests.helpers import member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def _quick_heartbeat(monkeypatch):
    """A heartbeat a second, so that a test does not wait a real editor's interval."""
    monkeypatch.setattr("articles.admin.presence.HEARTBEAT_SECONDS", 1)


def open_as(browser, live_server, user, viewport=None):
    """A browser of the editor's own, logged in (the login form has its own tests)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.csp_errors = errors
    return context, page


def change_url(live_server, article):
    return f"{live_server.url}/admin/articles/article/{article.pk}/change/"


def no_csp_errors(page):
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors


def test_editors_see_each_other_and_a_save_made_meanwhile(browser, live_server, artefacts_dir):
    asha, ravi = member_of("Editors", "asha"), member_of("Editors", "ravi")
    article = Article(headline="Cyclone nears the coast", body="Winds are rising.")
    actions.save_article(article, by=asha)
    asha_context, asha_page = open_as(browser, live_server, asha)
    ravi_context, ravi_page = open_as(browser, live_server, ravi)
    asha_page.goto(change_url(live_server, article))
    ravi_page.goto(change_url(live_server, article))

    expect(asha_page.locator("#desk-others")).to_have_text("Also editing this story now: ravi.")
    expect(asha_page.locator("a.historylink")).to_be_hidden()  # its Versions page is linked
    expect(ravi_page.locator("#desk-others")).to_have_text("Also editing this story now: asha.")

    ravi_page.get_by_label("Body").fill("Winds are rising; 10,000 people moved inland.")
    ravi_page.get_by_role("button", name="Save draft and keep editing").click()
    expect(ravi_page.locator(".messagelist")).to_contain_text("was changed successfully")

    saved = asha_page.locator("#desk-saved")
    expect(saved).to_be_visible()
    expect(saved).to_contain_text(re.compile(r"ravi saved this story \(version 2\) at .* IST"))
    asha_page.screenshot(path=f"{artefacts_dir}/desk-presence.png", full_page=True)
    asha_page.once("dialog", lambda dialog: dialog.accept())
    asha_page.get_by_role("link", name="See what changed").click()
    expect(asha_page.locator(".newsroom-diff ins")).to_contain_text("10,000 people moved inland")
    no_csp_errors(asha_page)

    ravi_context.close()  # a closed tab leaves at once
    asha_page.goto(change_url(live_server, article))
    expect(asha_page.locator("#desk-others")).to_be_hidden()
    asha_context.close()


def test_leaving_with_unsaved_changes_asks_first(browser, live_server, artefacts_dir):
    editor = member_of("Editors", "asha")
    article = ArticleFactory(headline="Budget day")
    context, page = open_as(browser, live_server, editor)
    page.goto(change_url(live_server, article))
    page.wait_for_load_state("load")

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_label("Deck").fill("What changes for taxpayers")
    page.get_by_role("link", name="Versions").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    expect(page).to_have_url(change_url(live_server, article))
    expect(page.get_by_label("Deck")).to_have_value("What changes for taxpayers")

    # Saving is not leaving: no question.
    page.get_by_role("button", name="Save draft", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert dialogs == ["beforeunload"]
    # An untouched form does not ask either.
    page.goto(change_url(live_server, article))
    page.wait_for_load_state("load")
    page.get_by_role("link", name="Versions").click()
    expect(page).to_have_url(re.compile("/versions/$"))
    assert dialogs == ["beforeunload"]
    no_csp_errors(page)
    context.close()


def test_a_closed_tab_loses_nothing_the_autosave_is_offered_back(
    browser, live_server, artefacts_dir
):
    editor = member_of("Editors", "asha")
    article = ArticleFactory(headline="Court rules on the dam", body="The court ruled.")
    context, page = open_as(browser, live_server, editor)
    page.goto(change_url(live_server, article))
    page.wait_for_load_state("load")
    page.get_by_label("Body").fill("The court ruled.\n\nThe state will appeal, its lawyer said.")
    expect(page.locator("#desk-autosave-status")).to_contain_text(
        "Unsaved changes kept for you", timeout=15_000
    )
    page.close()  # the tab is gone without saving

    page = context.new_page()
    page.goto(change_url(live_server, article))
    offer = page.locator("#desk-autosave-offer")
    expect(offer).to_contain_text("You have unsaved changes to this story from")
    page.screenshot(path=f"{artefacts_dir}/desk-autosave-offer.png", full_page=True)
    expect(page.get_by_label("Body")).to_have_value("The court ruled.")
    page.get_by_role("button", name="Restore my changes").click()
    expect(offer).to_be_hidden()
    expect(page.get_by_label("Body")).to_have_value(
        "The court ruled.\n\nThe state will appeal, its lawyer said."
    )
    page.get_by_role("button", name="Save draft", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.paragraphs == ["The court ruled.", "The state will appeal, its lawyer said."]
    assert not Autosave.objects.exists()
    context.close()


def test_preview_shows_the_unsaved_text_as_readers_will(browser, live_server, artefacts_dir):
    editor = member_of("Editors", "asha")
    article = ArticleFactory(published=True, headline="Metro line opens")
    context, page = open_as(browser, live_server, editor)
    page.goto(change_url(live_server, article))
    expect(page.get_by_role("radio", name=re.compile("^Silent fix"))).to_be_visible()
    page.locator(".field-save_kind").screenshot(path=f"{artefacts_dir}/desk-kind-of-change.png")
    page.get_by_label("Headline").fill("Metro line opens to crowds")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="Preview unsaved changes").click()
    preview = popup.value
    expect(preview.locator(".preview-banner")).to_contain_text("Preview: not public.")
    expect(preview.get_by_role("heading", level=1)).to_have_text("Metro line opens to crowds")
    preview.screenshot(path=f"{artefacts_dir}/desk-preview-unsaved.png", full_page=True)
    no_csp_errors(page)

    # The form is still the editor's, unsaved; leaving it would still ask.
    expect(page.get_by_label("Headline")).to_have_value("Metro line opens to crowds")
    article.refresh_from_db()
    assert article.headline == "Metro line opens"

    page.once("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#newsroom-dashboard")).to_contain_text("Metro line opens")
    page.screenshot(path=f"{artefacts_dir}/desk-dashboard.png", full_page=True)
    context.close()


def test_the_admin_at_a_phones_width(browser, live_server, artefacts_dir):
    editor = member_of("Editors", "asha")
    article = ArticleFactory(published=True, headline="Heatwave grips the north")
    for n in range(3):
        article.body = f"Temperatures passed 45 degrees in {n + 2} cities."
        actions.save_article(article, by=editor, kind="update", note=f"Update {n + 1}.")
    UpdateFactory.create_batch(8, article=article)
    context, page = open_as(browser, live_server, editor, viewport=PHONE)

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/versions/")
    restore = page.get_by_role("link", name="Restore this version").first
    restore.scroll_into_view_if_needed()
    box = restore.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path=f"{artefacts_dir}/desk-phone-versions.png", full_page=True)

    page.goto(change_url(live_server, article))
    # A live story's first button reviews the change; the buttons come before the update log.
    save = page.get_by_role("button", name="Review changes", exact=True)
    log = page.locator(".inline-group")
    assert save.bounding_box()["y"] < log.bounding_box()["y"]
    page.screenshot(path=f"{artefacts_dir}/desk-phone-change-form.png", full_page=True)

    page.goto(f"{live_server.url}/admin/articles/article/")
    expect(page.get_by_role("link", name="Heatwave grips the north")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    page.screenshot(path=f"{artefacts_dir}/desk-phone-story-list.png", full_page=True)

    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("#newsroom-dashboard")).to_contain_text("Recently published")
    page.screenshot(path=f"{artefacts_dir}/desk-phone-dashboard.png", full_page=True)
    no_csp_errors(page)
    context.close()
