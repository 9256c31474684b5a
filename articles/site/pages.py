"""What a public page needs beside its query: the story page's context and place addresses.

Library code for the views, the feeds and the editors' preview, so that a preview renders
exactly what readers get and every surface builds the same addresses.
"""

import json

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from .. import formatting
from ..lists import day_url
from ..models import Article, Dateline
from ..structured_data import json_ld_script
from .history import change_history


def story_page_context(article: Article, request=None) -> dict:
    """Everything `articles/article_detail.html` needs beside `article` (one query: its tags).

    The story's body, history and structured data were made when it was saved; this only
    reads them back and adds what depends on the request and on its tags. The public story
    view and the editors' preview both call this, so a preview is rendered exactly as readers
    will see the story.
    """
    tags = list(article.tags.all())
    return {
        "article": article,
        "tags": tags,
        "history": change_history(article),
        "dateline_lead": formatting.wire_dateline(article.dateline),
        "place_urls": place_urls(article.dateline),
        "canonical_url": formatting.absolute_url(article.get_absolute_url(), request),
        "json_ld": json_ld_script(json.loads(article.structured_data), tags, request),
        "day_url": (
            day_url(timezone.localdate(article.published_at)) if article.published_at else ""
        ),
    }


def place_urls(dateline: Dateline | None) -> dict[str, str]:
    if dateline is None:
        return {}
    country = dateline.country_slug
    urls = {"country": reverse("articles:country", kwargs={"country": country})}
    if dateline.city:
        urls["city"] = reverse(
            "articles:city", kwargs={"country": country, "city": dateline.city_slug}
        )
    return urls


def datelines_for_place(country_slug: str, city_slug: str | None = None) -> list[Dateline]:
    """The datelines a place URL names (one query; the list of places is small)."""
    places = [
        dateline
        for dateline in Dateline.objects.public()
        if dateline.country_slug == country_slug
        and (city_slug is None or dateline.city_slug == city_slug)
    ]
    if not places:
        raise Http404("No such place.")
    return places
