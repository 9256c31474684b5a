"""The client's address when the site runs behind load balancers."""

from ipaddress import ip_address, ip_network

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent the request, seen through the proxies in `TRUSTED_PROXIES`.

    Each proxy appends the address it received the request from to X-Forwarded-For. Walking
    from the connection's address leftwards, every address in a trusted network is a proxy of
    ours; the first one that is not is the client. Anything further left was written by the
    client and may be forged, and a request that does not come from a trusted proxy (gunicorn
    reached directly) has its header ignored altogether.

    Login throttling keys on this: behind a balancer, REMOTE_ADDR is the balancer's address,
    and one reader's failed logins would lock everyone out; trusting the header from anyone
    would let each try claim a fresh address, or lock a victim's address out.
    """
    address = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    while address is not None and is_trusted_proxy(address) and hops:
        hop = hops.pop()
        if not is_address(hop):
            break  # not an address: written by the client, never by a proxy of ours
        address = hop
    return address


def is_trusted_proxy(address: str) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in ip_network(network) for network in settings.TRUSTED_PROXIES)


def is_address(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True
