"""What a public page needs beside its query: the story page's context and place addresses.

Library code for the views, the feeds and the editors' preview, so that a preview renders
exactly what readers get and every surface builds the same addresses.
"""

import json

from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from .. import formatting
from ..lists import day_url
from ..models import Article, Dateline, StatusChange
from ..structured_data import json_ld_script, share_image
from .history import change_history

# The running story's other stories shown on a story page (those with its slugline).
RUNNING_STORY_LENGTH = 5


def story_page_context(article: Article, request=None) -> dict:
    """Everything `articles/article_detail.html` needs beside `article` (one query: its tags;
    another for the running story's other stories when it has a slugline).

    The story's body, history and structured data were made when it was saved; this only
    reads them back and adds what depends on the request and on its tags. The public story
    view and the editors' preview both call this, so a preview is rendered exactly as readers
    will see the story.
    """
    tags = list(article.tags.all())
    running_story = []
    if article.slug and article.slugline and article.pk is not None:
        running_story = list(
            Article.objects.published()
            .filter(slugline=article.slugline)
            .exclude(pk=article.pk)
            .only("pk", "slug", "headline", "published_at", "updated_at")
            .latest_first()[:RUNNING_STORY_LENGTH]
        )
    structured_data = json.loads(article.structured_data)
    return {
        "share_image": share_image(structured_data, request),
        "article": article,
        "tags": tags,
        "history": change_history(article),
        "running_story": running_story,
        "dateline_lead": formatting.wire_dateline(article.dateline),
        "place_urls": place_urls(article.dateline),
        "canonical_url": formatting.absolute_url(article.get_absolute_url(), request),
        "json_ld": json_ld_script(structured_data, tags, request),
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


def withdrawal_notice(article_id: int) -> dict | None:
    """What readers of a withdrawn story's address are told (one query), or None.

    When it was withdrawn and the newsroom's notice; its headline only if the editor who
    withdrew it chose to name it. A story withdrawn before readers saw it has no notice: its
    address stays "not found".
    """
    withdrawn_at = (
        StatusChange.objects.filter(article=OuterRef("pk"), to_status=Article.Status.WITHDRAWN)
        .order_by("-at")
        .values("at")[:1]
    )
    notice = (
        Article.objects.withdrawn()
        .filter(pk=article_id, published_at__lte=timezone.now())
        .annotate(withdrawn_at=Subquery(withdrawn_at))
        .values("withdrawal_reason", "withdrawal_shows_headline", "headline", "withdrawn_at")
        .first()
    )
    if notice is None:
        return None
    return {
        "reason": notice["withdrawal_reason"],
        "at": notice["withdrawn_at"],
        "headline": notice["headline"] if notice["withdrawal_shows_headline"] else "",
    }
