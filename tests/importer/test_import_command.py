"""manage.py import_legacy, end to end against the database."""

import fcntl
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import tarfile
import termios
import time
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.editorial import actions
from articles.models import Article, Dateline, Revision
from tests.factories import UserFactory
from tests.importer.helpers import (
    GOOD_SAMPLES,
    PROJECT_DIR,
    SAMPLES,
    dump_text,
    run_import,
    write_dump,
)

pytestmark = pytest.mark.django_db


def test_dry_run_jsonl_reads_the_samples_as_expected():
    status, out, _ = run_import(SAMPLES, "--dry-run", "--jsonl")

    readings = [json.loads(line) for line in out.splitlines()]
    expected = [json.loads(line) for line in (SAMPLES / "expected.jsonl").read_text().splitlines()]
    assert [r["file"] for r in readings] == [e["file"] for e in expected]
    for reading, wanted in zip(readings, expected, strict=True):
        if wanted["status"] == "error":
            assert reading["status"] == "error"
            assert reading["error"]
        else:
            assert reading == wanted
    assert status == 2
    assert Article.objects.count() == 0


def test_jsonl_needs_dry_run():
    status, _, err = run_import(SAMPLES, "--jsonl")

    assert status == 1
    assert "use it with --dry-run" in err


def test_import_stores_the_samples_as_published_stories():
    status, out, _ = run_import(SAMPLES, "--quiet")

    assert status == 2
    assert "7 files read: 5 new, 0 updated, 0 unchanged, 0 conflicts, 2 rejected." in out
    assert "rejected legacy-dumps/005_1122334455667788.txt: no Published line" in out
    assert "rejected legacy-dumps/006_99aabbccddeeff00.txt: empty file" in out

    article = Article.objects.get(legacy_id="386ae2120d209c35")
    assert article.status == Article.Status.PUBLISHED
    assert article.is_published
    assert article.headline == "US, Russia try to save truce"
    assert article.slug == "us-russia-try-to-save-truce"
    assert article.deck == "Toll in Monday bombings hits 161"
    assert article.published_at.isoformat() == "2016-05-25T01:01:00+00:00"
    assert article.updated_at.isoformat() == "2016-05-25T01:01:00+00:00"
    assert article.retrieved_at.isoformat() == "2023-12-08T04:03:00+00:00"
    assert article.source_file == "legacy-dumps/000_386ae2120d209c35.txt"
    assert len(article.paragraphs) == 11
    assert article.paragraphs[0].startswith("Washington and Moscow scrambled")
    assert str(article.dateline) == "BEIRUT, Lebanon"
    assert (article.byline, list(article.tags.all())) == ("", [])

    no_extras = Article.objects.get(legacy_id="a03b44c5d6e7f801")
    assert (no_extras.deck, no_extras.updated_at, no_extras.retrieved_at) == ("", None, None)


def test_each_place_is_one_dateline_reused_across_stories():
    run_import(SAMPLES, "--quiet")

    mumbai = Dateline.objects.get(city="Mumbai")
    assert mumbai.articles.count() == 2
    assert Dateline.objects.count() == 4


def test_every_imported_text_is_kept_as_a_public_revision():
    run_import(SAMPLES, "--quiet")

    assert Revision.objects.count() == 5
    revision = Revision.objects.get(article__legacy_id="386ae2120d209c35")
    assert (revision.number, revision.kind, revision.is_public) == (1, "import", True)
    assert revision.headline == "US, Russia try to save truce"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_running_again_changes_nothing_and_says_so(workers):
    run_import(SAMPLES, "--quiet", "--workers", workers)
    before = list(Article.objects.values().order_by("pk"))

    status, out, _ = run_import(SAMPLES, "--quiet", "--workers", workers)

    assert status == 2
    assert "7 files read: 0 new, 0 updated, 5 unchanged, 0 conflicts, 2 rejected." in out
    assert list(Article.objects.values().order_by("pk")) == before
    assert Revision.objects.count() == 5


