"""The change form's buttons, restore, unpublish, republish and delete, as editors use them."""

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.editorial import actions
from articles.models import Article, Revision, StatusChange
from tests.admin.helpers import ADD, CHANGELIST, change_url, form_data, post_story_workflow
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

SUBMIT = re.compile(r'<input type="submit" name="(\w+)" value="([^"]+)"')


def buttons(response) -> list[tuple[str, str]]:
    return SUBMIT.findall(response.text)


# Enter never publishes: the first submit button (what Enter presses) is the safe one.


def test_the_add_form_saves_a_draft_by_default(editor_client):
    assert buttons(editor_client.get(ADD)) == [
        ("_save", "Save draft"),
        ("_continue", "Save draft and keep editing"),
        ("_publish", "Publish now"),
        ("_schedule", "Schedule"),
    ]


@pytest.mark.parametrize(
    ("state", "default"),
    [
        ({}, ("_save", "Save draft")),
        ({"scheduled": True}, ("_save", "Save")),
        ({"withdrawn": True}, ("_save", "Save")),
        ({"published": True}, ("_review", "Review changes")),
    ],
)
def test_every_story_form_defaults_to_a_button_readers_do_not_see(editor_client, state, default):
    article = ArticleFactory(**state)

    offered = buttons(editor_client.get(change_url(article)))

    assert offered[0] == default
    if state.get("published"):
        assert offered == [default, ("_save", "Publish this change")]


def test_what_enter_sends_on_a_draft_saves_it_as_a_draft(editor_client):
    draft = ArticleFactory()

    response = editor_client.post(change_url(draft), form_data(draft, _save="Save draft"))

    assert response.status_code == 302
    assert Article.objects.get().status == "draft"


def test_reviewing_a_change_to_a_live_story_saves_nothing(editor_client):
    article = ArticleFactory(published=True, body="Ten dead.")

    response = editor_client.post(
        change_url(article), form_data(article, body="Twelve dead.", _review="Review changes")
    )

    assert response.status_code == 200
    assert "What readers would see change" in response.text
    assert "<del>Ten</del> <ins>Twelve</ins>" in response.text
    assert Article.objects.get().version == 1
    # A step of saving, not an error to correct.
    assert "Please correct" not in response.text
    assert "Error:" not in response.text.split("</title>")[0]
    assert 'id="editorial-notice" role="status"><p>Nothing is saved yet.' in response.text


def test_tags_are_saved_with_the_version_by_the_services(editor_client):
    article = ArticleFactory(published=True)
    tag = TagFactory(name="Rescue")

    editor_client.post(
        change_url(article), form_data(article, tags=[tag.pk], save_kind="silent_fix")
    )

    stored = Article.objects.get()
    assert list(stored.tags.all()) == [tag]
    assert stored.revisions.get().tag_names == ["Rescue"]


# Restore


def test_restoring_from_before_a_correction_lists_it_and_refuses_a_silent_fix(
    editor_client, editor
):
    article = Article(headline="Toll rises", body="800,000 were moved.")
    actions.publish_article(article, by=editor)  # v1 draft, v2 publication
    article.body = "80,000 were moved."
    actions.save_article(article, by=editor, kind="correction", note="80,000, not 800,000.")

    response = editor_client.get(change_url(article) + "?restore=2")

    assert "800,000 were moved." in response.text
    assert "Restoring it undoes public changes readers were told about" in response.text
    assert "80,000, not 800,000." in response.text
    assert 'name="restore_from" value="2"' in response.text

    restored = form_data(Article.objects.get(), body="800,000 were moved.", restore_from=2)
    response = editor_client.post(change_url(article), {**restored, "save_kind": "silent_fix"})
    assert response.status_code == 200
    assert "cannot" not in Article.objects.get().body
    assert "Save it as an update or a correction" in response.text
    assert Article.objects.get().version == 3

    response = editor_client.post(
        change_url(article),
        {**restored, "save_kind": "correction", "update_note": "The first figure was right."},
    )
    assert response.status_code == 302
    assert Article.objects.get().revisions.first().kind == "correction"


# Unpublish, republish, delete


