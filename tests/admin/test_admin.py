"""The editors' admin: lists, forms, history, preview, conflicts, security."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.admin.changelist import EstimatedCountPaginator
from articles.editorial import actions
from articles.models import Article, Revision, Update
from tests.admin.helpers import ADD, CHANGELIST, change_url, form_data, post_story_workflow
from tests.factories import (
    ArticleFactory,
    DatelineFactory,
    TagFactory,
    UpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 5, 25, 6, 30, tzinfo=UTC)


def count_queries(client, url) -> int:
    """Queries for one request, from a cold content-type cache, so the order of tests and
    requests does not change the count."""
    ContentType.objects.clear_cache()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# The change list


def test_change_list_shows_the_columns_in_the_newsroom_time_zone(editor_client):
    article = ArticleFactory(
        published=True,
        headline="Port strike ends",
        published_at=NOON,
        updated_at=NOON + timedelta(hours=1),
        tags=[TagFactory(name="Labour"), TagFactory(name="Ports")],
    )

    response = editor_client.get(CHANGELIST)

    text = response.text
    assert "Port strike ends" in text
    assert str(article.dateline) in text
    assert "May 25, 2026, noon IST" in text  # 06:30 UTC
    assert "May 25, 2026, 1 p.m. IST" in text
    assert "Labour, Ports" in text


def test_change_list_is_newest_first_with_drafts_leading(editor_client):
    old = ArticleFactory(published=True, published_at=NOON - timedelta(days=2))
    new = ArticleFactory(published=True, published_at=NOON)
    draft = ArticleFactory()

    response = editor_client.get(CHANGELIST)

    assert list(response.context["cl"].result_list) == [draft, new, old]


def test_change_list_filters_and_search(editor_client):
    lebanon = DatelineFactory(country="Lebanon", region="", city="Beirut")
    tag = TagFactory(name="Elections")
    live = ArticleFactory(published=True, dateline=lebanon, tags=[tag])
    scheduled = ArticleFactory(scheduled=True, body="Polling stations open at seven.")
    withdrawn = ArticleFactory(withdrawn=True)
    draft = ArticleFactory(deck="A quiet deck")

    def results(query):
        return set(editor_client.get(CHANGELIST + query).context["cl"].result_list)

    assert results("?state=scheduled") == {scheduled}
    assert results("?state=published") == {live}
    assert results("?state=withdrawn") == {withdrawn}
    assert results("?state=draft") == {draft}
    assert results("?country=Lebanon") == {live}
    assert results(f"?tags__id__exact={tag.pk}") == {live}
    assert results("?q=polling+stations") == {scheduled}
    assert results("?q=quiet") == {draft}
    assert results(f"?q={live.headline.split()[2]}") == {live}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the stored vector is PostgreSQL's")
def test_search_uses_the_full_text_index_for_any_status(editor_client):
    draft = ArticleFactory(body="Floods cut off three northern districts.")
    ArticleFactory(published=True, body="Markets closed higher.")

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(CHANGELIST + "?q=flooding+district")

    assert list(response.context["cl"].result_list) == [draft]
    searches = [q["sql"] for q in queries if "search_vector" in q["sql"]]
    assert searches
    assert not any("LIKE" in sql for sql in searches)


def test_change_list_costs_the_same_queries_for_one_story_or_many(editor_client):
    ArticleFactory(published=True, tags=[TagFactory()])
    one = count_queries(editor_client, CHANGELIST)

    tags = TagFactory.create_batch(3)
    for _ in range(30):
        ArticleFactory(published=True, tags=tags)
        ArticleFactory()
    many = count_queries(editor_client, CHANGELIST)

    assert one == many
    # session, user, permissions (2), unread notices, slugline, tag and country filters, count,
    # page, tags, the
    # date hierarchy: first and last time (plus, as here where all stories share one month,
    # Django's own drill-down: its first and last, then the days). PostgreSQL asks the
    # planner for an estimate before counting.
    assert many == (15 if connection.vendor == "postgresql" else 14)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_change_list_does_not_count_a_large_table(editor_client, monkeypatch):
    ArticleFactory.create_batch(3)
    monkeypatch.setattr(EstimatedCountPaginator, "exact_below", 0)

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(CHANGELIST)

    assert response.status_code == 200
    assert not [
        q for q in queries if "COUNT(" in q["sql"].upper() and "articles_article" in q["sql"]
    ]
    assert any(q["sql"].startswith("EXPLAIN") for q in queries)


def test_change_list_offers_no_list_editing():
    from articles.admin.stories import ArticleAdmin

    # Django does not protect list editing against concurrent saves (ticket #11313).
    assert not ArticleAdmin.list_editable


# The change form


def test_change_form_groups_the_fields_and_carries_the_version(editor_client):
    article = ArticleFactory(published=True, legacy_id="old-42", source_file="dump.txt")

    response = editor_client.get(change_url(article))

    text = response.text
    for heading in ["Story", "Placement", "Publishing", "Provenance"]:
        assert f">{heading}</h2>" in text
    assert 'name="loaded_version" value="1"' in text
    assert 'name="save_kind"' in text
    assert "old-42" in text
    assert 'name="legacy_id"' not in text  # provenance is read-only
    assert "admin-autocomplete" in text
    assert "data-prepopulated-fields" in text


def test_change_form_shows_the_update_log_read_only(editor_client):
    article = ArticleFactory(published=True)
    UpdateFactory(article=article, note="Adds the toll from officials.")

    response = editor_client.get(change_url(article))

    assert "Adds the toll from officials." in response.text
    assert 'name="updates-0-note"' not in response.text


def test_change_form_costs_the_same_queries_for_few_or_many_tags_and_updates(editor_client):
    small = ArticleFactory(published=True, tags=[TagFactory()])
    UpdateFactory(article=small)
    big = ArticleFactory(published=True, tags=TagFactory.create_batch(10))
    for _ in range(10):
        UpdateFactory(article=big, editor=UserFactory())

    few = count_queries(editor_client, change_url(small))
    # session, user, permissions (2), story, its tags, update log, content type, the chosen
    # dateline and tags for the autocomplete widgets, the editor's autosave, unread notices,
    # and the agency item it was made from, if any
    assert few == count_queries(editor_client, change_url(big)) == 13


def test_an_editor_writes_a_draft(editor_client, editor):
    dateline = DatelineFactory()
    tag = TagFactory()
    data = form_data(
        Article(), headline="Dam gates opened", slug="dam-gates-opened", body="Water rose."
    )
    data.update(dateline=dateline.pk, tags=[tag.pk], loaded_version="")

    response = editor_client.post(ADD, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert (article.status, article.version, article.dateline) == ("draft", 1, dateline)
    assert list(article.tags.all()) == [tag]
    assert article.revisions.get().kind == "draft"


def test_publishing_from_the_form_now_or_later(editor_client):
    with time_machine.travel(NOON, tick=False):
        now = ArticleFactory()
        response = editor_client.post(change_url(now), form_data(now, _publish="Publish"))
        assert response.status_code == 302
        assert Article.objects.get(pk=now.pk).published_at == NOON

        later = ArticleFactory()
        local = timezone.localtime(NOON + timedelta(days=1))
        data = form_data(
            later,
            _schedule="Schedule",
            publish_at_0=local.strftime("%Y-%m-%d"),
            publish_at_1=local.strftime("%H:%M:%S"),
        )
        editor_client.post(change_url(later), data)
        assert Article.objects.get(pk=later.pk).is_scheduled
        assert Article.objects.get(pk=later.pk).published_at == NOON + timedelta(days=1)
        assert not Article.objects.published().filter(pk=later.pk).exists()


def test_publishing_from_the_form_refuses_a_past_time(editor_client):
    article = ArticleFactory()
    past = timezone.localtime() - timedelta(days=3)
    data = form_data(
        article,
        _schedule="Schedule",
        publish_at_0=past.strftime("%Y-%m-%d"),
        publish_at_1=past.strftime("%H:%M:%S"),
    )

    response = editor_client.post(change_url(article), data)

    assert response.status_code == 200
    assert "Choose a time in the future" in response.text
    assert Article.objects.get().status == "draft"


def test_a_publication_time_without_publishing_is_not_ignored(editor_client):
    article = ArticleFactory()
    later = timezone.localtime() + timedelta(days=1)
    data = form_data(
        article, publish_at_0=later.strftime("%Y-%m-%d"), publish_at_1=later.strftime("%H:%M")
    )

    response = editor_client.post(change_url(article), data)

    assert "To schedule the story, use the “Schedule” button." in response.text
    assert Article.objects.get().version == 1


def test_a_published_story_needs_a_kind_of_change(editor_client):
    article = ArticleFactory(published=True)

    response = editor_client.post(change_url(article), form_data(article, body="Changed."))

    assert response.status_code == 200
    assert "Say whether this change is an update, a correction or a silent fix." in response.text
    assert Article.objects.get().version == 1


def test_an_update_needs_a_note_and_then_moves_updated(editor_client):
    article = ArticleFactory(published=True)

    response = editor_client.post(
        change_url(article), form_data(article, body="Changed.", save_kind="update")
    )
    assert "Updates and corrections need a note for readers." in response.text

    response = editor_client.post(
        change_url(article),
        form_data(article, body="Changed.", save_kind="update", update_note="New toll."),
    )
    assert response.status_code == 302
    stored = Article.objects.get()
    assert stored.updated_at is not None
    assert stored.body == "Changed."
    assert Update.objects.get().note == "New toll."
    assert stored.revisions.get(number=2).kind == "update"


def test_a_silent_fix_from_the_form_moves_nothing(editor_client):
    article = ArticleFactory(published=True)

    editor_client.post(
        change_url(article), form_data(article, headline="Typo fixed", save_kind="silent_fix")
    )

    stored = Article.objects.get()
    assert (stored.headline, stored.updated_at, stored.version) == ("Typo fixed", None, 2)
    assert not Update.objects.exists()


# Nothing lost between editors


def test_a_second_editor_changing_other_fields_is_merged_not_refused(client, editor, second_editor):
    article = Article(headline="Bridge closes", body="The old bridge closed today.")
    actions.save_article(article, by=editor)
    loaded = form_data(article)  # both editors open the story at version 1

    first = Article.objects.get()
    first.body = "The old bridge closed today after cracks were found."
    actions.save_article(first, by=editor, expected_version=1)

    client.force_login(second_editor)
    mine = {**loaded, "headline": "Bridge shut <for good>"}
    review = client.post(change_url(article), mine)

    # Merged without a conflict, and shown before it is saved.
    assert review.status_code == 200
    assert Article.objects.get().version == 2
    assert "merged below without a conflict: check the merged story" in review.text
    assert "Please correct" not in review.text
    assert 'class="errornote"' not in review.text
    assert "<ins>shut &lt;for good&gt;</ins>" in review.text  # what the save adds
    assert "after cracks were found." in review.text  # their body, in the form
    assert 'name="loaded_version" value="2"' in review.text  # the form is the merged story
    response = client.post(
        change_url(article),
        {
            **mine,
            "body": "The old bridge closed today after cracks were found.",
            "loaded_version": 2,
        },
    )

    assert response.status_code == 302
    stored = Article.objects.get()
    assert (stored.headline, stored.body, stored.version) == (
        "Bridge shut <for good>",
        "The old bridge closed today after cracks were found.",
        3,
    )


def test_the_merge_screen_compares_text_whatever_line_ends_the_browser_sends(
    client, editor, second_editor
):
    article = Article(headline="Bridge closes", body="The old bridge closed.\n\nTraffic waits.")
    actions.save_article(article, by=editor)
    loaded = form_data(article, body=article.body.replace("\n", "\r\n"))  # as browsers post
    client.force_login(editor)
    client.post(change_url(article), {**loaded, "byline": "By A. Reporter"})
    assert "\r" not in Article.objects.get().body

    client.force_login(second_editor)
    response = client.post(change_url(article), {**loaded, "headline": "Bridge shut"})

    assert "<dt>Body (unchanged)</dt>" in response.text
    assert "<dt>Byline</dt>" in response.text


def test_the_merge_screen_shows_the_update_log_as_it_is_now(client, editor, second_editor):
    article = ArticleFactory(published=True, body="The old bridge closed.")
    loaded = form_data(article, save_kind="silent_fix")  # both open it with an empty log
    client.force_login(editor)
    client.post(
        change_url(article),
        {
            **loaded,
            "body": "The old bridge closed for good.",
            "save_kind": "update",
            "update_note": "Adds that the closure is permanent.",
        },
    )

    client.force_login(second_editor)
    response = client.post(change_url(article), {**loaded, "headline": "Bridge shut"})

    assert "merged below" in response.text
    assert "Adds that the closure is permanent." in response.text


def test_a_conflict_is_shown_side_by_side_and_saved_only_once_decided(
    client, editor, second_editor
):
    article = Article(headline="Bridge closes", body="The old bridge closed today.")
    actions.save_article(article, by=editor)
    loaded = form_data(article)
    first = Article.objects.get()
    first.headline = "Bridge closes after cracks"
    first.byline = "By A. Reporter"
    actions.save_article(first, by=editor, expected_version=1)

    client.force_login(second_editor)
    mine = {**loaded, "headline": "Bridge shut <for good>"}
    response = client.post(change_url(article), mine)

    assert response.status_code == 200
    text = response.text
    assert "Someone else saved this story while you were editing it" in text
    assert "Draft save by editor" in text
    assert "<dt>Byline</dt>" in text  # what changed meanwhile covers every field
    assert "<ins>By A. Reporter</ins>" in text
    # Mine, theirs and the original side by side, mine kept in the form, escaped.
    assert text.count('name="resolve_headline"') == 4
    assert "<pre>Bridge shut &lt;for good&gt;</pre>" in text
    assert "<pre>Bridge closes after cracks</pre>" in text
    assert "<pre>Bridge closes</pre>" in text
    assert 'value="Bridge shut &lt;for good&gt;"' in text
    assert 'name="byline" value="By A. Reporter"' in text  # the form is the newest version
    assert 'name="loaded_version" value="1"' in text
    signature = response.context["adminform"].form.conflict["signature"]
    assert f'name="merge_signature" value="{signature}"' in text

    # Plain Save again: still nothing saved, the conflict is still open.
    again = {**mine, "byline": "By A. Reporter", "merge_signature": signature}
    response = client.post(change_url(article), again)
    assert response.status_code == 200
    assert Article.objects.get().version == 2

    # A decision from another screen (another signature) is not applied.
    stale = {**again, "merge_signature": "0" * 16, "resolve_headline": "mine"}
    assert client.post(change_url(article), stale).status_code == 200
    assert Article.objects.get().version == 2

    response = client.post(
        change_url(article),
        {**again, "resolve_headline": "edit", "resolve_headline_text": "Bridge shut after cracks"},
    )
    assert response.status_code == 302
    stored = Article.objects.get()
    assert (stored.headline, stored.byline, stored.version) == (
        "Bridge shut after cracks",
        "By A. Reporter",
        3,
    )
    assert stored.revisions.get(number=3).headline == "Bridge shut after cracks"


def test_a_save_that_does_not_say_where_it_started_is_refused(editor_client):
    article = ArticleFactory()
    data = form_data(article, headline="Forged")
    del data["loaded_version"]

    response = editor_client.post(change_url(article), {**data, "version": 99})

    assert "Someone else saved this story" in response.text
    stored = Article.objects.get()
    assert (stored.headline, stored.version) == (article.headline, 1)


def test_a_workflow_action_refuses_a_story_changed_after_it_was_confirmed(editor_client, editor):
    article = ArticleFactory(published=True)
    confirmation = editor_client.post(
        CHANGELIST, {"action": "withdraw_selected", "_selected_action": [article.pk]}
    )
    assert f'name="version_{article.pk}" value="1"' in confirmation.text

    actions.save_article(Article.objects.get(), by=editor, kind="silent_fix", expected_version=1)
    response = editor_client.post(
        CHANGELIST,
        {
            "action": "withdraw_selected",
            "_selected_action": [article.pk],
            f"version_{article.pk}": 1,
            "reason": "Unverified.",
            "post": "yes",
        },
        follow=True,
    )

    assert "was changed by someone else after you chose it" in response.text
    assert Article.objects.get().status == "published"


# Workflow actions


def test_publish_action_confirms_then_publishes(editor_client):
    drafts = ArticleFactory.create_batch(2)
    ids = [a.pk for a in drafts]

    confirmation = editor_client.post(
        CHANGELIST, {"action": "publish_selected", "_selected_action": ids}
    )
    assert confirmation.status_code == 200
    assert not Article.objects.published().exists()

    post = {"action": "publish_selected", "_selected_action": ids, "post": "yes"}
    post.update({f"version_{pk}": 1 for pk in ids})
    response = editor_client.post(CHANGELIST, post, follow=True)

    assert "2 stories published." in response.text
    assert Article.objects.published().count() == 2
    assert set(Revision.objects.values_list("kind", flat=True)) == {"publication"}


@pytest.mark.parametrize(
    ("action", "status"), [("withdraw_selected", "withdrawn"), ("unpublish_selected", "draft")]
)
def test_withdraw_and_unpublish_from_the_list_need_a_reason(editor_client, action, status):
    article = ArticleFactory(published=True)
    post = {
        "action": action,
        "_selected_action": [article.pk],
        f"version_{article.pk}": 1,
        "post": "yes",
    }

    response = editor_client.post(CHANGELIST, {**post, "reason": ""})
    assert "This field is required." in response.text
    assert Article.objects.get().status == "published"

    editor_client.post(CHANGELIST, {**post, "reason": "Sources retracted."})
    stored = Article.objects.get()
    assert stored.status == status
    assert stored.status_changes.get().reason == "Sources retracted."
    if status == "withdrawn":
        assert stored.withdrawal_reason == "Sources retracted."


def test_withdraw_from_the_story_page(editor_client, editor):
    article = ArticleFactory(published=True)
    url = f"/admin/articles/article/{article.pk}/withdraw/"
    assert url in editor_client.get(change_url(article)).text

    response = post_story_workflow(editor_client, article, "withdraw", "Legal advice.")

    assert response.status_code == 302
    change = Article.objects.get().status_changes.get()
    assert (change.to_status, change.by, change.reason) == ("withdrawn", editor, "Legal advice.")
    assert not Article.objects.get().withdrawal_shows_headline


def test_the_editor_who_withdraws_a_story_chooses_whether_the_notice_names_it(editor_client):
    article = ArticleFactory(published=True)
    url = f"/admin/articles/article/{article.pk}/withdraw/"
    assert "Name the story in the notice" in editor_client.get(url).text

    editor_client.post(
        url,
        {
            f"version_{article.pk}": article.version,
            "reason": "Retracted.",
            "show_headline": "on",
            "post": "yes",
        },
    )

    assert Article.objects.get().withdrawal_shows_headline


# History and restore


def test_versions_lists_every_save_and_diffs_any_two(editor_client, editor):
    article = ArticleFactory(headline="Version <one>", body="Alpha beta.")
    actions.save_article(article, by=editor)  # v2: same text as v1 was never revised
    article.body = "Alpha gamma."
    actions.publish_article(article, by=editor)  # v3
    article.headline = "Version three"
    actions.save_article(article, by=editor, kind="correction", note="Fixed the name.")  # v4

    url = f"/admin/articles/article/{article.pk}/versions/"
    response = editor_client.get(url)
    text = response.text
    for label in ["Draft save", "First publication", "Correction", "Fixed the name."]:
        assert label in text
    # Default: the latest against the one before it.
    assert "<del>&lt;one&gt;</del>" in text or "<del>Version &lt;one&gt;</del>" in text

    response = editor_client.get(url + "?a=2&b=3")
    assert "<del>beta.</del> <ins>gamma.</ins>" in response.text
    assert "Restore this version" in response.text


def test_versions_page_costs_the_same_queries_for_few_or_many_versions(editor_client, editor):
    article = Article(headline="Counting", body="One.")
    actions.publish_article(article, by=editor)
    url = f"/admin/articles/article/{article.pk}/versions/"
    few = count_queries(editor_client, url)

    for number in range(8):
        article.body = f"Version {number}."
        actions.save_article(article, by=editor, kind="update", note=f"Note {number}.")

    assert count_queries(editor_client, url) == few


def test_restoring_a_version_is_a_new_save_of_the_editors_kind(editor_client, editor):
    article = ArticleFactory(published=True, headline="First take")
    actions.save_article(article, by=editor, kind="silent_fix")  # v2 "First take"
    article.headline = "Second take"
    actions.save_article(article, by=editor, kind="update", note="New angle.")  # v3

    response = editor_client.get(change_url(article) + "?restore=2")
    assert 'value="First take"' in response.text
    assert "You are editing the text of version 2" in response.text

    restored = form_data(Article.objects.get(), headline="First take")
    response = editor_client.post(
        change_url(article), {**restored, "save_kind": "correction", "update_note": "Reverted."}
    )
    assert response.status_code == 302
    latest = Article.objects.get().revisions.first()
    assert (latest.number, latest.kind, latest.headline) == (4, "correction", "First take")


# Preview


def test_staff_preview_renders_the_public_template_uncached(editor_client):
    draft = ArticleFactory(headline="Embargoed budget story")

    response = editor_client.get(f"/admin/articles/article/{draft.pk}/preview/")

    assert response.status_code == 200
    assert "articles/article_detail.html" in [template.name for template in response.templates]
    assert "Embargoed budget story" in response.text
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-cache", "no-store", "must-revalidate", "private"} <= directives


def test_preview_of_a_published_story_is_the_page_readers_get(editor_client, client):
    politics = TagFactory(name="Politics")
    article = ArticleFactory(published=True, tags=[politics])

    preview = editor_client.get(f"/admin/articles/article/{article.pk}/preview/")
    public = client.get(article.get_absolute_url())

    def main(response):
        page = re.search(r"<main.*</main>", response.text, re.S).group()
        page = re.sub(r'<div class="preview-banner".*?</div>', "", page, flags=re.S)
        return " ".join(page.split())

    assert '<div class="preview-banner"' in preview.text
    assert main(preview) == main(public)
    assert "Politics" in main(preview)
    assert f"{article.dateline.city.upper()}, {article.dateline.region} —" in main(preview)


def test_preview_is_not_found_for_anyone_else(client):
    draft = ArticleFactory()
    url = f"/admin/articles/article/{draft.pk}/preview/"

    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=False))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(is_staff=True))  # staff without newsroom permissions
    assert client.get(url).status_code == 404


# Datelines and tags


def test_datelines_and_tags_show_story_counts_in_constant_queries(editor_client):
    beirut = DatelineFactory(country="Lebanon", region="", city="Beirut")
    tag = TagFactory(name="Energy")
    ArticleFactory.create_batch(3, dateline=beirut, tags=[tag])
    DatelineFactory(city="Nowhere")

    response = editor_client.get("/admin/articles/dateline/")
    rows = {str(d): d.story_count for d in response.context["cl"].result_list}
    assert rows["BEIRUT, Lebanon"] == 3
    assert rows["NOWHERE, Maharashtra"] == 0
    response = editor_client.get("/admin/articles/tag/?q=ener")
    assert [(t.name, t.story_count) for t in response.context["cl"].result_list] == [("Energy", 3)]

    few = count_queries(editor_client, "/admin/articles/dateline/")
    DatelineFactory.create_batch(20)
    TagFactory.create_batch(20)
    assert count_queries(editor_client, "/admin/articles/dateline/") == few
    assert count_queries(editor_client, "/admin/articles/tag/") == count_queries(
        editor_client, "/admin/articles/tag/?q=e"
    )


def test_autocomplete_finds_datelines_and_tags(editor_client):
    DatelineFactory(country="Lebanon", region="", city="Beirut")
    TagFactory(name="Energy")
    base = "/admin/autocomplete/?app_label=articles&model_name=article&field_name="

    datelines = editor_client.get(base + "dateline&term=beir").json()["results"]
    tags = editor_client.get(base + "tags&term=ener").json()["results"]

    assert [d["text"] for d in datelines] == ["BEIRUT, Lebanon"]
    assert [t["text"] for t in tags] == ["Energy"]


# Security


def test_admin_has_the_sites_security_headers(editor_client):
    response = editor_client.get(CHANGELIST)

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_admin_logins_are_throttled_after_repeated_failures(client, settings):
    UserFactory(username="editor", is_staff=True, password="right password")
    login = "/admin/login/?next=/admin/"

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(login, {"username": "editor", "password": "wrong"})
        assert response.status_code == 200  # the form again, with an error
    response = client.post(login, {"username": "editor", "password": "wrong"})
    assert response.status_code == 429

    response = client.post(login, {"username": "editor", "password": "right password"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_behind_a_balancer_one_readers_failures_do_not_lock_out_another(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    UserFactory(username="editor", is_staff=True, password="right password")
    login = "/admin/login/?next=/admin/"
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.66"}
    editor = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "editor", "password": "wrong"}, **attacker)
    refused = client.post(login, {"username": "editor", "password": "right password"}, **attacker)
    allowed = client.post(login, {"username": "editor", "password": "right password"}, **editor)

    assert refused.status_code == 429
    assert allowed.status_code == 302


def test_a_good_login_still_works(client):
    UserFactory(username="editor", is_staff=True, password="right password")

    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": "right password"}
    )

    assert response.status_code == 302
    assert re.search(r"/admin/$", response["Location"])


def test_date_hierarchy_lists_years_without_scanning_every_row(editor_client):
    ArticleFactory(published=True, published_at=datetime(2019, 3, 1, tzinfo=UTC))
    ArticleFactory(published=True, published_at=datetime(2021, 7, 1, tzinfo=UTC))

    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(CHANGELIST)

    for year in ["2019", "2020", "2021"]:
        assert f"published_at__year={year}" in response.text
    assert not [q for q in queries if "DISTINCT DATE_TRUNC" in q["sql"].upper()]
    response = editor_client.get(CHANGELIST + "?published_at__year=2021")
    assert "published_at__month=7" in response.text


def test_odd_numbers_in_admin_addresses_are_ignored_not_crashed_on(editor_client):
    article = ArticleFactory(published=True)

    for query in ["?restore=%C2%B2", "?restore=99999999999999999999"]:
        response = editor_client.get(f"/admin/articles/article/{article.pk}/change/{query}")
        assert response.status_code == 200, query
