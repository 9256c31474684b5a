"""Full-text search over published stories.

On PostgreSQL: the stored, GIN-indexed `search_vector` (migration 0002), websearch syntax
("quoted phrases", -exclusions, or), and ranking of a bounded set of candidates (the newest
matches) so that a common word costs the same as a rare one. On SQLite: plain
case-insensitive matching on headline, deck and body, newest first.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import RawSQL

# Only this many of the newest matches are ranked; results beyond them are not shown.
CANDIDATES = 400
MAX_QUERY_LENGTH = 200


def stored_vector() -> RawSQL:
    return RawSQL('"articles_article"."search_vector"', [], output_field=SearchVectorField())


def supports_full_text() -> bool:
    return connection.vendor == "postgresql"


def search(queryset, terms: str):
    """`queryset` (already `published()` and narrowed) matching `terms`, best first."""
    terms = terms.strip()[:MAX_QUERY_LENGTH]
    if not terms:
        return queryset.none()
    if not supports_full_text():
        match = Q()
        for word in terms.split()[:8]:
            match &= Q(headline__icontains=word) | Q(deck__icontains=word) | Q(body__icontains=word)
        return queryset.filter(match).order_by("-published_at", "-id")[:CANDIDATES]
    query = SearchQuery(terms, search_type="websearch", config=settings.SEARCH_CONFIG)
    candidates = (
        queryset.annotate(vector=stored_vector())
        .filter(vector=query)
        .order_by("-published_at", "-id")
        .values("pk")[:CANDIDATES]
    )
    return (
        queryset.model.objects.filter(pk__in=candidates)
        .with_listing_data()
        .annotate(rank=SearchRank(stored_vector(), query))
        .order_by(F("rank").desc(), "-published_at", "-id")
    )
