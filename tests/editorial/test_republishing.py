"""Publishing a story again after it was unpublished keeps its first publication time; dating
it as new is an editor's explicit choice, recorded and told to readers."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from articles.editorial import actions
from articles.models import Article, StatusChange
from tests.admin.helpers import change_url, form_data
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

FIRST = datetime(2016, 5, 25, 9, 45, tzinfo=UTC)


def unpublished(editor, **kwargs) -> Article:
    article = ArticleFactory(published=True, published_at=FIRST, headline="Dam opens", **kwargs)
    article.refresh_from_db()
    actions.unpublish_article(article, by=editor, reason="Published by mistake.")
    article.refresh_from_db()
    return article


def test_a_story_published_again_keeps_its_first_publication(editor):
    article = unpublished(editor, updated_at=FIRST + timedelta(hours=2))
    newer = ArticleFactory(published=True)

    actions.publish_article(article, by=editor)

    stored = Article.objects.get(pk=article.pk)
    assert stored.published_at == FIRST
    assert stored.updated_at == FIRST + timedelta(hours=2)
    assert Article.objects.published().latest_first().first() == newer  # not news again


def test_publishing_it_as_new_is_recorded_and_told_to_readers(editor, client):
    article = unpublished(editor)

    actions.PublishArticle(
        article, by=editor, redate=True, values=actions.content.of_instance(article)
    ).execute()

    stored = Article.objects.get(pk=article.pk)
    assert stored.published_at > timezone.now() - timedelta(minutes=1)
    change = StatusChange.objects.filter(article=article).order_by("-at", "-id").first()
    assert "first published May 25, 2016" in change.reason
    assert stored.updates.get().note == change.reason
    page = client.get(stored.get_absolute_url()).content.decode()
    assert "Published again as new: first published May 25, 2016" in page


def test_a_scheduled_story_unpublished_has_no_time_to_keep(editor):
    article = ArticleFactory(published=True, published_at=timezone.now() + timedelta(days=1))
    article.refresh_from_db()

    actions.unpublish_article(article, by=editor, reason="Not yet.")

    assert Article.objects.get(pk=article.pk).published_at is None


def test_the_form_offers_both_and_publish_now_keeps_the_date(editor_client, editor):
    article = unpublished(editor)
    page = editor_client.get(change_url(article)).content.decode()
    assert 'name="_publish_redated"' in page
    assert "first published May 25, 2016" in page

    response = editor_client.post(change_url(article), form_data(article, _publish="Publish now"))

    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).published_at == FIRST
