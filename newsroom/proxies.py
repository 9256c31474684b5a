"""The client's address when the site runs behind load balancers."""

import re
from ipaddress import ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest

_WITH_PORT = re.compile(r"^\[?([0-9A-Fa-f:.]+?)\]?:[0-9]{1,5}$")


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent the request, seen through the proxies in `TRUSTED_PROXIES`.

    Each proxy appends the address it received the request from to X-Forwarded-For. Walking
    from the connection's address leftwards, every address in a trusted network is a proxy of
    ours; the first one that is not is the client. Anything further left was written by the
    client and may be forged, and a request that does not come from a trusted proxy (gunicorn
    reached directly) has its header ignored altogether. Some balancers append `ip:port`; the
    port is dropped. An entry that is no address at all where a proxy of ours should have
    written one leaves the client unknown (None): never the proxy, whose address is everyone's.

    Login throttling keys on this: behind a balancer, REMOTE_ADDR is the balancer's address,
    and one reader's failed logins would lock everyone out; trusting the header from anyone
    would let each try claim a fresh address, or lock a victim's address out.
    """
    address = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    while address is not None and is_trusted_proxy(address) and hops:
        address = address_of(hops.pop())
    return address


def is_trusted_proxy(address: str) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in ip_network(network) for network in settings.TRUSTED_PROXIES)


def address_of(hop: str) -> str | None:
    """The address in one X-Forwarded-For entry (`a.b.c.d`, `a.b.c.d:port`, `[v6]:port`)."""
    for candidate in (hop, _WITH_PORT.sub(r"\1", hop)):
        try:
            return str(ip_address(candidate))
        except ValueError:
            continue
    return None
