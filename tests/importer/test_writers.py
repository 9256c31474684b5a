"""Several writer connections: the same results as one, in input order, and nothing left open."""

import json
import threading
import time

import pytest
from django.db import connection, transaction

from articles.editorial.signals import articles_changed
from articles.importer.writers import Writers, usable_writers
from articles.models import Article, Revision, StatusChange
from tests.importer.helpers import dump_text, run_import, write_dump

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel writers need PostgreSQL"
)


@pytest.mark.django_db
def test_one_writer_inside_a_callers_transaction():
    """Writers on other connections could not see the caller's rows nor roll back with it."""
    assert transaction.get_connection().in_atomic_block
    assert usable_writers(4) == 1


@pytest.mark.skipif(connection.vendor != "sqlite", reason="about SQLite")
@pytest.mark.django_db(transaction=True)
def test_one_writer_on_sqlite_which_writes_one_transaction_at_a_time():
    assert usable_writers(4) == 1


def test_a_legacy_id_always_goes_to_the_same_writer():
    writers = Writers(3, store=lambda batch: [])

    routes = {legacy_id: writers.writer_for(legacy_id) for legacy_id in ["a", "b", "c", "x" * 64]}

    assert routes == {legacy_id: writers.writer_for(legacy_id) for legacy_id in routes}
    assert set(routes.values()) <= {0, 1, 2}
    assert len(set(routes.values())) > 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_several_writers_store_everything_once_and_report_in_input_order(tmp_path):
    folder = tmp_path / "dumps"
    for n in range(300):
        write_dump(folder / f"{n:03}_{n:016x}.txt", dump_text(f"Story {n}", body=f"Body {n}."))
    write_dump(folder / "300_bad.txt", b"")
    # The same story again, later in the input: its writer stores it after the first scrape.
    write_dump(folder / "zz" / f"007_{7:016x}.txt", dump_text("Story 7, rescraped"))
    writer_threads = set()

    def note_thread(**kwargs):
        writer_threads.add(threading.current_thread().name)

    articles_changed.connect(note_thread)
    try:
        status, out, _ = run_import(
            folder, "--quiet", "--writers", "3", "--batch-size", "20", "--report", tmp_path / "r"
        )
    finally:
        articles_changed.disconnect(note_thread)

    assert status == 2
    assert "302 files read: 300 new, 1 updated, 0 unchanged, 0 conflicts, 1 rejected." in out
    assert len(writer_threads) == 3
    report = [json.loads(line) for line in (tmp_path / "r").read_text().splitlines()]
    assert [line["file"] for line in report] == [
        *(f"dumps/{n:03}_{n:016x}.txt" for n in range(300)),
        "dumps/300_bad.txt",
        f"dumps/zz/007_{7:016x}.txt",
    ]
    assert [line["result"] for line in report[-2:]] == ["rejected", "updated"]
    assert Article.objects.count() == StatusChange.objects.count() == 300
    assert Revision.objects.count() == 301
    assert Article.objects.get(legacy_id=f"{7:016x}").headline == "Story 7, rescraped"
    with connection.cursor() as cursor:  # the English vector, stemmed: "stories" finds "Story"
        cursor.execute(
            "SELECT count(*) FROM articles_article"
            " WHERE search_vector @@ plainto_tsquery('english', 'stories')"
        )
        assert cursor.fetchone() == (300,)

    for story_7 in folder.glob(f"**/007_{7:016x}.txt"):
        story_7.unlink()

    _, again, _ = run_import(folder, "--quiet", "--writers", "3")

    assert "300 files read: 0 new, 0 updated, 299 unchanged, 0 conflicts, 1 rejected." in again


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_writers_commit_without_waiting_for_the_disk_and_close_their_connections(tmp_path):
    for n in range(40):
        write_dump(tmp_path / f"{n:02}.txt", dump_text(f"Story {n}"))
    durability = set()

    def note_durability(**kwargs):
        with transaction.get_connection().cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            durability.add(cursor.fetchone()[0])

    before = other_connections()
    articles_changed.connect(note_durability)
    try:
        run_import(tmp_path, "--quiet", "--writers", "2", "--batch-size", "10")
    finally:
        articles_changed.disconnect(note_durability)

    assert durability == {"off"}
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
    deadline = time.monotonic() + 5  # a server process ends a moment after its client leaves
    while other_connections() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert other_connections() == before


def other_connections() -> int:
    """Connections to the test database besides the test's own."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]
