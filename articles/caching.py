"""Caching of public pages: shared cache, HTTP validators and Cache-Control in one decorator.

Public pages are the same for every reader (no CSRF token, no nonce, no "logged in as"), so a
rendered page can be kept in the shared cache (Redis when REDIS_URL is set) and its ETag, a
digest of its bytes, matches from one request to the next, which lets browsers and CDNs
revalidate with a 304.

A save of anything a page shows bumps the cache's generation, so the shared cache serves the
new text at once; embargoes that lift by themselves and writes that skip signals are bounded
by the cache lifetime (CACHE_LIST_SECONDS / CACHE_STORY_SECONDS), as are CDNs and browsers.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

GENERATION_KEY = "newsroom:pages:generation"


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, timeout=None)


def _changed(**kwargs) -> None:
    """Signal receiver: something readers see changed; cached pages go once it is committed.

    Bumping before the commit would let a concurrent reader cache the old text under the new
    generation for a whole lifetime.
    """
    transaction.on_commit(bump_generation, robust=True)


def connect_signals() -> None:
    from .models import Article, Dateline, Revision, Tag, Update

    for model in (Article, Dateline, Revision, Tag, Update):
        post_save.connect(_changed, sender=model, dispatch_uid=f"pages-save-{model}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"pages-delete-{model}")
    m2m_changed.connect(_changed, sender=Article.tags.through, dispatch_uid="pages-article-tags")


def _page_key(request) -> str:
    digest = hashlib.sha256(
        f"{request.method == 'HEAD'}|{request.get_host()}|{request.get_full_path()}".encode()
    ).hexdigest()
    return f"newsroom:page:{digest}"


def _cached_page(request) -> tuple[int, HttpResponse | None]:
    """The current generation and the page kept for this URL in it, in one cache round trip."""
    key = _page_key(request)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = 1
        cache.add(GENERATION_KEY, generation, timeout=None)
    entry = found.get(key)
    if entry is None or entry[0] != generation:
        return generation, None
    _, status, content, headers = entry
    return generation, HttpResponse(content, status=status, headers=headers)


def _keep_page(request, generation: int, response: HttpResponse, seconds: int) -> None:
    """Keep the bytes and headers (not the response object: cheaper to load than to unpickle)."""
    entry = (generation, response.status_code, response.content, dict(response.items()))
    cache.set(_page_key(request), entry, seconds)


def public_page(seconds_setting: str, stale_factor: int = 5):
    """Cache a public GET view for the lifetime named by a setting, and answer conditionally.

    Browsers keep the page for the lifetime; CDNs may serve it stale for `stale_factor` times
    that while they revalidate. Views may set Last-Modified (the one rule for "changed");
    the ETag is a digest of the bytes, so it changes whenever the page would. A page is kept
    with the generation it was rendered in and ignored once a save has bumped it.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            seconds = getattr(settings, seconds_setting)
            generation, response = _cached_page(request)
            if response is None:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and callable(response.render):
                    response = response.render()
                if response.status_code in (200, 410) and not response.streaming:
                    response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
                    patch_cache_control(
                        response,
                        public=True,
                        max_age=seconds,
                        s_maxage=seconds,
                        stale_while_revalidate=seconds * stale_factor,
                    )
                    if seconds > 0 and not response.cookies:
                        _keep_page(request, generation, response, seconds)
            if response.status_code != 200:
                return response
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            return get_conditional_response(
                request,
                etag=response.get("ETag"),
                last_modified=last_modified,
                response=response,
            )

        return wrapper

    return decorator
