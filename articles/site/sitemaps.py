"""sitemap.xml (an index of monthly story sitemaps) and a Google News sitemap.

Only `published()` stories are listed; `lastmod` is each story's one "last changed" time.
The news sitemap lists the stories first published in the last two days, as Google asks.
"""

from datetime import date, timedelta

from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from .. import formatting
from .. import surrogate_keys as keys
from ..models import Article
from ..text import without_control_characters
from .caching import list_page

NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000
XML = "application/xml; charset=utf-8"


def _month_url(month: date, request) -> str:
    path = reverse("articles:sitemap-month", kwargs={"year": month.year, "month": month.month})
    return formatting.absolute_url(path, request)


@list_page()
def sitemap_index(request):
    months = Article.objects.published().dates("published_at", "month", order="DESC")
    sitemaps = [formatting.absolute_url(reverse("articles:sitemap-news"), request)]
    sitemaps += [_month_url(month, request) for month in months]
    response = TemplateResponse(
        request, "sitemaps/index.xml", {"sitemaps": sitemaps}, content_type=XML
    )
    response.surrogate_keys = {keys.SITEMAP}
    return response


@list_page()
def sitemap_month(request, year: int, month: int):
    try:
        start = formatting.day_start(date(year, month, 1))
        end = formatting.day_start(date(year + month // 12, month % 12 + 1, 1))
    except (ValueError, OverflowError):
        raise Http404("No such month.") from None
    stories = (
        Article.objects.published()
        .filter(published_at__gte=start, published_at__lt=end)
        .latest_first()
        .only("id", "slug", "published_at", "updated_at")
    )
    urls = [
        {
            "loc": formatting.absolute_url(story.get_absolute_url(), request),
            "lastmod": formatting.iso_instant(story.last_changed_at),
        }
        for story in stories
    ]
    if not urls:
        raise Http404("No stories that month.")
    response = TemplateResponse(request, "sitemaps/urlset.xml", {"urls": urls}, content_type=XML)
    # One key for the month: a sitemap lists thousands of stories, too many keys for a header.
    response.surrogate_keys = {keys.month_list_key(year, month)}
    return response


@list_page()
def news_sitemap(request):
    stories = (
        Article.objects.published()
        .filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        .latest_first()
        .only("id", "slug", "headline", "published_at", "updated_at")[:NEWS_LIMIT]
    )
    urls = [
        {
            "loc": formatting.absolute_url(story.get_absolute_url(), request),
            "lastmod": formatting.iso_instant(story.last_changed_at),
            "published": formatting.iso_instant(story.published_at),
            "title": without_control_characters(story.headline),  # XML cannot carry them
        }
        for story in stories
    ]
    response = TemplateResponse(
        request,
        "sitemaps/news.xml",
        {"urls": urls, "publication": settings.SITE_NAME, "language": "en"},
        content_type=XML,
    )
    response.surrogate_keys = {keys.NEWS}
    return response
