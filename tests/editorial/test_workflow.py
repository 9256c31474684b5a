"""The workflow end to end: what an editor does in the admin, what a reader then sees."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.admin.helpers import change_url, form_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 5, 25, 6, 30, tzinfo=UTC)


def schedule(client, article, at):
    local = timezone.localtime(at)
    data = form_data(
        article,
        _schedule="Schedule",
        publish_at_0=local.strftime("%Y-%m-%d"),
        publish_at_1=local.strftime("%H:%M:%S"),
    )
    return client.post(change_url(article), data)


def test_a_story_scheduled_in_the_admin_appears_when_its_time_comes(editor_client):
    reader = Client()
    with time_machine.travel(NOON, tick=False) as clock:
        article = ArticleFactory(headline="Budget embargoed until noon")
        assert schedule(editor_client, article, NOON + timedelta(hours=2)).status_code == 302
        url = Article.objects.get().get_absolute_url()

        assert reader.get(url).status_code == 404
        clock.move_to(NOON + timedelta(hours=2) - timedelta(seconds=1))
        assert reader.get(url).status_code == 404

        clock.move_to(NOON + timedelta(hours=2))
        cache.clear()  # pages may be cached for a while; the rule is what matters here
        assert reader.get(url).status_code == 200
        assert "Budget embargoed" in reader.get("/").text


def test_a_scheduled_story_can_be_rescheduled_from_the_form(editor_client):
    with time_machine.travel(NOON, tick=False):
        article = ArticleFactory()
        schedule(editor_client, article, NOON + timedelta(hours=2))
        article = Article.objects.get()
        assert 'value="Reschedule"' in editor_client.get(change_url(article)).text

        schedule(editor_client, article, NOON + timedelta(hours=5))

        article = Article.objects.get()
        assert article.published_at == NOON + timedelta(hours=5)
        assert list(article.status_changes.values_list("publish_at", flat=True)) == [
            NOON + timedelta(hours=5),
            NOON + timedelta(hours=2),
        ]


def test_a_withdrawn_story_leaves_the_public_site(editor_client):
    article = ArticleFactory(published=True)
    url = article.get_absolute_url()
    assert Client().get(url).status_code == 200

    editor_client.post(
        f"/admin/articles/article/{article.pk}/withdraw/",
        {f"version_{article.pk}": 1, "reason": "Could not be verified.", "post": "yes"},
    )

    cache.clear()
    assert Client().get(url).status_code in (404, 410)
    assert not Article.objects.published().exists()


def test_every_change_of_state_is_recorded_with_who_and_when(editor_client, editor):
    with time_machine.travel(NOON, tick=False) as clock:
        article = ArticleFactory()
        editor_client.post(change_url(article), form_data(article, _publish="Publish"))
        clock.move_to(NOON + timedelta(hours=1))
        editor_client.post(
            f"/admin/articles/article/{article.pk}/withdraw/",
            {f"version_{article.pk}": 2, "reason": "Legal advice.", "post": "yes"},
        )

    changes = list(
        Article.objects.get()
        .status_changes.order_by("at")
        .values_list("from_status", "to_status", "by__username", "at")
    )
    assert changes == [
        ("draft", "published", "editor", NOON),
        ("published", "withdrawn", "editor", NOON + timedelta(hours=1)),
    ]


def test_a_story_killed_before_its_embargo_never_comes_out(editor_client):
    reader = Client()
    with time_machine.travel(NOON, tick=False) as clock:
        article = ArticleFactory(headline="Takeover embargoed until two")
        schedule(editor_client, article, NOON + timedelta(hours=2))
        url = Article.objects.get().get_absolute_url()
        editor_client.post(
            f"/admin/articles/article/{article.pk}/withdraw/",
            {f"version_{article.pk}": 2, "reason": "Deal collapsed.", "post": "yes"},
        )

        clock.move_to(NOON + timedelta(days=1))
        cache.clear()
        response = reader.get(url)

    assert Article.objects.get().status == Article.Status.WITHDRAWN
    assert response.status_code == 404
    assert "Deal collapsed" not in response.text
