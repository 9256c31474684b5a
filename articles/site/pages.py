"""What a public page needs beside its query: the story page's context, place and day addresses.

Library code for the views, the feeds and the editors' preview, so that a preview renders
exactly what readers get and every surface builds the same addresses.
"""

from datetime import date

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from ..models import Article, Dateline
from ..pictures.display import Shown, shown_picture
from . import formatting
from .history import change_history
from .structured_data import json_ld_script, news_article_json_ld


def story_page_context(article: Article, request=None) -> dict:
    """Everything `articles/article_detail.html` needs beside `article` (one query: its tags).

    The public story view and the editors' preview both call this, so a preview is rendered
    exactly as readers will see the story.
    """
    tags = list(article.tags.all())
    history = change_history(article)
    url = formatting.absolute_url(article.get_absolute_url(), request)
    picture = lead_picture(article)
    return {
        "picture": picture,
        "share_image": picture and formatting.absolute_file(picture.share, request),
        "article": article,
        "tags": tags,
        "history": history,
        "dateline_lead": formatting.wire_dateline(article.dateline),
        "place_urls": place_urls(article.dateline),
        "canonical_url": url,
        "json_ld": json_ld_script(
            news_article_json_ld(article, url, tags, history, picture, request)
        ),
        "day_url": (
            day_url(timezone.localdate(article.published_at)) if article.published_at else ""
        ),
    }


def lead_picture(article: Article) -> Shown | None:
    """The story's lead picture as readers see it, with the story's own caption."""
    return shown_picture(article.lead_picture, article.lead_picture_caption)


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


def day_url(day: date) -> str:
    return reverse(
        "articles:day",
        kwargs={"year": day.year, "month": f"{day.month:02d}", "day": f"{day.day:02d}"},
    )
