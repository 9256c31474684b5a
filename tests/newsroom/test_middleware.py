"""A HEAD is answered with GET's headers and no body: through Django's WSGI handler, and under
a real gunicorn, whose log must not say that the app sent body bytes on a no-body response."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from tests.factories import ArticleFactory

ROOT = Path(__file__).resolve().parents[2]


def through_wsgi(method: str, path: str) -> tuple[str, dict[str, str], bytes]:
    """What a WSGI server gets from the project for one request."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    environ = RequestFactory().generic(method, path).environ
    chunks = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        chunks.close()
    return answer["status"], answer["headers"], body


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["page", "not found", "withdrawn", "static file"])
def test_head_has_the_headers_of_get_and_no_body(kind):
    path = {
        "page": "/",
        "not found": "/no-such-page/",
        "withdrawn": ArticleFactory(withdrawn=True).get_absolute_url(),
        "static file": "/static/css/site.css",
    }[kind]

    get_status, get_headers, get_body = through_wsgi("GET", path)
    head_status, head_headers, head_body = through_wsgi("HEAD", path)

    assert head_status == get_status
    assert head_body == b""
    assert get_body
    assert head_headers["Content-Type"] == get_headers["Content-Type"]
    assert head_headers["Content-Length"] == get_headers["Content-Length"] == str(len(get_body))


# Made in the server's own SQLite database: the test database may be one only this process sees.
SET_UP_SERVER_DATABASE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import ArticleFactory
print(ArticleFactory(withdrawn=True).get_absolute_url())
"""


def free_port() -> int:
    """TEST_SERVER_PORT where the machine gives each developer a range, else any free port."""
    if port := os.environ.get("TEST_SERVER_PORT"):
        return int(port)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    """gunicorn serving the project on 127.0.0.1 with one sync worker, logging to a file."""
    folder = tmp_path_factory.mktemp("gunicorn")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": "",
    }
    withdrawn_path = subprocess.run(
        [sys.executable, "-c", SET_UP_SERVER_DATABASE],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.strip()
    port, log = free_port(), folder / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", "--error-logfile", str(log)]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"gunicorn did not start: {log.read_text()}") from None
                time.sleep(0.2)
        yield port, log, withdrawn_path
    finally:
        server.terminate()
        server.wait(timeout=30)


def ask(port: int, method: str, path: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_gunicorn_logs_nothing_for_head_on_a_missing_or_withdrawn_page(gunicorn):
    port, log, withdrawn_path = gunicorn
    answers = {path: ask(port, "HEAD", path) for path in ("/no-such-page/", withdrawn_path, "/")}
    # One sync worker answers in turn: once this GET is back, the HEADs are done and logged.
    ask(port, "GET", "/")

    assert [status for status, _, _ in answers.values()] == [404, 410, 200]
    assert all(int(headers["Content-Length"]) > 0 for _, headers, _ in answers.values())
    assert "no-body response" not in log.read_text()
