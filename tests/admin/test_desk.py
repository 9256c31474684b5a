"""The story form at the desk: autosave, preview of unsaved text, and the small things."""

import re

import pytest

from articles.editorial import actions
from articles.models import Article, Autosave, Revision
from tests.admin.helpers import ADD, CHANGELIST, change_url, form_data
from tests.factories import ArticleFactory, DatelineFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db


def autosave_url(article):
    return f"/admin/articles/article/{article.pk}/autosave/"


def preview_url(article):
    return f"/admin/articles/article/{article.pk}/preview/"


# Autosave


def test_an_autosave_is_offered_back_to_its_editor_only(client, editor, second_editor):
    article = ArticleFactory(headline="Rain halts trains")
    client.force_login(editor)
    answer = client.post(
        autosave_url(article), form_data(article, body="Half a paragraph, then the crash")
    )
    assert answer.status_code == 200
    assert answer.json()["saved"].endswith("IST")

    offer = client.get(change_url(article))
    assert 'id="desk-autosave-offer"' in offer.text
    assert "Half a paragraph, then the crash" in offer.text  # in the offer's JSON, escaped
    assert "started from version 1" in offer.text
    client.force_login(second_editor)
    assert 'id="desk-autosave-offer"' not in client.get(change_url(article)).text


def test_an_autosave_is_never_a_version_and_never_public(client, editor):
    article = ArticleFactory(published=True, body="What readers read.")
    client.force_login(editor)
    client.post(autosave_url(article), form_data(article, body="Unchecked rumour"))

    article.refresh_from_db()
    assert article.body == "What readers read."
    assert article.version == 1
    assert not Revision.objects.exists()
    client.logout()
    assert "Unchecked rumour" not in client.get(article.get_absolute_url()).text


