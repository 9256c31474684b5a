"""A dateline typed at the start of a body is removed where the text enters: saves and imports.

The rule itself is tested in tests/test_text.py; here, that every way in applies it and that
readers see the dateline once.
"""

import pytest

from articles.editorial import actions
from articles.models import Article, Dateline
from tests.factories import ArticleFactory
from tests.importer.helpers import dump_text, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def beirut():
    return Dateline.objects.create(country="Lebanon", city="Beirut")


def test_a_new_story_is_saved_without_the_dateline_typed_into_its_body(editor, beirut):
    article = Article(headline="Talks resume", body="BEIRUT (AP) — Talks resumed.", dateline=beirut)

    revision = actions.save_article(article, by=editor)

    article.refresh_from_db()
    assert article.body == "Talks resumed."
    assert revision.body == "Talks resumed."


def test_an_edit_of_a_live_story_and_its_publication_are_cleaned_too(editor, beirut):
    article = ArticleFactory(dateline=beirut, body="Talks resumed.")
    article.body = "Beirut, Lebanon - Talks resumed at noon."
    actions.publish_article(article, by=editor)
    article.body = "BEIRUT — Talks ended."

    actions.save_article(article, by=editor, kind="update", note="Talks ended.")

    article.refresh_from_db()
    assert article.body == "Talks ended."
    assert list(article.revisions.values_list("body", flat=True)) == [
        "Talks ended.",
        "Talks resumed at noon.",
    ]


def test_another_place_typed_at_the_start_is_the_writers_and_stays(editor, beirut):
    article = Article(headline="Talks", body="DAMASCUS — Talks resumed.", dateline=beirut)

    actions.save_article(article, by=editor)

    assert Article.objects.get().body == "DAMASCUS — Talks resumed."


def test_the_import_stores_the_body_without_its_typed_dateline(tmp_path):
    dump = tmp_path / "000_386ae2120d209c35.txt"
    dump.write_bytes(dump_text(body="MUMBAI — Dock workers returned.\n\nShips left."))

    run_import(dump, "--quiet")

    assert Article.objects.get().body == "Dock workers returned.\n\nShips left."


def test_readers_see_the_dateline_once(client, editor, beirut):
    article = Article(headline="Talks resume", body="BEIRUT — Talks resumed.", dateline=beirut)
    actions.save_article(article, by=editor)
    actions.publish_article(article, by=editor)

    page = client.get(article.get_absolute_url()).text

    assert page.count("BEIRUT —") == 1
    assert '<span class="dateline">BEIRUT —</span> Talks resumed.' in page
