"""The first hour of a new user: a fresh clone, the README's run command, the site answering."""

import fcntl
import os
import pty
import re
import signal
import subprocess
import termios
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from articles.demo import DEMO_TAG, demo_timeline
from articles.models import slug_for_name
from tests.site.servers import fetch, port

PROJECT_DIR = Path(__file__).resolve().parents[1]
README = (PROJECT_DIR / "README.md").read_text()
# What a newcomer would read as something gone wrong.
ERROR_TEXT = re.compile(r"error|traceback|exception|failed", re.IGNORECASE)
# Settings of the test run that a newcomer's shell would not have.
NOT_A_NEWCOMERS = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "REDIS_URL"}


def readme_command(starting: str) -> str:
    """The README's command line that starts with `starting`, without its comment."""
    for line in README.splitlines():
        if line.startswith(starting):
            return line.partition(" #")[0].strip()
    raise AssertionError(f"the README gives no command starting {starting!r}")


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """The committed code, cloned as a newcomer would, in a folder of its own."""
    folder = tmp_path_factory.mktemp("first-run") / "newsroom"
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", str(PROJECT_DIR), str(folder)], check=True)
    subprocess.run(["git", "checkout", "--quiet", head], cwd=folder, check=True)
    return folder


@pytest.fixture(scope="module")
def newcomer_env():
    path = os.pathsep.join(
        entry for entry in os.environ["PATH"].split(os.pathsep) if str(PROJECT_DIR) not in entry
    )
    env = {name: value for name, value in os.environ.items() if name not in NOT_A_NEWCOMERS}
    return {**env, "PATH": path, "ADDRESS": f"127.0.0.1:{port(60)}"}


@pytest.fixture(scope="module")
def first_run(clone, newcomer_env, tmp_path_factory):
    """The README's run command, in the background until the site answers; its output."""
    log = tmp_path_factory.mktemp("first-run-log") / "run.log"
    url = f"http://{newcomer_env['ADDRESS']}/"
    with log.open("w") as output:
        server = subprocess.Popen(
            ["bash", "-c", readme_command("./scripts/run.sh")],
            cwd=clone,
            env=newcomer_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and server.poll() is None:
            try:
                fetch(url)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail(f"the site never answered at {url}:\n{log.read_text()}")
        yield url, log
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_the_first_run_prints_no_error_and_says_where_and_how_to_log_in(first_run):
    url, log = first_run
    output = log.read_text()

    assert not ERROR_TEXT.findall(output), output
    assert f"Newsroom: {url}" in output
    assert re.search(r"Editor login: editor / \S{12,}", output)
    assert "7 files read: 5 new, 0 updated, 0 unchanged, 0 conflicts, 2 rejected." in output
    assert "Demo newsroom: 37 stories" in output
    assert "13 items read: 9 new, 2 updated, 1 unchanged, 1 skipped; 0 files rejected." in output


def test_the_home_page_shows_the_demo_newsroom_and_its_tag_page_lists_stories(first_run):
    url, _ = first_run
    demo_headlines = {story.headline for story in demo_timeline(datetime.now(UTC))[0]}

    _, _, home = fetch(url)
    status, _, tag_page = fetch(f"{url}tags/{slug_for_name(DEMO_TAG)}/")

    assert sum(headline in home for headline in demo_headlines) >= 10
    assert status == 200
    assert sum(headline in tag_page for headline in demo_headlines) >= 10


def test_a_readme_management_command_runs_as_written(first_run, clone, newcomer_env):
    command = readme_command("./scripts/manage.sh import_legacy")

    finished = subprocess.run(
        ["bash", "-c", command], cwd=clone, env=newcomer_env, capture_output=True, text=True
    )

    assert finished.returncode == 2, finished.stderr  # two samples are broken on purpose
    assert "7 files read: 0 new, 0 updated, 5 unchanged, 0 conflicts, 2 rejected." in (
        finished.stdout
    )
    assert "Error" not in finished.stderr


def test_the_readme_command_to_change_the_editors_password_works(first_run, clone, newcomer_env):
    command = readme_command("./scripts/manage.sh changepassword")
    controller, terminal = pty.openpty()

    def own_the_terminal():  # as a shell gives a command its terminal, for getpass
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    changing = subprocess.Popen(
        ["bash", "-c", command],
        cwd=clone,
        env=newcomer_env,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        preexec_fn=own_the_terminal,
    )
    os.close(terminal)
    shown = _answer(controller, "Password: ", "a-new-Passphrase-2026")
    shown += _answer(controller, "Password (again): ", "a-new-Passphrase-2026")
    shown += _answer(controller, None, "")
    os.close(controller)

    assert changing.wait(timeout=60) == 0, shown
    assert "Password changed successfully for user 'editor'" in shown


def _answer(terminal: int, prompt: str | None, answer: str) -> str:
    """What the terminal showed until `prompt` (or its end), then type `answer`."""
    shown = ""
    deadline = time.monotonic() + 60
    while (prompt is None or not shown.endswith(prompt)) and time.monotonic() < deadline:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the other end is closed: everything has been read
            break
        if not chunk:
            break
        shown += chunk.decode(errors="replace").replace("\r\n", "\n")
    if prompt is not None:
        os.write(terminal, answer.encode() + b"\n")
    return shown
