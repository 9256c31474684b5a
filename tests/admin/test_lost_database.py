"""A save whose database connection is lost answers "not saved, try again" with the editor's
text, never a server error, and saving again from that page goes through."""

import pytest
from django.db import connection, connections

from articles.models import Article
from tests.admin.helpers import change_url, form_data
from tests.factories import ArticleFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates a backend"),
]


def terminated_at(statement: str):
    """An execute wrapper that has the server end this connection just before `statement`."""
    backend = connection.connection.info.backend_pid

    def wrapper(execute, sql, params, many, context):
        if sql.startswith(statement):
            other = connections.create_connection("default")
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
            other.close()
        return execute(sql, params, many, context)

    return wrapper


def test_a_save_that_loses_the_database_keeps_the_text_and_can_be_sent_again(editor_client):
    article = ArticleFactory(headline="Dam gates opened", body="Water rose.")
    data = form_data(article, body="Water rose by two metres.\n\nTowns downstream were warned.")
    editor_client.get(change_url(article))  # the connection is open

    with connection.execute_wrapper(terminated_at('INSERT INTO "articles_revision"')):
        response = editor_client.post(change_url(article), data)

    assert response.status_code == 503
    text = response.content.decode()
    assert "not saved" in text
    assert "Water rose by two metres.\n\nTowns downstream were warned." in text
    assert f'name="loaded_version" value="{article.version}"' in text
    connection.close()
    assert Article.objects.get(pk=article.pk).body == "Water rose."  # nothing half-written

    again = editor_client.post(change_url(article), data)

    assert again.status_code == 302
    assert Article.objects.get(pk=article.pk).body.startswith("Water rose by two metres.")
