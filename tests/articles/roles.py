"""Newsroom accounts in their groups, for the admin, workflow and service tests.

Import the fixtures with `from tests.articles.roles import *`.
"""

import pytest
from django.contrib.auth.models import Group

from tests.factories import UserFactory

__all__ = [
    "editor_client_fixture",
    "editor_fixture",
    "reporter_client_fixture",
    "reporter_fixture",
    "second_editor_fixture",
]


def member_of(group_name: str, username: str):
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
