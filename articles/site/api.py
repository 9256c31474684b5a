"""IPTC ninjs 3.1 JSON for a story and for the latest list.

Each item validates against the official schema (docs/standards/ninjs-schema_3.1.json, checked
in tests). `versionCreated` is the story's one "last changed" time and `version` counts the
versions readers were told about (first publication plus each update and correction), so a
silent fix moves neither.
"""

from django.conf import settings
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.html import escape

from .. import formatting
from .. import surrogate_keys as keys
from ..models import Article
from .caching import list_page, story_page
from .pagination import keyset_page

NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"


def body_html(article: Article) -> str:
    return "".join(f"<p>{escape(paragraph)}</p>" for paragraph in article.paragraphs)


def ninjs(article: Article, request=None) -> dict:
    """One story as a ninjs 3.1 news item; its version counts publication and updates."""
    url = formatting.absolute_url(article.get_absolute_url(), request)
    public_versions = 1 + len(article.updates.all())
    item = {
        "standard": {"name": "ninjs", "version": "3.1", "schema": NINJS_SCHEMA},
        "uri": formatting.absolute_url(article.get_short_url(), request),
        "type": "text",
        "profile": "text-only",
        "version": str(public_versions),
        "firstCreated": formatting.iso_instant(article.published_at),
        "versionCreated": formatting.iso_instant(article.last_changed_at),
        "pubStatus": "usable",
        "language": "en",
        "headlines": [{"role": "main", "value": article.headline}],
        "bodies": [
            {
                "role": "main",
                "contentType": "text/html",
                "value": body_html(article),
                "wordCount": len(article.body.split()),
            }
        ],
        "subjects": [
            {
                "name": tag.name,
                "literal": tag.slug,
                "uri": formatting.absolute_url(
                    reverse("articles:tag", kwargs={"slug": tag.slug}), request
                ),
            }
            for tag in article.tags.all()
        ],
        "renditions": [{"name": "web", "href": url, "contentType": "text/html"}],
        "copyrightHolder": settings.SITE_NAME,
    }
    if article.deck:
        item["descriptions"] = [{"role": "summary", "value": article.deck}]
    if article.byline:
        item["by"] = article.byline
    if article.dateline is not None:
        item["located"] = formatting.wire_dateline(article.dateline)
    return item


def _queryset():
    return Article.objects.published().with_listing_data().with_updates()


@story_page()
def story(request, pk: int):
    article = _queryset().filter(pk=pk).first()
    if article is None:
        raise Http404("No such story.")
    response = JsonResponse(ninjs(article, request), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/json; charset=utf-8"
    response.surrogate_keys = keys.shown_keys([article], with_tags=True)
    return response


@list_page(query=("before", "after"))
def latest(request):
    """The latest stories: {"items": [ninjs, ...], "next": url of older items or null}."""
    page = keyset_page(_queryset(), request.GET)
    next_url = (
        formatting.absolute_url(request.path + page.older_query, request)
        if page.older_query
        else None
    )
    body = {"items": [ninjs(article, request) for article in page], "next": next_url}
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response.surrogate_keys = {keys.LATEST} | keys.shown_keys(page, with_tags=True)
    return response
