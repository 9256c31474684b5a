"""The narrowest race: another editor commits between the form's version check and its write.

The write is refused and rolled back; the admin's second pass merges against the winner.

PostgreSQL only: the other editor writes from a second connection while the first request
is inside its transaction (SQLite allows one writer at a time, so the race cannot happen).
"""

import threading

import pytest
from django.db import connection, connections

from articles.admin.stories import ArticleAdmin
from articles.editorial import actions
from articles.models import Article
from tests.admin.helpers import change_url, form_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers"),
]


def test_a_save_that_loses_the_race_is_merged_with_the_winner(
    editor_client, second_editor, monkeypatch
):
    article = Article(headline="Ferry sinks", body="A ferry sank.")
    actions.save_article(article, by=second_editor)
    original_save_model = ArticleAdmin.save_model

    def other_editor_commits_first(self, request, obj, form, change):
        def other_editor():
            try:
                theirs = Article.objects.get(pk=obj.pk)
                theirs.body = "A ferry sank; 40 rescued."
                actions.save_article(theirs, by=second_editor)
            finally:
                connections.close_all()

        thread = threading.Thread(target=other_editor)
        thread.start()
        thread.join()
        monkeypatch.setattr(ArticleAdmin, "save_model", original_save_model)
        return original_save_model(self, request, obj, form, change)

    monkeypatch.setattr(ArticleAdmin, "save_model", other_editor_commits_first)

    response = editor_client.post(change_url(article), form_data(article, headline="Mine"))

    assert response.status_code == 302
    stored = Article.objects.get()
    assert (stored.headline, stored.body, stored.version) == (
        "Mine",
        "A ferry sank; 40 rescued.",
        3,
    )