def test_saving_the_story_or_discarding_ends_the_offer(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    client.post(autosave_url(article), form_data(article, body="Kept while typing"))
    response = client.post(change_url(article), form_data(article, body="Kept while typing"))
    assert response.status_code == 302
    assert not Autosave.objects.exists()

    article.refresh_from_db()
    client.post(autosave_url(article), form_data(article, body="Another try"))
    client.post(autosave_url(article), {"discard": "1"})
    assert not Autosave.objects.exists()


def test_an_autosave_of_text_the_story_already_holds_is_not_offered(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    client.post(autosave_url(article), form_data(article))
    assert 'id="desk-autosave-offer"' not in client.get(change_url(article)).text
    assert not Autosave.objects.exists()


def test_an_autosave_from_an_older_version_says_so(client, editor, second_editor):
    article = ArticleFactory()
    client.force_login(editor)
    client.post(autosave_url(article), form_data(article, body="My edit"))
    article.headline = "Someone else's headline"
    actions.save_article(article, by=second_editor)

    offer = client.get(change_url(article)).text
    assert "started from version 1; the story is at version 2 now" in offer
    assert re.search(r'<span hidden id="desk-autosave-base">1</span>', offer)


def test_autosave_refuses_what_is_not_a_storys_text(client, editor, reporter):
    article = ArticleFactory()
    client.force_login(editor)
    assert client.post(autosave_url(article), {"body": "no version"}).status_code == 400
    too_long = form_data(article, headline="x" * 256)
    assert client.post(autosave_url(article), too_long).status_code == 400
    assert client.get(autosave_url(article)).status_code == 405
    published = ArticleFactory(published=True)
    client.force_login(reporter)  # may not edit a published story
    assert client.post(autosave_url(published), form_data(published)).status_code == 403
    assert not Autosave.objects.exists()


def test_a_new_story_not_saved_yet_is_autosaved_and_offered_back(client, reporter):
    client.force_login(reporter)
    typed = {"headline": "Bridge collapses", "body": "A bridge collapsed at dawn.", "slug": ""}
    assert client.post("/admin/articles/article/add/autosave/", typed).status_code == 200

    offer = client.get(ADD).text
    assert "(a new story, not saved yet)" in offer
    assert "A bridge collapsed at dawn." in offer

    data = form_data(Article(), **{**typed, "slug": "bridge-collapses"})
    assert client.post(ADD, data).status_code == 302
    assert not Autosave.objects.exists()
    assert 'id="desk-autosave-offer"' not in client.get(ADD).text


def test_staff_outside_the_newsroom_cannot_autosave(client):
    client.force_login(UserFactory(username="outsider", is_staff=True))
    response = client.post("/admin/articles/article/add/autosave/", {"body": "x"})
    assert response.status_code == 403
    assert not Autosave.objects.exists()


# Preview of the unsaved text


def test_preview_shows_the_forms_unsaved_text_on_the_public_template(client, editor):
    monsoon, roads = TagFactory(name="Monsoon"), TagFactory(name="Roads")
    article = ArticleFactory(headline="Draft headline", tags=[monsoon])
    kolkata = DatelineFactory(country="India", region="West Bengal", city="Kolkata")
    client.force_login(editor)

    data = form_data(
        article,
        headline="Sharper headline, unsaved",
        body="New first paragraph.\n\nNew second paragraph.",
        dateline=kolkata.pk,
        tags=[roads.pk],
    )
    response = client.post(preview_url(article), data)

    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    page = response.text
    assert "Preview: not public." in page
    assert "nothing has been saved" in page
    assert "<h1>Sharper headline, unsaved</h1>" in page
    assert "<p>New second paragraph.</p>" in page
    assert "KOLKATA, West Bengal" in page
    assert "Roads" in page
    assert "Monsoon" not in page
    assert "no-store" in response["Cache-Control"]
    article.refresh_from_db()
    assert article.headline == "Draft headline"
    assert article.version == 1
    assert list(article.tags.all()) == [monsoon]


def test_preview_of_an_update_to_a_live_story(client, editor):
    article = ArticleFactory(published=True, headline="Live headline")
    client.force_login(editor)
    data = form_data(article, body="The updated text.", save_kind="update", update_note="More.")
    page = client.post(preview_url(article), data).text
    assert "The updated text.</p>" in page
    client.logout()
    assert "The updated text." not in client.get(article.get_absolute_url()).text


def test_preview_keeps_the_stored_value_of_a_field_left_invalid_and_says_so(client, editor):
    article = ArticleFactory(headline="Stored headline")
    client.force_login(editor)
    page = client.post(preview_url(article), form_data(article, headline="", body="New")).text
    assert "<h1>Stored headline</h1>" in page
    assert "Headline: This field is required." in page
    assert "—</span> New</p>" in page


def test_preview_of_unsaved_text_is_for_those_who_may_change_the_story(client, reporter):
    article = ArticleFactory(published=True)
    client.force_login(reporter)
    data = form_data(article, headline="A reporter's rewrite")
    assert client.post(preview_url(article), data).status_code == 403
    assert client.get(preview_url(article)).status_code == 200
    client.force_login(UserFactory(username="visitor", is_staff=True))
    assert client.post(preview_url(article), data).status_code == 404


def test_preview_escapes_the_editors_text(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    page = client.post(preview_url(article), form_data(article, headline="<script>x</script>"))
    assert "<script>x</script>" not in page.text
    assert "&lt;script&gt;x&lt;/script&gt;" in page.text


# Small things


def test_view_on_site_of_a_draft_is_its_preview_and_of_a_live_story_its_page(client, editor):
    draft = ArticleFactory()
    live = ArticleFactory(published=True)
    client.force_login(editor)
    form = client.get(change_url(draft)).text
    assert f'href="/admin/articles/article/{draft.pk}/preview/" class="viewsitelink"' in form
    assert client.get(preview_url(draft)).status_code == 200

    form = client.get(change_url(live)).text
    link = re.search(r'href="([^"]+)" class="viewsitelink"', form).group(1)
    assert client.get(link)["Location"].endswith(live.get_absolute_url())


def test_publishing_links_to_the_live_story(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    response = client.post(
        change_url(article), {**form_data(article), "_publish": "1"}, follow=True
    )
    article.refresh_from_db()
    assert article.is_published
    url = f"http://testserver{article.get_absolute_url()}"
    assert f'Readers can see it now: <a href="{url}">{url}</a>' in response.text


def test_scheduling_does_not_claim_the_story_is_live(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    data = {
        **form_data(article),
        "_publish": "1",
        "publish_at_0": "2099-01-01",
        "publish_at_1": "10:00",
    }
    response = client.post(change_url(article), data, follow=True)
    assert "Readers can see it now" not in response.text


def test_djangos_history_page_leads_to_the_versions(client, editor):
    article = ArticleFactory()
    client.force_login(editor)
    response = client.get(f"/admin/articles/article/{article.pk}/history/")
    assert response.status_code == 302
    assert response["Location"] == f"/admin/articles/article/{article.pk}/versions/"


def test_the_admin_says_stories(client, editor):
    client.force_login(editor)
    page = client.get(CHANGELIST).text
    assert "Select story to change" in page
    assert "Add story" in page
    assert "Articles" not in page
    assert Article._meta.verbose_name_plural == "stories"


def test_version_and_workflow_times_carry_the_zone(client, editor):
    article = ArticleFactory()
    actions.save_article(article, by=editor)
    actions.publish_article(article, by=editor, expected_version=article.version)
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/versions/").text
    saved = re.findall(r"<time datetime=\"[^\"]+Z\">([^<]+)</time>", page)
    assert len(saved) >= 2
    assert all(text.endswith("IST") for text in saved)


def test_the_withdraw_page_speaks_of_one_story(client, editor):
    article = ArticleFactory(published=True, headline="Disputed figures")
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/withdraw/").text
    assert "<h1>Withdraw this story?</h1>" in page
    assert "instead of this story" in page
    assert 'value="Withdraw this story"' in page
    assert "Disputed figures" in page


def test_a_refused_save_marks_the_editors_text_unsaved(client, editor, second_editor):
    article = ArticleFactory()
    client.force_login(editor)
    assert 'data-unsaved=""' in client.get(change_url(article)).text
    stale = form_data(article, body="My text")
    article.headline = "Changed meanwhile"
    actions.save_article(article, by=second_editor)

    refused = client.post(change_url(article), stale)
    assert refused.status_code == 200
    assert 'data-unsaved="yes"' in refused.text