def test_an_unpublished_story_leaves_every_public_surface(editor_client, editor):
    article = ArticleFactory(published=True, headline="Published by mistake")
    reader = Client()
    surfaces = [article.get_absolute_url(), "/", "/feeds/latest.rss", "/api/ninjs/latest/"]
    assert all("Published by mistake" in reader.get(url).text for url in surfaces[:2])
    url = f"/admin/articles/article/{article.pk}/unpublish/"
    assert url in editor_client.get(change_url(article)).text

    response = post_story_workflow(editor_client, article, "unpublish", "Not ready.")

    assert response.status_code == 302
    cache.clear()
    assert reader.get(surfaces[0]).status_code == 404
    assert reader.get(f"/api/ninjs/stories/{article.pk}/").status_code == 404
    for address in surfaces[1:]:
        assert "Published by mistake" not in reader.get(address).text
    change = StatusChange.objects.get()
    assert (change.to_status, change.reason, change.by) == ("draft", "Not ready.", editor)


def test_a_withdrawn_story_is_republished_from_its_page(editor_client):
    article = ArticleFactory(withdrawn=True)
    url = f"/admin/articles/article/{article.pk}/republish/"
    assert url in editor_client.get(change_url(article)).text

    response = post_story_workflow(editor_client, article, "republish", "Verified after all.")

    assert response.status_code == 302
    stored = Article.objects.get()
    assert stored.is_published
    assert stored.updates.get().note == "Verified after all."
    assert Client().get(stored.get_absolute_url()).status_code == 200


def test_reporters_cannot_unpublish_or_republish(reporter_client):
    live, withdrawn = ArticleFactory(published=True), ArticleFactory(withdrawn=True)
    for article, operation in ((live, "unpublish"), (withdrawn, "republish")):
        response = post_story_workflow(reporter_client, article, operation, "Mine.")
        assert response.status_code == 403
    assert [a.status for a in Article.objects.order_by("pk")] == ["published", "withdrawn"]


def test_delete_is_offered_only_for_drafts_never_published(editor_client, editor):
    draft = ArticleFactory()
    live = ArticleFactory(published=True)
    imported = ArticleFactory(published=True, legacy_id="wire-7")

    assert (
        f"/admin/articles/article/{draft.pk}/delete/" in editor_client.get(change_url(draft)).text
    )
    for article in (live, imported):
        assert f"{article.pk}/delete/" not in editor_client.get(change_url(article)).text
        response = editor_client.post(
            f"/admin/articles/article/{article.pk}/delete/", {"post": "yes"}
        )
        assert response.status_code == 403
    assert Article.objects.count() == 3


def test_the_bulk_delete_deletes_only_drafts_never_published(editor_client):
    draft, live = ArticleFactory(), ArticleFactory(published=True)
    ids = [draft.pk, live.pk]

    confirmation = editor_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": ids}
    )
    assert "Readers have seen this story: withdraw it instead." in confirmation.text
    post = {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    post.update({f"version_{pk}": 1 for pk in ids})
    response = editor_client.post(CHANGELIST, post, follow=True)

    assert "1 story deleted." in response.text
    assert "withdraw it instead" in response.text
    assert list(Article.objects.all()) == [live]
    assert Revision.objects.count() == 0


def count_post_queries(client, url, data) -> int:
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code in (200, 302)
    return len(queries)


def test_a_save_and_a_merge_cost_the_same_queries_for_few_or_many_tags(editor_client, editor):
    few, many = TagFactory.create_batch(1), TagFactory.create_batch(10)
    costs = []
    for tags in (few, many):
        article = Article(headline="Tally", body="One.\n\nTwo.")
        actions.save_article(article, by=editor)
        loaded = form_data(article, tags=[tag.pk for tag in tags])
        saved = count_post_queries(editor_client, change_url(article), loaded)
        other = Article.objects.get(pk=article.pk)
        other.body = "One.\n\nTwo, changed."
        actions.save_article(other, by=editor)
        mine = {**loaded, "headline": "Tally, merged"}
        merged = count_post_queries(editor_client, change_url(article), mine)  # for review
        review = editor_client.post(change_url(article), mine)
        editor_client.post(change_url(article), review.context["adminform"].form.data)
        costs.append((saved, merged))
        assert Article.objects.get(pk=article.pk).headline == "Tally, merged"

    assert costs[0] == costs[1]
