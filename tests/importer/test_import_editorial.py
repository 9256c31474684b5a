"""The importer and the editors: it never brings back what they took down, and it records
each story it publishes as a status change like any other."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.editorial.actions import withdraw_article, write_version
from articles.editorial.signals import articles_changed
from articles.models import Article, Dateline, StatusChange
from tests.importer.helpers import GOOD_SAMPLES, SAMPLES, dump_text, run_import, write_dump

pytestmark = pytest.mark.django_db


def unpublish(article: Article) -> None:
    """Back to draft after publication, as the editorial layer's unpublish leaves a story."""
    write_version(article, article.version, status=Article.Status.DRAFT)


@pytest.mark.parametrize(
    ("take_down", "reason"),
    [
        (lambda story, editor: withdraw_article(story, by=editor, reason="Legal"), "withdrawn"),
        (lambda story, editor: unpublish(story), "unpublished"),
    ],
    ids=["withdrawn", "unpublished"],
)
def test_a_later_scrape_never_brings_back_a_story_an_editor_took_down(
    tmp_path, editor, take_down, reason
):
    dump = write_dump(tmp_path / "a.txt", dump_text("Imported headline"))
    run_import(dump, "--quiet")
    story = Article.objects.get(legacy_id="a")
    take_down(story, editor)
    taken_down = Article.objects.values().get(pk=story.pk)
    dump.write_bytes(dump_text("Later scrape headline"))

    status, out, _ = run_import(dump, "--quiet", "--report", tmp_path / "report.jsonl")

    assert status == 0
    assert "1 files read: 0 new, 0 updated, 0 unchanged, 0 conflicts, 1 skipped, 0 rejected." in (
        out
    )
    assert (
        f"skipped a.txt: story a was {reason} by an editor; the import does not bring it back"
        in out
    )
    assert Article.objects.values().get(pk=story.pk) == taken_down
    report = [json.loads(line) for line in (tmp_path / "report.jsonl").read_text().splitlines()]
    assert report == [
        {"file": "a.txt", "result": "skipped", "legacy_id": "a", "reason": f"{reason} by an editor"}
    ]


def test_the_very_file_a_taken_down_story_came_from_is_skipped_too(tmp_path, editor):
    dump = write_dump(tmp_path / "a.txt", dump_text())
    run_import(dump, "--quiet")
    withdraw_article(Article.objects.get(legacy_id="a"), by=editor, reason="Legal")

    _, out, _ = run_import(dump, "--quiet")

    assert "0 unchanged, 0 conflicts, 1 skipped, 0 rejected." in out
    assert Article.objects.get(legacy_id="a").status == Article.Status.WITHDRAWN


def test_the_summary_names_no_skipped_files_when_there_are_none():
    _, out, _ = run_import(*GOOD_SAMPLES, "--quiet")

    assert out.splitlines()[0] == (
        "5 files read: 5 new, 0 updated, 0 unchanged, 0 conflicts, 0 rejected."
    )


def test_each_imported_story_is_published_by_the_import_as_a_status_change():
    run_import(SAMPLES, "--quiet")

    changes = StatusChange.objects.select_related("article").order_by("article__legacy_id")
    assert changes.count() == Article.objects.count() == 5
    for change in changes:
        assert (change.from_status, change.to_status) == ("draft", "published")
        assert change.by is None
        assert change.publish_at == change.article.published_at
        assert change.reason == f"imported from {change.article.source_file}"
    first = StatusChange.objects.get(article__legacy_id="386ae2120d209c35")
    assert first.reason == "imported from legacy-dumps/000_386ae2120d209c35.txt"


def test_an_update_from_a_later_scrape_is_no_status_change(tmp_path):
    dump = write_dump(tmp_path / "a.txt", dump_text("First scrape"))
    run_import(dump, "--quiet")
    dump.write_bytes(dump_text("Second scrape"))

    run_import(dump, "--quiet")

    assert StatusChange.objects.count() == 1


def test_status_changes_are_written_in_bulk(tmp_path):
    """Stories, revisions and status changes cost a few queries a batch, not one a story."""
    for n in range(40):
        write_dump(tmp_path / "few" / f"{n:02}.txt", dump_text(f"Story {n}", location="Nepal"))
        write_dump(tmp_path / "many" / f"{n:02}.txt", dump_text(f"Story {n}", location="Nepal"))
    for n in range(40, 200):  # still one chunk of files for the parser's digest lookup
        write_dump(tmp_path / "many" / f"{n:03}.txt", dump_text(f"Story {n}", location="Nepal"))
    Dateline.objects.get_or_create_place("Nepal")
    queries = []
    for folder in ("few", "many"):
        Article.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            run_import(tmp_path / folder, "--quiet", "--workers", "1", "--batch-size", "1000")
        queries.append(len(captured))

    assert StatusChange.objects.count() == 200
    if connection.vendor == "postgresql":
        assert queries[0] == queries[1]  # one COPY a table, whatever the number of rows
    else:
        # bulk_create and bulk_update, in the batches SQLite's limits allow: 160 more stories
        # cost a few more queries, not one each.
        assert queries[1] - queries[0] < 160 / 10


def test_stored_stories_are_announced_by_their_ids_and_new_ones_by_their_lists(tmp_path):
    announced, joined = [], set()

    def listen(**kwargs):
        announced.extend(kwargs["article_ids"])
        joined.update(kwargs.get("joined_lists", ()))

    articles_changed.connect(listen)
    try:
        run_import(*GOOD_SAMPLES, "--quiet")
        assert announced == []  # nothing stored before changed
        filed = set().union(*(a.list_keys.split() for a in Article.objects.all()))
        assert joined == filed
        assert "list-latest" in joined
        dump = write_dump(tmp_path / "000_386ae2120d209c35.txt", dump_text("Rescraped"))
        announced.clear()
        joined.clear()
        run_import(dump, "--quiet")
    finally:
        articles_changed.disconnect(listen)

    assert announced == [Article.objects.get(legacy_id="386ae2120d209c35").pk]
    assert joined == set()
