"""manage.py import_legacy against hostile and odd input: names, damaged archives, a lost
database, memory."""

import gc
import io
import os
import re
import tarfile
import types
import zipfile
from pathlib import Path

import pytest
from django.db import OperationalError, connection, connections

from articles.importer import run, sources
from articles.importer.run import import_dumps
from articles.management.commands import import_legacy
from articles.models import Article
from tests.importer.helpers import dump_text, run_import, write_dump

pytestmark = pytest.mark.django_db


def test_undecodable_file_names_are_rejected_and_the_rest_is_imported(tmp_path):
    folder = tmp_path / "dumps"
    for name in [b"a.txt", b"bad\xff\xfe.txt", b"c.txt"]:
        write_dump(Path(os.fsdecode(bytes(folder) + b"/" + name)), dump_text(f"Story {name[0]}"))
    archive = tmp_path / "more.tar.gz"
    with tarfile.open(archive, "w:gz", format=tarfile.GNU_FORMAT, encoding="latin-1") as bundle:
        for name in ["caf\xe9.txt", "d.txt"]:
            data = dump_text(f"Story {name}")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            bundle.addfile(info, io.BytesIO(data))
    later = write_dump(tmp_path / "e.txt", dump_text("Story e"))

    status, out, _ = run_import(folder, archive, later, "--quiet", "--batch-size", "2")

    assert status == 2
    assert "6 files read: 4 new, 0 updated, 0 unchanged, 0 conflicts, 2 rejected." in out
    assert "rejected dumps/bad\\xff\\xfe.txt: file name is not valid UTF-8: not read" in out
    assert "rejected more.tar.gz:caf\\xe9.txt: file name is not valid UTF-8: not read" in out
    assert sorted(Article.objects.values_list("legacy_id", flat=True)) == ["a", "c", "d", "e"]


def test_a_damaged_zip_member_is_rejected_and_the_rest_of_the_archive_imported(tmp_path):
    archive = tmp_path / "dumps.zip"
    with zipfile.ZipFile(archive, "w") as bundle:  # stored, so the test can damage the bytes
        for name in "abc":
            bundle.writestr(f"{name}.txt", dump_text(f"Story {name}", body=f"Body {name}."))
    archive.write_bytes(archive.read_bytes().replace(b"Body b.", b"Body B."))

    status, out, _ = run_import(archive, "--quiet")

    assert status == 2
    assert "3 files read: 2 new" in out
    assert "rejected dumps.zip:b.txt: unreadable member: Bad CRC-32 for file 'b.txt'" in out
    assert sorted(Article.objects.values_list("legacy_id", flat=True)) == ["a", "c"]


def test_control_characters_never_reach_a_stored_story(tmp_path):
    dump = write_dump(
        tmp_path / "x.txt",
        dump_text("Alarm\x07 bell", body="Escape\x1b[0m code.", location="India\x01, Mumbai"),
    )

    status, _, _ = run_import(dump, "--quiet", "--report", tmp_path / "report.jsonl")

    article = Article.objects.select_related("dateline").get(legacy_id="x")
    assert (status, article.headline, article.body) == (0, "Alarm bell", "Escape[0m code.")
    assert article.dateline.country == "India"
    assert (
        "control characters removed: U+0001, U+0007, U+001B"
        in (tmp_path / "report.jsonl").read_text()
    )


def test_memory_budget_must_hold_two_files(tmp_path):
    status, _, err = run_import(
        tmp_path, "--max-file-size", "1000", "--memory-budget", "1999", "--quiet"
    )

    assert status == 1
    assert "--memory-budget must be at least twice --max-file-size" in err


def test_a_batch_of_large_stories_is_stored_before_it_reaches_the_batch_size(tmp_path):
    for n in range(6):
        write_dump(tmp_path / f"{n}.txt", dump_text(f"Story {n}", body="word " * 200))
    size = (tmp_path / "0.txt").stat().st_size
    results = import_dumps(
        sources.iter_dumps([tmp_path]),
        dry_run=False,
        workers=1,
        batch_size=500,
        memory_budget=2 * 2 * size,  # half of it for stories waiting: two of them
    )

    first = next(results)

    assert first.result == "new"
    assert Article.objects.count() == 2
    assert [outcome.result for outcome in results] == ["new"] * 5
    assert Article.objects.count() == 6


