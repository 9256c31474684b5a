"""The narrowest race: another editor writes while an admin save is between its version check
and its write.

The admin save holds the story's row lock from its checks to its commit, so the other write
waits for it, then finds the story moved on and is refused as stale: nothing is overwritten.

PostgreSQL only: the other editor writes from a second connection while the first request
is inside its transaction (SQLite allows one writer at a time, so the race cannot happen).
"""

import threading
import time

import pytest
from django.db import connection, connections

from articles.admin.stories import ArticleAdmin
from articles.editorial import actions
from articles.editorial.errors import StaleArticleError
from articles.models import Article
from tests.admin.helpers import change_url, form_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers"),
]


def waiting_for_a_lock(timeout: float = 10) -> bool:
    """Whether another connection is seen waiting for a row lock within `timeout`."""
    observer = connections.create_connection("default")
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with observer.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return True
            time.sleep(0.05)
        return False
    finally:
        observer.close()


def test_a_write_during_a_save_waits_for_it_and_is_refused_as_stale(
    editor_client, second_editor, monkeypatch
):
    article = Article(headline="Ferry sinks", body="A ferry sank.")
    actions.save_article(article, by=second_editor)
    original_save_model = ArticleAdmin.save_model
    other: dict = {}

    def other_editor():
        try:
            theirs = Article.objects.get(pk=article.pk)
            theirs.body = "A ferry sank; 40 rescued."
            actions.save_article(theirs, by=second_editor)
            other["outcome"] = "saved"
        except StaleArticleError:
            other["outcome"] = "refused as stale"
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_editor)

    def other_editor_writes_meanwhile(self, request, obj, form, change):
        thread.start()
        assert waiting_for_a_lock()  # the other write waits for this save's row lock
        monkeypatch.setattr(ArticleAdmin, "save_model", original_save_model)
        return original_save_model(self, request, obj, form, change)

    monkeypatch.setattr(ArticleAdmin, "save_model", other_editor_writes_meanwhile)

    response = editor_client.post(change_url(article), form_data(article, headline="Mine"))
    thread.join()

    assert response.status_code == 302
    assert other["outcome"] == "refused as stale"
    stored = Article.objects.get()
    assert (stored.headline, stored.body, stored.version) == ("Mine", "A ferry sank.", 2)
