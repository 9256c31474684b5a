"""Keyset pagination on (published_at, id): as fast on page 1,000 as on page 1.

A page is "the N stories before (or after) this cursor" in `latest_first()` order, read
straight off the index; there is no OFFSET and no COUNT(*). The cursor in the query string is
the boundary story's publication instant in microseconds and its id: `?before=1464157260000000.42`.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Q
from django.http import QueryDict

PAGE_SIZE = 20


def encode_cursor(article) -> str:
    micros = int(article.published_at.timestamp()) * 1_000_000 + article.published_at.microsecond
    return f"{micros}.{article.pk}"


def decode_cursor(value: str | None) -> tuple[datetime, int] | None:
    """The (published_at, id) of a cursor, or None when it is missing or malformed."""
    if not value:
        return None
    micros, _, pk = value.partition(".")
    digits = micros.isascii() and micros.isdecimal() and pk.isascii() and pk.isdecimal()
    if not digits or len(micros) > 17 or len(pk) > 19:
        return None
    seconds, micro = divmod(int(micros), 1_000_000)
    try:
        moment = datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=micro)
    except (OverflowError, OSError, ValueError):
        return None
    return moment, int(pk)


@dataclass
class KeysetPage:
    object_list: list
    older_query: str | None
    newer_query: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.older_query or self.newer_query)

    def __iter__(self):
        return iter(self.object_list)


def _query_with(params: QueryDict, **cursor: str) -> str:
    query = params.copy()
    for name in ("before", "after", "page"):
        query.pop(name, None)
    for name, value in cursor.items():
        query[name] = value
    return "?" + query.urlencode()


def keyset_page(queryset, params: QueryDict, page_size: int = PAGE_SIZE) -> KeysetPage:
    """One page of `queryset` (any filtering, no ordering) newest first, from the query string.

    `before` walks to older stories, `after` back to newer ones; one query either way (it asks
    for one row more than it shows, to know whether there is a further page).
    """
    before, after = decode_cursor(params.get("before")), decode_cursor(params.get("after"))
    if after is not None and before is None:
        moment, pk = after
        rows = list(
            queryset.filter(
                Q(published_at__gt=moment) | Q(published_at=moment, pk__gt=pk)
            ).order_by("published_at", "id")[: page_size + 1]
        )
        has_newer = len(rows) > page_size
        rows = rows[:page_size][::-1]
        has_older = bool(rows)
    else:
        if before is not None:
            moment, pk = before
            # The plain bound lets the index seek straight to the cursor; the OR only breaks
            # ties. Written as one OR, PostgreSQL scanned every newer row first.
            queryset = queryset.filter(published_at__lte=moment).filter(
                Q(published_at__lt=moment) | Q(pk__lt=pk)
            )
        rows = list(queryset.latest_first()[: page_size + 1])
        has_older = len(rows) > page_size
        rows = rows[:page_size]
        has_newer = before is not None and bool(rows)
    return KeysetPage(
        object_list=rows,
        older_query=_query_with(params, before=encode_cursor(rows[-1])) if has_older else None,
        newer_query=_query_with(params, after=encode_cursor(rows[0])) if has_newer else None,
    )
