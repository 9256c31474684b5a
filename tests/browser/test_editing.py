"""An editor's day in headless Chromium: write, publish, read, update, read again."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from tests.articles.roles import member_of
from tests.factories import DatelineFactory, TagFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, field_id, typed, option):
    """Pick a value in one of the admin's autocomplete (select2) boxes."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).click()


def test_an_editor_writes_publishes_and_updates_a_story(page, live_server, artefacts_dir):
    editor = member_of("Editors", "desk-editor")
    editor.set_password("correct horse battery staple")
    editor.save()
    DatelineFactory(country="India", region="Maharashtra", city="Mumbai")
    TagFactory(name="Monsoon")
    TagFactory(name="Transport")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("desk-editor")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Suburban trains halted as rain floods tracks")
    page.get_by_label("Headline").press("Tab")  # the slug follows the headline on change
    expect(page.get_by_label("Slug")).to_have_value("suburban-trains-halted-as-rain-floods-tracks")
    page.get_by_label("Deck").fill("Commuters stranded across the city")
    page.get_by_label("Body").fill(
        "Local train services were suspended on Tuesday.\n\nOfficials said water had risen."
    )
    choose(page, "id_dateline", "mum", "MUMBAI, Maharashtra")
    choose(page, "id_tags", "mon", "Monsoon")
    choose(page, "id_tags", "trans", "Transport")
    page.screenshot(path=f"{artefacts_dir}/admin-new-story.png", full_page=True)
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messagelist")).to_contain_text("is published")

    article = Article.objects.get()
    assert article.is_published
    assert set(article.tags.values_list("name", flat=True)) == {"Monsoon", "Transport"}
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Suburban trains halted as rain floods tracks"
    )
    expect(page.locator("main")).to_contain_text("Published")
    expect(page.locator("main time").first).to_contain_text(re.compile(r"IST$"))
    expect(page.locator("main")).not_to_contain_text("Updated")

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.get_by_label("Body").fill(
        "Local train services were suspended on Tuesday.\n\n"
        "Services resumed on two lines by evening, the railway said."
    )
    page.get_by_role("radio", name=re.compile("Update: substantive news")).check()
    page.get_by_label("Note for readers").fill("Adds that services resumed on two lines.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(live_server.url + article.get_absolute_url())
    main = page.locator("main")
    expect(main).to_contain_text("Updated")
    expect(main).to_contain_text("Adds that services resumed on two lines.")
    expect(main).to_contain_text("Services resumed on two lines by evening")
    page.screenshot(path=f"{artefacts_dir}/story-after-update.png", full_page=True)

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/versions/")
    expect(page.locator("#versions")).to_contain_text("Adds that services resumed on two lines.")
    expect(page.locator(".newsroom-diff ins")).to_contain_text("Services resumed on two lines")
    page.screenshot(path=f"{artefacts_dir}/admin-versions.png", full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors
