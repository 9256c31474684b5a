"""The client's address, believed from X-Forwarded-For only when a trusted proxy sent it."""

import pytest
from django.test import RequestFactory

from newsroom.proxies import client_ip

BALANCERS = ["10.0.0.0/8", "2001:db8::/32"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # No proxy in front: the connection is the client, whatever the header says.
        ("198.51.100.1", "", "198.51.100.1"),
        ("198.51.100.1", "203.0.113.9", "198.51.100.1"),
        # Through the balancer: the address it appended.
        ("10.0.0.2", "203.0.113.9", "203.0.113.9"),
        # What the client wrote to the left of it is never believed.
        ("10.0.0.2", "192.0.2.66, 203.0.113.9", "203.0.113.9"),
        # Two proxies of ours (a CDN's edge in our network, then the balancer).
        ("10.0.0.2", "192.0.2.66, 203.0.113.9, 10.1.2.3", "203.0.113.9"),
        # Every hop ours: the leftmost is the client.
        ("10.0.0.2", "10.9.9.9", "10.9.9.9"),
        # From the balancer without the header: the balancer itself.
        ("10.0.0.2", "", "10.0.0.2"),
        # Balancers that append the client's port: the address.
        ("10.0.0.2", "203.0.113.9:443", "203.0.113.9"),
        ("2001:db8::1", "[2a00:1450::1]:443", "2a00:1450::1"),
        # No address where a proxy of ours wrote one: the client is unknown, never the proxy.
        ("10.0.0.2", "203.0.113.9, not-an-address", None),
        ("10.0.0.2", "5.5.5.8, 5.5.5.8:port", None),
        ("10.0.0.2", "203.0.113.9, 10.1.2.3, garbage", None),
        # IPv6 proxies and clients.
        ("2001:db8::1", "2001:db8:ffff::7, 2a00:1450::1", "2a00:1450::1"),
    ],
)
def test_client_address_is_read_through_trusted_proxies_only(settings, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = BALANCERS
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


def test_with_no_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert client_ip(request) == "10.0.0.2"
