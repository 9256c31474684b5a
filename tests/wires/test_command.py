"""manage.py ingest_wires, its stable interface, and the sources it reads."""

import json
import shutil
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from articles.wires.models import WireItem, WireSource
from articles.wires.sources import Follower
from tests.helpers import run_command
from tests.site.servers import port
from tests.wires.helpers import LIFECYCLE, SAMPLES, ninjs

pytestmark = pytest.mark.django_db

KEYS = ["source", "format", "uri", "version", "pub_status", "urgency", "headline", "outcome",
        "reason"]  # fmt: skip


def run(*args) -> tuple[int, str, str]:
    return run_command("ingest_wires", *args)


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_jsonl_reports_every_sample_in_sorted_order():
    status, out, _ = run(SAMPLES, "--jsonl")

    readings = lines(out)
    assert status == 0
    assert all(list(reading) == KEYS for reading in readings)
    assert [r["source"] for r in readings] == sorted(r["source"] for r in readings)
    assert [r["outcome"] for r in readings] == [
        "new", "updated", "updated",  # the lifecycle
        "new", "skipped", "new", "new",  # NewsML-G2 (the last a picture)
        "new", "unchanged", "new", "new", "new", "new",  # ninjs (the third a picture)
    ]  # fmt: skip
    assert {r["format"] for r in readings} == {"ninjs", "newsml-g2"}
    assert readings[2] == {
        "source": str(LIFECYCLE / "3-kill.json"),
        "format": "ninjs",
        "uri": "urn:newsml:wire.example.org:20261130:port-strike-1",
        "version": "3",
        "pub_status": "canceled",
        "urgency": 1,
        "headline": "KILL: Kochi dock workers strike over unpaid overtime",
        "outcome": "updated",
        "reason": "",
    }
    assert WireItem.objects.count() == 9
    assert WireItem.objects.filter(kind="picture").count() == 2


def test_dry_run_stores_nothing():
    status, out, _ = run(LIFECYCLE, "--jsonl", "--dry-run")

    assert status == 0
    assert [r["outcome"] for r in lines(out)] == ["new", "updated", "updated"]
    assert not WireItem.objects.exists()


def test_a_bad_file_is_rejected_alone_and_the_exit_status_is_2(tmp_path):
    (tmp_path / "a.json").write_bytes(ninjs(uri="urn:a"))
    (tmp_path / "b.xml").write_bytes(b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x/>')
    (tmp_path / "c.json").write_bytes(ninjs(uri="urn:c"))

    status, out, _ = run(tmp_path, "--jsonl")

    readings = lines(out)
    assert status == 2
    assert [r["outcome"] for r in readings] == ["new", "rejected", "new"]
    assert readings[1]["format"] == "newsml-g2"
    assert "document type declaration" in readings[1]["reason"]
    assert WireItem.objects.count() == 2


def test_without_jsonl_a_summary():
    contentset = "LISTING_25_An_NITF_marked-up_article_conveyed_in_inlineXML.xml"
    status, out, err = run(LIFECYCLE, SAMPLES / "newsml-g2" / contentset)

    assert status == 0
    assert out.strip() == (
        "4 items read: 1 new, 2 updated, 0 unchanged, 1 skipped; 0 files rejected."
    )
    assert "skipped" in err


class Agency(BaseHTTPRequestHandler):
    """An agency's feed server: answers with an ETag and Last-Modified, and 304 to a
    conditional request that matches."""

    body = b""
    seen: list = []

    def do_GET(self):
        type(self).seen.append(dict(self.headers))
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", '"v1"')
        self.send_header("Last-Modified", "Mon, 30 Nov 2026 04:00:00 GMT")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def agency():
    server = ThreadingHTTPServer(("127.0.0.1", port(20)), Agency)
    Agency.seen = []
    Agency.body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Agency</title>
      <item><title>Rail strike</title><guid>urn:rss:1</guid><description>Trains stop.
      </description></item></channel></rss>"""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port(20)}/feed.rss"
    server.shutdown()
    server.server_close()


def test_a_feed_url_is_pulled_with_conditional_get(agency):
    source = WireSource.objects.create(name="Agency", kind="url", location=agency)
    follower = Follower(report=lambda source, results: None)

    first = follower.poll(source)
    second = follower.poll(source)

    assert [r.outcome for r in first] == ["new"]
    assert second == []
    assert Agency.seen[1]["If-None-Match"] == '"v1"'
    assert Agency.seen[1]["If-Modified-Since"] == "Mon, 30 Nov 2026 04:00:00 GMT"
    source.refresh_from_db()
    assert (source.etag, source.last_error) == ('"v1"', "")


def test_a_feed_url_on_the_command_line(agency):
    status, out, _ = run(agency, "--jsonl")

    assert status == 0
    assert lines(out)[0]["format"] == "rss"


@override_settings(WIRE_MAX_FILE_BYTES=100)
def test_an_oversized_response_is_rejected(agency):
    status, out, _ = run(agency, "--jsonl")

    assert status == 2
    assert "over the limit of 100" in lines(out)[0]["reason"]


def test_an_unreachable_feed_is_rejected_with_the_reason():
    status, out, _ = run(f"http://127.0.0.1:{port(21)}/nothing.rss", "--jsonl")

    assert status == 2
    assert "cannot fetch" in lines(out)[0]["reason"]


@override_settings(WIRE_FETCH_TIMEOUT_SECONDS=0.5)
def test_a_slow_feed_times_out():
    listener = socket.create_server(("127.0.0.1", port(22)))  # accepts, never answers
    try:
        status, out, _ = run(f"http://127.0.0.1:{port(22)}/slow.rss", "--jsonl")
    finally:
        listener.close()

    assert status == 2
    assert "timed out" in lines(out)[0]["reason"]


def test_a_folder_source_reads_only_what_changed(tmp_path):
    shutil.copy(LIFECYCLE / "1-first.json", tmp_path)
    source = WireSource.objects.create(name="Drop box", kind="folder", location=str(tmp_path))
    follower = Follower(report=lambda source, results: None)

    first = follower.poll(source)
    again = follower.poll(source)
    shutil.copy(LIFECYCLE / "2-correction.json", tmp_path)
    later = follower.poll(source)

    assert [r.outcome for r in first] == ["new"]
    assert again == []
    assert [r.outcome for r in later] == ["updated"]
    assert WireItem.objects.get().source == source


def test_parsing_workers_keep_the_files_order():
    _, alone, _ = run(SAMPLES, "--jsonl", "--dry-run", "--workers", "1")
    _, parallel, _ = run(SAMPLES, "--jsonl", "--dry-run", "--workers", "2")

    assert lines(parallel) == lines(alone)
    assert len(lines(alone)) == 13