def test_later_scrape_with_new_content_updates_the_story(tmp_path):
    dump = tmp_path / "000_386ae2120d209c35.txt"
    dump.write_bytes(dump_text("Original headline"))
    run_import(dump, "--quiet")
    dump.write_bytes(dump_text("Revised headline", body="New first paragraph."))

    status, out, _ = run_import(dump, "--quiet")

    assert status == 0
    assert "1 files read: 0 new, 1 updated, 0 unchanged, 0 conflicts, 0 rejected." in out
    article = Article.objects.get(legacy_id="386ae2120d209c35")
    assert (article.headline, article.slug, article.body) == (
        "Revised headline",
        "revised-headline",
        "New first paragraph.",
    )
    assert (article.version, article.legacy_version) == (2, 2)
    assert list(article.revisions.values_list("number", "headline")) == [
        (2, "Revised headline"),
        (1, "Original headline"),
    ]


def test_a_scrape_time_alone_is_not_a_change(tmp_path):
    dump = tmp_path / "a.txt"
    header = "Friday, Dec 08, 2023 | Last Update : 09:33 AM IST\n\n"
    dump.write_bytes(header.encode() + dump_text())
    run_import(dump, "--quiet")
    dump.write_bytes(header.replace("Dec 08", "Dec 09").encode() + dump_text())

    _, out, _ = run_import(dump, "--quiet")

    assert "1 unchanged" in out


def test_story_an_editor_changed_is_kept_and_reported_as_a_conflict(tmp_path):
    dump = tmp_path / "a.txt"
    dump.write_bytes(dump_text("Imported headline"))
    run_import(dump, "--quiet")
    article = Article.objects.get(legacy_id="a")
    article.headline, article.version = "Editor's headline", article.version + 1
    article.save()
    dump.write_bytes(dump_text("Later scrape headline"))

    status, out, _ = run_import(dump, "--quiet", "--report", tmp_path / "report.jsonl")

    assert status == 0
    assert "0 updated, 0 unchanged, 1 conflicts, 0 rejected." in out
    assert "a.txt: story a was changed by an editor since its import" in out
    article.refresh_from_db()
    assert article.headline == "Editor's headline"
    report = [json.loads(line) for line in (tmp_path / "report.jsonl").read_text().splitlines()]
    assert report == [{"file": "a.txt", "result": "conflict", "legacy_id": "a"}]


def test_unchanged_dump_of_an_edited_story_is_just_unchanged(tmp_path):
    dump = tmp_path / "a.txt"
    dump.write_bytes(dump_text())
    run_import(dump, "--quiet")
    Article.objects.filter(legacy_id="a").update(headline="Edited", version=2)

    _, out, _ = run_import(dump, "--quiet")

    assert "1 unchanged, 0 conflicts" in out
    assert Article.objects.get(legacy_id="a").headline == "Edited"


def test_the_same_story_twice_in_one_batch_is_stored_once_then_updated(tmp_path):
    write_dump(tmp_path / "dumps" / "1" / "x.txt", dump_text("First scrape"))
    write_dump(tmp_path / "dumps" / "2" / "x.txt", dump_text("Second scrape"))

    _, out, _ = run_import(tmp_path / "dumps", "--quiet")

    assert "2 files read: 1 new, 1 updated" in out
    assert Article.objects.get(legacy_id="x").headline == "Second scrape"


def test_rejected_files_store_nothing_and_the_rest_goes_on(tmp_path):
    folder = tmp_path / "dumps"
    write_dump(folder / "1.txt", dump_text("Good one"))
    write_dump(folder / "2.txt", b"binary\0data")
    write_dump(folder / "3.txt", dump_text(published="Mar 3, 2019, 12:15 pm XYZ"))
    write_dump(folder / "4.txt", dump_text("Good two"))

    status, out, _ = run_import(folder, "--quiet", "--batch-size", "1")

    assert status == 2
    assert "4 files read: 2 new" in out
    assert "rejected dumps/2.txt: " in out
    assert "rejected dumps/3.txt: unknown time zone" in out
    assert sorted(Article.objects.values_list("legacy_id", flat=True)) == ["1", "4"]


