"""Newsroom accounts in their groups, for the admin, workflow and service tests.

Import the fixtures with `from tests.articles.roles import *`.
"""

import importlib
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

import articles.migrations
from tests.factories import UserFactory

__all__ = [
    "editor_client_fixture",
    "editor_fixture",
    "reporter_client_fixture",
    "reporter_fixture",
    "second_editor_fixture",
]


def ensure_groups() -> None:
    """The groups come from a data migration; a transactional test's flush removes them."""
    folder = Path(articles.migrations.__file__).parent
    path = next(folder.glob("*_reporters_and_editors_groups.py"))
    migration = importlib.import_module(f"articles.migrations.{path.stem}")
    migration.set_up_groups(Group, Permission)


def member_of(group_name: str, username: str):
    if not Group.objects.filter(name=group_name).exists():
        ensure_groups()
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture(name="editor")
def editor_fixture(db):
    return member_of("Editors", "editor")


@pytest.fixture(name="second_editor")
def second_editor_fixture(db):
    return member_of("Editors", "second-editor")


@pytest.fixture(name="reporter")
def reporter_fixture(db):
    return member_of("Reporters", "reporter")


@pytest.fixture(name="editor_client")
def editor_client_fixture(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture(name="reporter_client")
def reporter_client_fixture(client, reporter):
    client.force_login(reporter)
    return client
