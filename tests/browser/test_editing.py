"""An editor's day in headless Chromium: write, publish, read, update, read again."""

import re

import pytest
from playwright.sync_api import expect

from articles.editorial import services
from articles.models import Article
from tests.factories import DatelineFactory, TagFactory
from tests.helpers import member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, field_id, typed, option):
    """Pick a value in one of the admin's autocomplete (select2) boxes."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).click()


def reader_opens(browser, url):
    """A reader's own browser: not logged in, with an empty HTTP cache."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(url)
    return context, page


def test_an_editor_writes_publishes_and_updates_a_story(browser, page, live_server, artefacts_dir):
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
    story_url = live_server.url + article.get_absolute_url()
    context, reader = reader_opens(browser, story_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Suburban trains halted as rain floods tracks"
    )
    expect(reader.locator("main")).to_contain_text("Published")
    expect(reader.locator("main time").first).to_contain_text(re.compile(r"IST$"))
    expect(reader.locator("main")).not_to_contain_text("Updated")
    context.close()

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    page.get_by_label("Body").fill(
        "Local train services were suspended on Tuesday.\n\n"
        "Services resumed on two lines by evening, the railway said."
    )
    page.get_by_role("radio", name=re.compile("Update: substantive news")).check()
    page.get_by_label("Note for readers").fill("Adds that services resumed on two lines.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    context, reader = reader_opens(browser, story_url)
    main = reader.locator("main")
    expect(main).to_contain_text("Updated")
    expect(main).to_contain_text("Adds that services resumed on two lines.")
    expect(main).to_contain_text("Services resumed on two lines by evening")
    reader.screenshot(path=f"{artefacts_dir}/story-after-update.png", full_page=True)
    context.close()

    page.goto(f"{live_server.url}/admin/articles/article/")
    expect(page.locator("#result_list")).to_contain_text("Monsoon, Transport")
    page.screenshot(path=f"{artefacts_dir}/admin-story-list.png", full_page=True)

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/versions/")
    expect(page.locator("#versions")).to_contain_text("Adds that services resumed on two lines.")
    expect(page.locator(".newsroom-diff ins")).to_contain_text("Services resumed on two lines")
    page.screenshot(path=f"{artefacts_dir}/admin-versions.png", full_page=True)
    assert not [e for e in errors if "Content Security Policy" in e], errors


def log_in(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return context, page


def test_two_editors_on_one_story_lose_nothing(browser, live_server, artefacts_dir):
    for username in ("first-editor", "second-editor"):
        user = member_of("Editors", username)
        user.set_password("correct horse battery staple")
        user.save()
    article = Article(headline="Ferry capsizes off the coast", body="A ferry capsized.")
    services.save_article(article, by=user)
    url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    first_context, first = log_in(browser, live_server, "first-editor")
    second_context, second = log_in(browser, live_server, "second-editor")
    first.goto(url)
    second.goto(url)

    first.get_by_label("Body").fill("A ferry capsized; 40 people were rescued.")
    first.get_by_role("button", name="Save", exact=True).click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.get_by_label("Headline").fill("Ferry capsizes; coast guard searches")
    second.get_by_role("button", name="Save", exact=True).click()

    expect(second.locator(".errornote")).to_be_visible()
    expect(second.locator(".errorlist")).to_contain_text("Someone else saved this story")
    expect(second.get_by_label("Headline")).to_have_value("Ferry capsizes; coast guard searches")
    expect(second.locator(".newsroom-conflict dd ins")).to_contain_text("40 people were rescued")
    second.screenshot(path=f"{artefacts_dir}/admin-conflict.png", full_page=True)
    assert Article.objects.get().headline == "Ferry capsizes off the coast"

    # Having read the change, the second editor saves deliberately; both edits survive
    # when they merge the first editor's sentence into their copy.
    second.get_by_label("Body").fill("A ferry capsized; 40 people were rescued.")
    second.get_by_role("button", name="Save", exact=True).click()
    expect(second.locator(".messagelist")).to_contain_text("was changed successfully")
    stored = Article.objects.get()
    assert (stored.headline, stored.body) == (
        "Ferry capsizes; coast guard searches",
        "A ferry capsized; 40 people were rescued.",
    )
    first_context.close()
    second_context.close()