def test_report_has_one_line_per_file(tmp_path):
    report = tmp_path / "report.jsonl"

    run_import(SAMPLES, "--quiet", "--report", report)

    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert len(lines) == 7
    assert lines[0] == {
        "file": "legacy-dumps/000_386ae2120d209c35.txt",
        "result": "new",
        "legacy_id": "386ae2120d209c35",
    }
    assert lines[6] == {
        "file": "legacy-dumps/006_99aabbccddeeff00.txt",
        "result": "rejected",
        "error": "empty file",
    }


def test_warnings_reach_the_report(tmp_path):
    dump = write_dump(
        tmp_path / "w.txt",
        b"Headline\n\nPublished : May 25, 2016, 6:31 am IST\n"
        b"Updated : May 24, 2016, 6:31 am IST\n\nBody.\n",
    )

    status, _, _ = run_import(dump, "--quiet", "--report", tmp_path / "r.jsonl")

    [line] = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert status == 0
    assert line["result"] == "new"
    assert line["warnings"]
    assert Article.objects.get(legacy_id="w").updated_at is None


def test_unwritable_report_is_a_clear_error_before_anything_is_stored(tmp_path):
    status, _, err = run_import(SAMPLES, "--report", tmp_path / "missing" / "report.jsonl")

    assert status == 1
    assert "cannot write the report" in err
    assert Article.objects.count() == 0


def test_missing_path_is_rejected_and_the_others_are_imported(tmp_path):
    status, out, _ = run_import(tmp_path / "nowhere", GOOD_SAMPLES[0], "--quiet")

    assert status == 2
    assert "2 files read: 1 new" in out
    assert "nowhere: cannot read: no such file or directory" in out


@pytest.mark.parametrize("kind", ["zip", "tar.gz"])
def test_archives_import_like_the_folder(tmp_path, kind):
    archive = tmp_path / f"dumps.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(archive, "w") as bundle:
            for sample in GOOD_SAMPLES:
                bundle.write(sample, f"2016/{sample.name}")
    else:
        with tarfile.open(archive, "w:gz") as bundle:
            for sample in GOOD_SAMPLES:
                bundle.add(sample, f"2016/{sample.name}")

    status, out, _ = run_import(archive, "--quiet")

    assert status == 0
    assert "5 files read: 5 new" in out
    article = Article.objects.get(legacy_id="386ae2120d209c35")
    assert article.source_file == f"dumps.{kind}:2016/000_386ae2120d209c35.txt"


def test_oversized_file_is_rejected(tmp_path):
    status, out, _ = run_import(GOOD_SAMPLES[0], "--quiet", "--max-file-size", "100")

    assert status == 2
    assert "larger than the limit of 100 bytes per file" in out
    assert Article.objects.count() == 0


def test_progress_is_plain_lines_when_not_a_terminal(monkeypatch, tmp_path):
    monkeypatch.setattr("articles.management.commands.import_legacy.PLAIN_PROGRESS_EVERY", 2)

    _, _, err = run_import(*GOOD_SAMPLES)

    assert err.count("files/s)") == 2
    assert "read 2 files (" in err


def test_quiet_prints_no_progress():
    _, _, err = run_import(*GOOD_SAMPLES, "--quiet")

    assert err == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs a database another process can share"
)
def test_a_run_killed_half_way_leaves_consistent_data_and_a_rerun_finishes(tmp_path):
    folder = tmp_path / "dumps"
    total = 6_000
    for n in range(total):
        write_dump(folder / f"{n:05}_{n:016x}.txt", dump_text(f"Story {n}", body=f"Body {n}."))
    settings = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
            f"{settings['NAME']}"
        ),
    }
    command = [sys.executable, "manage.py", "import_legacy", str(folder), "--quiet"]

    importer = subprocess.Popen(
        [*command, "--batch-size", "50", "--workers", "2"],
        cwd=PROJECT_DIR,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while Article.objects.count() < 200 and time.monotonic() < deadline:
        time.sleep(0.01)
    importer.send_signal(signal.SIGKILL)
    importer.wait()
    assert_whole_process_group_ends(importer.pid)

    stored = Article.objects.count()
    assert 0 < stored < total, "the import was not interrupted half-way"
    assert stored % 50 == 0, "a batch was half stored"
    assert Revision.objects.count() == stored

    finished = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)

    assert finished.returncode == 0, finished.stderr
    assert f"{total:,} files read: {total - stored:,} new, 0 updated, {stored:,} unchanged" in (
        finished.stdout
    )
    assert Article.objects.count() == total
    assert Article.objects.values("legacy_id").distinct().count() == total
    assert Revision.objects.count() == total


