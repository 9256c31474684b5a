"""Who else has a story open, and the news that someone saved it, from the heartbeat endpoint."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.editorial import actions
from articles.models import EditorPresence
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import member_of

pytestmark = pytest.mark.django_db


def presence_url(article):
    return f"/admin/articles/article/{article.pk}/presence/"


def beat(client, article, version=None, **extra):
    data = {"version": article.version if version is None else version, **extra}
    return client.post(presence_url(article), data)


def test_editors_on_one_story_see_each_other_and_not_themselves(client, editor, second_editor):
    article = ArticleFactory(headline="Flood waters rise")
    editor.first_name, editor.last_name = "Asha", "Rao"
    editor.save()
    client.force_login(editor)
    assert beat(client, article).json() == {"others": [], "saved": None}

    client.force_login(second_editor)
    assert beat(client, article).json() == {"others": ["Asha Rao"], "saved": None}
    client.force_login(editor)
    assert beat(client, article).json()["others"] == ["second-editor"]
    # Another story's editors are not here.
    assert beat(client, ArticleFactory()).json()["others"] == []


def test_an_editor_who_stops_beating_or_leaves_is_gone(client, editor, second_editor):
    article = ArticleFactory()
    client.force_login(second_editor)
    beat(client, article)
    client.force_login(editor)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert beat(client, article).json()["others"] == []

    client.force_login(second_editor)
    beat(client, article)
    beat(client, article, leaving="1")
    client.force_login(editor)
    assert beat(client, article).json()["others"] == []


def test_old_heartbeats_of_an_editor_are_cleaned_up(client, editor):
    client.force_login(editor)
    for article in ArticleFactory.create_batch(3):
        beat(client, article)
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        beat(client, ArticleFactory())
    assert EditorPresence.objects.filter(editor=editor).count() == 1


def test_a_save_by_someone_else_is_announced_with_a_link_to_the_changes(
    client, editor, second_editor
):
    article = ArticleFactory(published=True)
    actions.save_article(article, by=editor, kind="silent_fix")
    loaded = article.version
    client.force_login(second_editor)
    assert beat(client, article, loaded).json()["saved"] is None

    article.body = "A new paragraph from the scene."
    actions.save_article(article, by=editor, kind="silent_fix", expected_version=loaded)

    saved = beat(client, article, loaded).json()["saved"]
    assert saved["version"] == loaded + 1
    assert saved["by"] == "editor"
    assert saved["at"].endswith("IST")
    assert saved["changes_url"] == (
        f"/admin/articles/article/{article.pk}/versions/?a={loaded}&b={loaded + 1}"
    )


def test_a_heartbeat_costs_the_same_queries_for_one_editor_or_many(client, editor):
    article = ArticleFactory(published=True)
    actions.save_article(article, by=editor, kind="silent_fix")
    client.force_login(editor)
    beat(client, article)  # warm: the first request of a session may cost more

    def queries(version):
        with CaptureQueriesContext(connection) as captured:
            assert beat(client, article, version).status_code == 200
        return len(captured)

    alone = queries(article.version)
    for n in range(10):
        EditorPresence.objects.create(
            article=article, editor=UserFactory(username=f"desk{n}"), seen_at=timezone.now()
        )
    # session, user, permissions (2), story, upsert, clean-up, others
    assert queries(article.version) == alone == 8
    # and the newest save, once someone saved after this form was loaded
    assert queries(article.version - 1) == 9


def test_presence_is_only_for_newsroom_staff_and_only_posted(client, editor):
    article = ArticleFactory()
    assert beat(client, article).status_code == 302  # to the login page
    client.force_login(UserFactory(username="outsider", is_staff=True))
    assert beat(client, article).status_code == 403
    assert not EditorPresence.objects.exists()

    client.force_login(editor)
    assert client.get(presence_url(article)).status_code == 405
    assert client.post("/admin/articles/article/999999/presence/").status_code == 404
    assert client.post("/admin/articles/article/x1/presence/").status_code == 404


def test_a_reporter_sees_who_else_is_on_a_published_story_they_may_not_edit(client, editor):
    article = ArticleFactory(published=True)
    client.force_login(editor)
    beat(client, article)
    client.force_login(member_of("Reporters", "reporter"))
    assert beat(client, article).json()["others"] == ["editor"]


def test_the_heartbeat_refuses_cross_site_posts(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(presence_url(ArticleFactory()), {"version": 1}).status_code == 403
