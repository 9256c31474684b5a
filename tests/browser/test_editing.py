"""An editor's day in headless Chromium: write, publish, read, update, read again."""

import re

import pytest
from playwright.sync_api import expect

from articles.editorial import actions
from articles.models import Article
from tests.factories import ArticleFactory, DatelineFactory, TagFactory
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
    slug = page.locator("#id_slug")  # "Slug" alone would also find "Slugline"
    expect(slug).to_have_value("suburban-trains-halted-as-rain-floods-tracks")
    page.get_by_label("Deck").fill("Commuters stranded across the city")
    page.get_by_label("Body").fill(
        "Local train services were suspended on Tuesday.\n\nOfficials said water had risen."
    )
    choose(page, "id_dateline", "mum", "MUMBAI, Maharashtra")
    choose(page, "id_tags", "mon", "Monsoon")
    choose(page, "id_tags", "trans", "Transport")
    page.screenshot(path=f"{artefacts_dir}/admin-new-story.png", full_page=True)
    page.get_by_role("button", name="Publish now").click()
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
    page.get_by_role("button", name="Publish this change").click()
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


def editors(*usernames):
    for username in usernames:
        user = member_of("Editors", username)
        user.set_password("correct horse battery staple")
        user.save()
    return user


BODY = "Officials said 800,000 people were moved.\n\nRain is forecast until Friday."


def test_two_editors_on_one_story_lose_nothing(browser, live_server, artefacts_dir):
    """The issue's scenarios 2 and 3: A corrects a figure, adds a paragraph, changes the byline
    and removes a tag; B, who opened the story earlier, adds a paragraph and saves."""
    user = editors("first-editor", "second-editor")
    floods, monsoon = TagFactory(name="Floods"), TagFactory(name="Monsoon")
    article = Article(headline="Floods force evacuations", byline="By Staff", body=BODY)
    actions.save_article(article, by=user, tags=[floods, monsoon])
    url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    first_context, first = log_in(browser, live_server, "first-editor")
    second_context, second = log_in(browser, live_server, "second-editor")
    first.goto(url)
    second.goto(url)

    first.get_by_label("Body").fill(BODY.replace("800,000", "80,000") + "\n\nSchools are shut.")
    first.get_by_label("Byline").fill("By A. Reporter")
    first.locator("#id_tags + .select2 .select2-selection__choice", has_text="Monsoon").locator(
        ".select2-selection__choice__remove"
    ).click()
    first.keyboard.press("Escape")  # the tag list opened by the removal closes, as a person does
    first.get_by_role("button", name="Save draft", exact=True).click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")

    second.get_by_label("Body").fill(BODY + "\n\nThe army has been called in.")
    second.get_by_role("button", name="Save draft", exact=True).click()

    # The merge is shown before it is saved: framed as what it is, not as an error.
    notice = second.locator("#editorial-notice")
    expect(notice).to_contain_text("merged below without a conflict")
    expect(second.locator(".errornote")).to_have_count(0)
    expect(second.locator("#merged-result")).to_contain_text("The army has been called in.")
    expect(second.get_by_label("Byline")).to_have_value("By A. Reporter")
    assert Article.objects.get().version == 2
    second.screenshot(path=f"{artefacts_dir}/admin-merge-review.png", full_page=True)
    second.get_by_role("button", name="Save draft", exact=True).click()

    expect(second.locator(".messagelist")).to_contain_text("was changed successfully")
    stored = Article.objects.get()
    assert stored.body == (
        "Officials said 80,000 people were moved.\n\nRain is forecast until Friday.\n\n"
        "Schools are shut.\n\nThe army has been called in."
    )
    assert stored.byline == "By A. Reporter"
    assert list(stored.tags.values_list("name", flat=True)) == ["Floods"]
    second.screenshot(path=f"{artefacts_dir}/admin-merged.png", full_page=True)
    first_context.close()
    second_context.close()


def test_a_conflict_is_decided_side_by_side(browser, live_server, artefacts_dir):
    user = editors("first-editor", "second-editor")
    article = Article(headline="Floods force evacuations", body=BODY)
    actions.save_article(article, by=user)
    url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    first_context, first = log_in(browser, live_server, "first-editor")
    second_context, second = log_in(browser, live_server, "second-editor")
    first.goto(url)
    second.goto(url)

    first.get_by_label("Body").fill(BODY.replace("800,000", "80,000"))
    first.get_by_role("button", name="Save draft", exact=True).click()
    expect(first.locator(".messagelist")).to_contain_text("was changed successfully")
    second.get_by_label("Headline").fill("Floods force 800,000 to flee")
    second.get_by_label("Body").fill(BODY.replace("were moved", "fled"))
    second.get_by_role("button", name="Save draft", exact=True).click()

    expect(second.locator("#editorial-notice")).to_contain_text("Someone else saved this story")
    conflict = second.locator(".newsroom-merge")
    expect(conflict).to_contain_text("Officials said 800,000 people fled.")
    expect(conflict).to_contain_text("Officials said 80,000 people were moved.")
    expect(second.get_by_label("Headline")).to_have_value("Floods force 800,000 to flee")
    second.screenshot(path=f"{artefacts_dir}/admin-conflict.png", full_page=True)

    # Saving without a decision saves nothing.
    second.get_by_role("button", name="Save draft", exact=True).click()
    expect(second.locator("#editorial-notice")).to_contain_text("Someone else saved this story")
    assert Article.objects.get().version == 2

    second.get_by_label("Write it myself").check()
    second.get_by_label("Your text for Body").fill("Officials said 80,000 people fled.")
    second.get_by_role("button", name="Save draft", exact=True).click()
    expect(second.locator(".messagelist")).to_contain_text("yours merged in")
    stored = Article.objects.get()
    assert (stored.headline, stored.body) == (
        "Floods force 800,000 to flee",
        "Officials said 80,000 people fled.\n\nRain is forecast until Friday.",
    )
    first_context.close()
    second_context.close()


