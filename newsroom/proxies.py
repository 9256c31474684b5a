"""The client's address when the site runs behind load balancers."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of whoever sent the request, seen through `TRUSTED_PROXY_COUNT` proxies.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the client's address is that many entries from the right; anything further left was written
    by the client and may be forged. With no trusted proxies it is the connection's address.
    Login throttling keys on this: behind a balancer, REMOTE_ADDR is the balancer's address, and
    one reader's failed logins would lock everyone out.
    """
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")
