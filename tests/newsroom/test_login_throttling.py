"""Failed admin logins are limited per username and address, and per address across usernames."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
BALANCER = "10.0.0.2"


@pytest.fixture(autouse=True)
def behind_a_balancer(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]


@pytest.fixture
def editor():
    return UserFactory(username="editor", is_staff=True, password="right password")


def fail(client, username="editor", **meta):
    return client.post(LOGIN, {"username": username, "password": "wrong"}, **meta)


def log_in(client, **meta):
    return client.post(LOGIN, {"username": "editor", "password": "right password"}, **meta)


def test_one_address_trying_every_username_is_stopped(client, settings, editor):
    attacker = {"REMOTE_ADDR": "198.51.100.66"}
    statuses = [fail(client, f"user{n}", **attacker).status_code for n in range(50)]

    limit = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    assert statuses[:limit] == [200] * limit  # the form again, with an error
    assert set(statuses[limit:]) == {429}
    assert log_in(client, **attacker).status_code == 429
    assert log_in(client, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_few_mistakes_by_several_editors_behind_one_office_address_lock_nobody_out(
    client, settings, editor
):
    office = {"REMOTE_ADDR": "198.51.100.20"}
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS // settings.AXES_FAILURE_LIMIT):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert fail(client, f"colleague{n}", **office).status_code == 200

    assert log_in(client, **office).status_code == 302


def test_reaching_the_app_directly_a_fresh_forwarded_address_per_try_does_not_help(
    client, settings, editor
):
    statuses = [
        fail(client, REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT + 1)
    ]

    assert statuses[-1] == 429
    assert log_in(client, REMOTE_ADDR="203.0.113.66").status_code == 429


def test_through_the_balancer_a_forged_address_on_the_left_does_not_help(client, settings, editor):
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail(client, REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.66")

    assert log_in(
        client, REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR="203.0.113.66"
    ).status_code == (429)


def test_a_forged_address_cannot_lock_its_owner_out(client, settings, editor):
    victim = "198.51.100.7"
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS + 5):
        fail(client, f"user{n}", REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR=victim)
        fail(client, REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=f"{victim}, 203.0.113.67")

    response = log_in(client, REMOTE_ADDR=BALANCER, HTTP_X_FORWARDED_FOR=victim)

    assert response.status_code == 302


def test_failures_behind_the_balancer_with_a_malformed_header_lock_out_no_one_else(
    client, settings, editor
):
    malformed = {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": "5.5.5.8, garbage"}
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        fail(client, **malformed)

    # This balancer appends the client's port, as some do.
    colleague = {"REMOTE_ADDR": BALANCER, "HTTP_X_FORWARDED_FOR": "203.0.113.50:51234"}
    assert log_in(client, **colleague).status_code == 302