def assert_whole_process_group_ends(group: int) -> None:
    """The importer's parsing workers die with it rather than linger, holding resources."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.killpg(group, signal.SIGKILL)
    pytest.fail("parsing workers outlived the killed importer")


def test_progress_is_a_bar_on_a_terminal():
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    command = [sys.executable, "manage.py", "import_legacy", str(SAMPLES), "--dry-run"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}

    finished = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=env,
        stderr=terminal,
        capture_output=False,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    os.close(terminal)
    shown = b""
    while chunk := _read_available(controller):
        shown += chunk
    os.close(controller)

    assert finished.returncode == 2
    assert b"7/7" in shown
    assert b"100%" in shown


def _read_available(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal's other end is closed: everything has been read
        return b""


def test_imported_stories_show_at_once_on_cached_pages(client):
    assert "US, Russia try to save truce" not in client.get("/").text

    run_import(GOOD_SAMPLES[0], "--quiet")

    assert "US, Russia try to save truce" in client.get("/").text


def test_a_value_too_long_for_the_database_rejects_only_its_file(tmp_path):
    folder = tmp_path / "dumps"
    write_dump(folder / "1.txt", dump_text("H" * 300))
    write_dump(folder / "2.txt", dump_text("Fits"))

    status, out, _ = run_import(folder, "--quiet")

    assert status == 2
    assert "rejected dumps/1.txt: headline longer than 255 characters" in out
    assert list(Article.objects.values_list("headline", flat=True)) == ["Fits"]


def test_skipped_and_rejected_files_do_not_split_batches(tmp_path, django_assert_max_num_queries):
    folder = tmp_path / "dumps"
    for n in range(10):
        write_dump(folder / f"{n:02}a.txt", dump_text(f"Story {n}"))
        write_dump(folder / f"{n:02}b.txt", b"")
    run_import(folder, "--quiet", "--workers", "1")
    for n in range(10):
        write_dump(folder / f"{n:02}a.txt", dump_text(f"Story {n} revised"))

    # One batch: the stored digests, the stories, their updates and revisions; not ten batches.
    with django_assert_max_num_queries(30):
        status, out, _ = run_import(folder, "--quiet", "--workers", "1")

    assert status == 2
    assert "20 files read: 0 new, 10 updated, 0 unchanged, 0 conflicts, 10 rejected." in out


def test_a_later_scrape_shows_at_once_on_its_cached_page(client, tmp_path):
    dump = write_dump(tmp_path / "a.txt", dump_text("First scrape"))
    run_import(dump, "--quiet")
    url = Article.objects.get().get_short_url()
    assert "First scrape" in client.get(url, follow=True).text

    dump.write_bytes(dump_text("Second scrape"))
    run_import(dump, "--quiet")

    assert "Second scrape" in client.get(url, follow=True).text


def test_imported_stories_are_filed_under_their_lists_as_they_are_stored(client, tmp_path):
    """A withdrawal later drops an imported story from every cached list it was on, and the
    import never writes its new rows a second time to file them (which would compute each
    story's search vector again)."""
    dump = write_dump(tmp_path / "a.txt", dump_text("Harbour reopens", location="India, Mumbai"))
    with CaptureQueriesContext(connection) as captured:
        run_import(dump, "--quiet", "--workers", "1")
    assert not [q for q in captured if q["sql"].startswith('UPDATE "articles_article"')]
    story = Article.objects.get()
    place = story.dateline
    assert {"list-latest", f"list-place-{place.pk}"} <= set(story.list_keys.split())

    lists = ["/", f"/places/{place.country_slug}/", "/feeds/latest.rss"]
    for url in lists:
        assert "Harbour reopens" in client.get(url).text  # cached now
    editor = UserFactory(is_superuser=True, is_staff=True)
    actions.withdraw_article(story, by=editor, reason="Legal advice.")

    for url in lists:
        assert "Harbour reopens" not in client.get(url).text, url
