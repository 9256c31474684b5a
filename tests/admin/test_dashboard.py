"""The newsroom dashboard on the admin's front page."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.editorial import actions
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


def lists(response):
    return {
        desk_list.title: [story.headline for story in desk_list.stories]
        for desk_list in response.context["desk"]
    }


def test_the_dashboard_lists_the_desks_work(editor_client, editor, reporter):
    now = timezone.now()
    mine = ArticleFactory(headline="My draft")
    actions.save_article(mine, by=editor)
    theirs = ArticleFactory(headline="A reporter's draft")
    actions.save_article(theirs, by=reporter)
    ArticleFactory(headline="Later", status="published", published_at=now + timedelta(hours=2))
    ArticleFactory(headline="Sooner", status="published", published_at=now + timedelta(hours=1))
    ArticleFactory(headline="Out an hour ago", published=True)
    ArticleFactory(
        headline="Updated story",
        status="published",
        published_at=now - timedelta(days=1),
        updated_at=now - timedelta(minutes=5),
    )
    ArticleFactory(headline="Gone", withdrawn=True)

    response = editor_client.get("/admin/")

    assert lists(response) == {
        "My drafts": ["My draft"],
        "Drafts waiting for an editor": ["A reporter's draft"],
        "Scheduled": ["Sooner", "Later"],
        "Recently published": ["Out an hour ago", "Updated story"],
        "Recently updated": ["Updated story"],
    }
    page = response.text
    assert f'<a href="/admin/articles/article/{mine.pk}/change/">My draft</a>' in page
    assert "Goes live" in page
    assert "IST" in page
    assert 'href="/admin/articles/article/?state=scheduled"' in page


def test_a_reporter_sees_no_queue_of_others_drafts(reporter_client):
    ArticleFactory(headline="Someone's draft")
    titles = [desk_list.title for desk_list in reporter_client.get("/admin/").context["desk"]]
    assert "Drafts waiting for an editor" not in titles
    assert "My drafts" in titles


def test_staff_outside_the_newsroom_see_no_stories(client):
    ArticleFactory(headline="Secret draft")
    client.force_login(UserFactory(username="it-support", is_staff=True))
    response = client.get("/admin/")
    assert response.context["desk"] == []
    assert "Secret draft" not in response.text


def test_the_dashboard_costs_the_same_queries_for_few_or_many_stories(
    editor_client, editor, second_editor
):
    def queries():
        ContentType.objects.clear_cache()
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get("/admin/").status_code == 200
        return len(captured)

    empty = queries()
    now = timezone.now()
    for n in range(12):
        draft = ArticleFactory()
        actions.save_article(draft, by=editor if n % 2 else second_editor)
        ArticleFactory(status="published", published_at=now + timedelta(hours=n + 1))
        ArticleFactory(
            status="published",
            published_at=now - timedelta(days=1),
            updated_at=now - timedelta(minutes=n),
        )
    # session, user, permissions (2), Django's recent actions, and one query per list (5)
    assert queries() == empty == 10