def test_rejections_wait_for_the_summary_outside_memory(tmp_path, monkeypatch):
    """Each rejection goes to the summary's temporary file as it comes."""
    for n in range(3):
        write_dump(tmp_path / f"{n}.txt", b"")
    written = []

    class Recording(io.StringIO):
        def write(self, text):
            written.append(text)
            return super().write(text)

    monkeypatch.setattr(import_legacy.tempfile, "TemporaryFile", lambda *a, **kw: Recording())

    status, out, _ = run_import(tmp_path, "--quiet")

    assert status == 2
    assert written == [f"  rejected {tmp_path.name}/{n}.txt: empty file\n" for n in range(3)]
    assert out.splitlines()[1:] == [line.rstrip("\n") for line in written]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates PostgreSQL backends")
def test_a_database_connection_lost_mid_import_ends_with_one_clear_line(tmp_path, monkeypatch):
    for n in range(1200):
        write_dump(tmp_path / "dumps" / f"{n:04}.txt", dump_text(f"Story {n}"))
    real_iter_dumps = import_legacy.iter_dumps

    def killing_the_connections_half_way(paths, limits):
        for read, dump in enumerate(real_iter_dumps(paths, limits)):
            if read == 1100:  # the first chunks are parsed and being stored by now
                # Every connection of the import (its own and its writers').
                terminate_other_connections()
            yield dump

    monkeypatch.setattr(import_legacy, "iter_dumps", killing_the_connections_half_way)

    status, out, err = run_import(
        tmp_path / "dumps", "--quiet", "--batch-size", "50", "--workers", "1"
    )
    connection.close()  # the test's own connection was terminated too

    assert status == 1
    assert out == ""
    [line] = err.splitlines()
    assert re.fullmatch(
        r"The database stopped the import after [\d,]+ files \(terminating connection due to "
        r"administrator command\)\. Every batch stored before that is kept: run the same "
        r"command again to resume\.",
        line,
    ), line
    stored = Article.objects.count()
    assert 0 < stored < 1200
    assert stored % 50 == 0
    monkeypatch.undo()  # the operator's second run meets no failure
    rerun = run_import(tmp_path / "dumps", "--quiet")
    assert rerun[0] == 0, rerun
    assert Article.objects.count() == 1200


def terminate_other_connections() -> None:
    """Every connection to the test database but a new one's, as a server restart would."""
    other = connections.create_connection("default")
    with other.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    other.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates PostgreSQL backends")
def test_a_lost_database_stops_the_parsing_processes_before_the_error_is_told(
    tmp_path, monkeypatch
):
    """Else the pool is shut down whenever the error is collected, in whatever thread: in the
    pool's own, it printed "RuntimeError: cannot join current thread" after the message."""
    for n in range(3000):
        write_dump(tmp_path / f"{n:04}.txt", dump_text(f"Story {n}"))
    real_store, stored = run.store_legacy_records, []

    def killing_the_connections_at_the_third_batch(dumps, **kwargs):
        stored.append(len(dumps))
        if len(stored) == 3:
            terminate_other_connections()
        return real_store(dumps, **kwargs)

    monkeypatch.setattr(run, "store_legacy_records", killing_the_connections_at_the_third_batch)

    with pytest.raises(OperationalError) as lost:
        for _ in import_dumps(
            sources.iter_dumps([tmp_path]), dry_run=False, workers=2, batch_size=50
        ):
            pass
    connection.close()

    assert lost.value is not None  # the error, and what its traceback holds, still alive
    suspended = [
        generator
        for generator in gc.get_objects()
        # type(), not isinstance(): that would evaluate a lazy object another test left.
        if type(generator) is types.GeneratorType
        and generator.gi_code.co_name == "parse_dumps"
        and generator.gi_frame is not None
    ]
    assert suspended == []
