"""Plain helpers shared by test modules; fixtures live in conftest.py."""

import importlib
import io
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

import articles.migrations
from tests.factories import UserFactory

# The widths every reader's page is checked at in the browser: a phone and a laptop.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def ensure_groups() -> None:
    """The groups come from a data migration; a transactional test's flush removes them."""
    folder = Path(articles.migrations.__file__).parent
    path = next(folder.glob("*_reporters_and_editors_groups.py"))
    migration = importlib.import_module(f"articles.migrations.{path.stem}")
    migration.set_up_groups(Group, Permission)
    importlib.import_module("articles.wires.migrations.0002_wire_desk_roles").set_up_groups(
        Group, Permission
    )


def member_of(group_name: str, username: str):
    if not Group.objects.filter(name=group_name).exists():
        ensure_groups()
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


def logged_in(browser, live_server, user, *, width: int, timeout_ms: int):
    """A browser context and page signed in as `user` (a session made by the test client)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    return context, page


def missing_tool(reason: str):
    """Skip a test whose tool is not installed here; in CI, where `.ci/run` installs every
    tool, a missing one is a broken set-up and fails the run instead."""
    if os.environ.get("CI"):
        pytest.fail(f"cannot run in CI: {reason}")
    pytest.skip(reason)


def run_command(name: str, *args) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of one run of a management command."""
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command(name, *map(str, args), stdout=stdout, stderr=stderr)
    except CommandError as exc:
        stderr.write(str(exc))
        return exc.returncode, stdout.getvalue(), stderr.getvalue()
    return 0, stdout.getvalue(), stderr.getvalue()


def use_picture_storages(settings, default: dict, originals: dict) -> None:
    """Point the picture storages elsewhere, as a process started with other settings would
    (tests/conftest.py has the originals' storage looked up again)."""
    settings.STORAGES = {**settings.STORAGES, "default": default, "picture_originals": originals}
