"""Real servers for the tests that need them: gunicorn with several workers, Redis, Varnish.

They listen on 127.0.0.1 only, on ports from TEST_PORT_BASE (default 19200) upwards, and
share the test database, which must be one another process can open (PostgreSQL, or SQLite
in a file).
"""

import os
import select
import shutil
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

PROJECT_DIR = Path(__file__).resolve().parents[2]
PORT_BASE = int(os.environ.get("TEST_PORT_BASE", "19200"))


def port(offset: int) -> int:
    return PORT_BASE + offset


def shared_database_url() -> str:
    """The test database as a URL for another process; skips where none can share it."""
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
        return (
            f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        )
    name = str(database["NAME"])
    if connection.vendor == "sqlite" and name != ":memory:" and "mode=memory" not in name:
        return f"sqlite:///{name}"
    pytest.skip("needs a database another process can share")


def fetch(url: str, method: str = "GET", headers: dict | None = None):
    """(status, headers, body) of one request on a new connection (to reach any worker)."""
    request = urllib.request.Request(url, method=method, headers={"Connection": "close"})
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def fetch_file(url: str):
    """(status, headers) of a request for a file (a picture), whose body is not text."""
    request = urllib.request.Request(url, headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answered at {url}")


class Server:
    """A process of the tests' own, stopped if it never answers."""

    process: subprocess.Popen

    def _started(self, url: str) -> None:
        try:
            wait_for(url + "/sitemap-news.xml")
        except RuntimeError:
            self.stop()
            raise

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class Gunicorn(Server):
    """The site served as in production: gunicorn, several workers, DEBUG off."""

    def __init__(self, listen: int, workers: int = 3, **environment: str):
        self.url = f"http://127.0.0.1:{listen}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": shared_database_url(),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "ERROR",
            **environment,
        }
        if "REDIS_URL" not in environment:
            env.pop("REDIS_URL", None)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi",
                f"--workers={workers}",
                f"--bind=127.0.0.1:{listen}",
                "--log-level=error",
            ],
            cwd=PROJECT_DIR,
            env=env,
        )
        self._started(self.url)


class Redis:
    """A Redis of the tests' own on its own port: it can be paused, unlike the machine's."""

    def __init__(self, listen: int):
        if shutil.which("redis-server") is None:
            pytest.skip("no redis-server on this machine (apt-get install redis-server)")
        self.url = f"redis://127.0.0.1:{listen}/0"
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(listen), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        time.sleep(0.3)

    def pause(self) -> None:
        """Stop answering, keeping every key: what a network partition looks like."""
        self.process.send_signal(19)  # SIGSTOP

    def resume(self) -> None:
        self.process.send_signal(18)  # SIGCONT

    def stop(self) -> None:
        self.resume()
        self.process.terminate()
        self.process.wait(timeout=10)


class Varnish(Server):
    """Debian's varnishd with the repository's VCL, its backend pointed at `backend_port`."""

    def __init__(self, listen: int, backend_port: int):
        if shutil.which("varnishd") is None:
            message = "no varnishd on this machine (apt-get install varnish)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        self.workdir = tempfile.mkdtemp(prefix="newsroom-varnish-")
        os.chmod(self.workdir, 0o755)
        vcl = (PROJECT_DIR / "deploy" / "varnish.vcl").read_text()
        vcl = vcl.replace('.host = "web";', '.host = "127.0.0.1";').replace(
            '.port = "8000";', f'.port = "{backend_port}";'
        )
        vcl_path = Path(self.workdir) / "newsroom.vcl"
        vcl_path.write_text(vcl)
        os.chmod(vcl_path, 0o644)
        self.url = f"http://127.0.0.1:{listen}"
        self.process = subprocess.Popen(
            [
                "varnishd",
                "-F",
                "-a",
                f"127.0.0.1:{listen}",
                "-T",
                f"127.0.0.1:{listen + 1}",
                "-f",
                str(vcl_path),
                "-n",
                str(Path(self.workdir) / "instance"),
                "-s",
                "malloc,32m",
            ],
            stdout=subprocess.DEVNULL,
        )
        self._started(self.url)

    def forget_everything(self) -> None:
        """Drop every kept page, through the management port: a test starts from nothing."""
        subprocess.run(
            ["varnishadm", "-n", str(Path(self.workdir) / "instance"), "ban", "req.url", "~", "."],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.workdir, ignore_errors=True)


class MotoS3(Server):
    """An S3-compatible server (moto's server mode), empty at the start, as a bucket service."""

    access_key = "newsroom-tests"
    secret_key = "newsroom-tests-secret"
    region = "us-east-1"

    def __init__(self, listen: int):
        self.url = f"http://127.0.0.1:{listen}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(listen)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(self.url + "/moto-api/")
        except RuntimeError:
            self.stop()
            raise

    def environment(self, bucket: str) -> dict[str, str]:
        """The settings' environment variables that put the pictures in `bucket` here."""
        return {
            "PICTURE_BUCKET": bucket,
            "PICTURE_S3_ENDPOINT_URL": self.url,
            "PICTURE_S3_REGION": self.region,
            "PICTURE_S3_ADDRESSING_STYLE": "path",
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
        }

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )


class Partition:
    """A relay to a server's port that can be cut: the server out of reach of whoever uses
    this address (the app servers), while it keeps running and keeps what it holds."""

    def __init__(self, listen: int, target: int):
        self.url = f"http://127.0.0.1:{listen}/"
        self.cut_off = threading.Event()
        partition = self

        class Relay(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                if partition.cut_off.is_set():
                    return  # closed at once: the connection is reset, nothing arrives
                with socket.create_connection(("127.0.0.1", target), timeout=10) as upstream:
                    ends = {self.request: upstream, upstream: self.request}
                    while True:
                        readable, _, _ = select.select(list(ends), [], [], 10)
                        if not readable:
                            return
                        for end in readable:
                            data = end.recv(65536)
                            if not data:
                                return
                            ends[end].sendall(data)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", listen), Relay)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def cut(self) -> None:
        self.cut_off.set()

    def restore(self) -> None:
        self.cut_off.clear()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
