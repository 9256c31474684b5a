"""The lists readers browse, each defined once: what it narrows `published()` to, its heading,
its address and its surrogate keys.

A list's page (`site/views.py`) and its feeds (`site/feeds.py`) are made from the same
`StoryList`, and the write path files each story under the lists it belongs to
(`filed_under`) with the same keys, so a change drops exactly the pages that show it.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import formatting
from .models import Article, Dateline, Tag
from .surrogate_keys import (
    LATEST,
    NEWS,
    SEARCH,
    SITEMAP,
    day_list_key,
    month_of,
    place_key,
    place_list_key,
    tag_key,
    tag_list_key,
)


@dataclass(frozen=True)
class StoryList:
    heading: str
    path: str
    # The list's own keys, beside those of the stories it shows.
    keys: frozenset[str]
    condition: Q = field(default_factory=Q)

    def narrow(self, queryset):
        return queryset.filter(self.condition)


def latest() -> StoryList:
    return StoryList("Latest news", reverse("articles:latest"), frozenset({LATEST}))


def of_tag(tag: Tag) -> StoryList:
    return StoryList(
        tag.name,
        reverse("articles:tag", kwargs={"slug": tag.slug}),
        frozenset({tag_list_key(tag.pk), tag_key(tag.pk)}),
        Q(tags=tag),
    )


def of_place(places: list[Dateline], country_slug: str, city_slug: str | None) -> StoryList:
    """A country's stories (/places/india/), or a city's in it (/places/india/mumbai/):
    `places` are the datelines the address names."""
    first = places[0]
    if city_slug:
        heading = f"{first.city}, {first.country}"
        path = reverse("articles:city", kwargs={"country": country_slug, "city": city_slug})
    else:
        heading = first.country
        path = reverse("articles:country", kwargs={"country": country_slug})
    keys = {place_list_key(place.pk) for place in places} | {place_key(p.pk) for p in places}
    return StoryList(heading, path, frozenset(keys), Q(dateline__in=places))


def of_day(day: date) -> StoryList:
    """The stories first published on `day` in the newsroom's time zone; ValueError for a
    day outside the archive."""
    start = formatting.day_start(day)
    end = formatting.day_start(day + timedelta(days=1))
    return StoryList(
        day.strftime("%B %-d, %Y"),
        day_url(day),
        frozenset({day_list_key(day)}),
        Q(published_at__gte=start, published_at__lt=end),
    )


def day_url(day: date) -> str:
    return reverse(
        "articles:day",
        kwargs={"year": day.year, "month": f"{day.month:02d}", "day": f"{day.day:02d}"},
    )


def filed_under(article: Article, tag_ids) -> set[str]:
    """The keys of the lists a story is in while readers can see it (none otherwise): the
    latest list, its tags', its place's and its day's, and the search, news sitemap and
    sitemap lists, which print every story.

    Given its tags' ids, so that the importer can name the lists of a story it has not stored.
    """
    if not article.is_published:
        return set()
    keys = {LATEST, SEARCH, NEWS, SITEMAP, day_list_key(timezone.localdate(article.published_at))}
    keys.add(month_of(article))
    keys.update(tag_list_key(pk) for pk in tag_ids)
    if article.dateline_id is not None:
        keys.add(place_list_key(article.dateline_id))
    return keys