INPUTS = ["#id_headline", "#id_slug", "#id_byline"]
SCHEDULING = ["#id_publish_at_0", "#id_publish_at_1"]


def press_enter_everywhere(page, url, *, inputs, after_submit, prepare=lambda page: None):
    """Enter in each field of the form at `url`: a new line in the text areas, a menu in the
    autocomplete boxes, the default button in the one-line fields (`after_submit` checks
    each of those submissions)."""
    for textarea in ("#id_deck", "#id_body"):
        page.goto(url)
        prepare(page)
        page.locator(textarea).press("End")
        page.locator(textarea).press("Enter")
        assert "\n" in page.locator(textarea).input_value()
    for box in ("#id_dateline", "#id_tags"):
        page.goto(url)
        prepare(page)
        page.locator(f"{box} + .select2 .select2-selection").press("Enter")
        expect(page.locator(".select2-search__field").last).to_be_focused()
        page.keyboard.press("Escape")
    for field in inputs:
        page.goto(url)
        prepare(page)
        with page.expect_navigation():
            page.locator(field).press("Enter")
        after_submit(page)


def test_enter_never_publishes(browser, live_server):
    """The issue's scenario 1: Enter in every field of the add form, a draft and a live
    story."""
    editors("desk-editor")
    context, page = log_in(browser, live_server, "desk-editor")
    admin = f"{live_server.url}/admin/articles/article"

    def saved_as_draft(page):
        expect(page.locator(".messagelist")).to_contain_text("successfully")
        assert not Article.objects.exclude(status="draft").exists()

    def half_written(page):
        page.locator("#id_headline").fill("Half-written")
        page.locator("#id_body").fill("Not ready.")

    press_enter_everywhere(
        page,
        f"{admin}/add/",
        inputs=INPUTS + SCHEDULING,
        after_submit=saved_as_draft,
        prepare=half_written,
    )
    assert Article.objects.drafts().count() == len(INPUTS + SCHEDULING)

    draft = ArticleFactory(headline="A draft")
    press_enter_everywhere(
        page, f"{admin}/{draft.pk}/change/", inputs=INPUTS + SCHEDULING, after_submit=saved_as_draft
    )
    assert Article.objects.get(pk=draft.pk).status == "draft"

    live = ArticleFactory(published=True, headline="A live story")

    def reviewed_only(page):
        expect(page.locator("#editorial-notice")).to_contain_text("Nothing is saved yet")
        assert Article.objects.get(pk=live.pk).version == 1

    press_enter_everywhere(
        page, f"{admin}/{live.pk}/change/", inputs=INPUTS, after_submit=reviewed_only
    )
    assert list(Article.objects.published()) == [live]
    context.close()


def test_restoring_from_before_a_correction_warns_and_needs_a_note(browser, live_server):
    user = editors("desk-editor")
    article = Article(headline="Floods force evacuations", body=BODY)
    actions.publish_article(article, by=user)
    article.body = BODY.replace("800,000", "80,000")
    actions.save_article(article, by=user, kind="correction", note="80,000, not 800,000.")
    context, page = log_in(browser, live_server, "desk-editor")

    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/versions/")
    page.locator('a[href$="?restore=2"]', has_text="Restore this version").click()
    notice = page.locator("#restore-notice")
    expect(notice).to_contain_text("Restoring it undoes public changes readers were told about")
    expect(notice).to_contain_text("80,000, not 800,000.")
    page.get_by_role("radio", name=re.compile("Silent fix")).check()
    page.get_by_role("button", name="Publish this change").click()
    expect(page.locator(".errorlist")).to_contain_text("Save it as an update or a correction")
    assert "80,000 people" in Article.objects.get().body

    page.get_by_role("radio", name=re.compile("Correction: fixes")).check()
    page.get_by_label("Note for readers").fill("The first figure was right after all.")
    page.get_by_role("button", name="Publish this change").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert "800,000 people" in Article.objects.get().body
    context.close()
