"""What a kept page costs and when it is trusted: served before the middleware a reader's page
does not need, checked by one query, never trusted across a replaced record of changes; and the
list filters' choices built once."""

import pytest
from csp.middleware import CSPMiddleware
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.editorial import actions
from articles.editorial.finishing import record_change
from articles.models import Article, PageChange, PageClock
from articles.site.caching import process_pages
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_a_kept_page_is_served_before_the_middleware_it_does_not_need(client, monkeypatch):
    article = ArticleFactory(published=True)
    first = client.get(article.get_absolute_url())
    ran = []
    process_response = CSPMiddleware.process_response

    def noted(self, request, response):
        ran.append(request.path)
        return process_response(self, request, response)

    monkeypatch.setattr(CSPMiddleware, "process_response", noted)

    kept = client.get(article.get_absolute_url())

    assert ran == []
    assert kept.content == first.content
    assert kept["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert kept["X-Frame-Options"] == "DENY"
    assert not hasattr(kept.wsgi_request, "user")  # authentication never ran


def test_a_page_kept_before_the_record_of_changes_was_replaced_is_not_served(client):
    """A database restored (or emptied between tests) numbers its changes afresh: a change with
    the number a page was stamped with is not the change the page saw."""
    article = ArticleFactory(published=True, headline="Before the restore")
    client.get(article.get_absolute_url())
    stamped, _ = process_pages.seen
    PageChange.objects.all().delete()
    PageClock.objects.all().delete()
    Article.objects.filter(pk=article.pk).update(headline="After the restore")
    for _ in range(stamped - 1):
        record_change({"list-unrelated"})
    record_change({f"story-{article.pk}"})  # numbered as the change the page saw

    assert "After the restore" in client.get(article.get_absolute_url()).text


def test_the_filter_choices_are_built_once_and_again_after_a_story_joins_the_lists(
    client, settings, editor
):
    settings.CACHE_LIST_SECONDS = 0  # every request renders
    ArticleFactory(published=True, tags=[TagFactory(name="Harbours")])
    client.get("/")

    with CaptureQueriesContext(connection) as again:
        second = client.get("/")
    draft = ArticleFactory(tags=[TagFactory(name="Lighthouses")])
    actions.publish_article(Article.objects.get(pk=draft.pk), by=editor)
    third = client.get("/")

    tables = " ".join(query["sql"] for query in again.captured_queries)
    assert "articles_tag" not in tables
    assert "Harbours" in second.text
    assert "Lighthouses" not in second.text
    assert "Lighthouses" in third.text
