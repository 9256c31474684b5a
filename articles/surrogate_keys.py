"""The names of what a public page shows, for caches that drop pages by them (surrogate keys).

A page is tagged with a key for each thing it shows: `story-<id>` for each story on it (its
own page, its ninjs document, the lists that show its summary), `tag-<id>` and `place-<id>`
for the names it prints, and one key per list (`list-latest`, `list-tag-<id>`,
`list-place-<id>`, `list-day-<date>`, `list-month-<month>`, `list-news`, `list-sitemap`,
`list-search`). Named here, below the site and the importer, so that both name them alike:
the site tags its pages and the write path drops them (`editorial/finishing.py`); the lists and
what each story is filed under are defined in `lists.py`.
"""

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from .models import Article

LATEST = "list-latest"
SEARCH = "list-search"
NEWS = "list-news"
SITEMAP = "list-sitemap"


def story_key(pk: int) -> str:
    return f"story-{pk}"


def tag_key(pk: int) -> str:
    return f"tag-{pk}"


def place_key(pk: int) -> str:
    return f"place-{pk}"


def tag_list_key(pk: int) -> str:
    return f"list-tag-{pk}"


def place_list_key(pk: int) -> str:
    return f"list-place-{pk}"


def day_list_key(day: date) -> str:
    return f"list-day-{day:%Y-%m-%d}"


def month_list_key(year: int, month: int) -> str:
    return f"list-month-{year:04d}-{month:02d}"


def shown_keys(articles: Iterable[Article], with_tags: bool = False) -> set[str]:
    """The keys of the stories a page shows, and of the places (and tags) it names for them."""
    keys = set()
    for article in articles:
        keys.add(story_key(article.pk))
        if article.dateline_id is not None:
            keys.add(place_key(article.dateline_id))
        if with_tags:
            keys.update(tag_key(tag.pk) for tag in article.tags.all())
    return keys


def month_of(article: Article) -> str | None:
    if article.published_at is None:
        return None
    day = timezone.localdate(article.published_at)
    return month_list_key(day.year, day.month)
