"""Full-text search over published stories.

On PostgreSQL: the stored, GIN-indexed `search_vector` (migration 0005), websearch syntax
("quoted phrases", -exclusions, or), and ranking of a bounded set of candidates (the newest
matches) so that a common word costs the same as a rare one. On SQLite: plain
case-insensitive matching on headline, deck and body, newest first.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import F, Q
from django.db.models.expressions import Expression

from ..models import LATEST_FIRST

# Only this many of the newest matches are ranked; results beyond them are not shown.
CANDIDATES = 400
MAX_QUERY_LENGTH = 200


class StoredSearchVector(Expression):
    """The `search_vector` column, which the model does not declare (see migration 0005).

    It follows its table's alias, so it stays correct inside a subquery (where Django renames
    the table U0).
    """

    output_field = SearchVectorField()

    def __init__(self, alias: str | None = None):
        super().__init__()
        self.alias = alias

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        return f"{compiler.quote_name_unless_alias(self.alias)}.search_vector", []


def stored_vector() -> StoredSearchVector:
    return StoredSearchVector()


def supports_full_text() -> bool:
    return connection.vendor == "postgresql"


def matching(queryset, terms: str):
    """`queryset` narrowed to the stories whose stored vector matches `terms` (PostgreSQL).

    Websearch syntax: "quoted phrase", -excluded, or. The admin uses it as it is, drafts and
    all; the public search ranks a bounded set of its newest matches.
    """
    query = SearchQuery(terms, search_type="websearch", config=settings.SEARCH_CONFIG)
    return queryset.annotate(vector=stored_vector()).filter(vector=query)


def search(queryset, terms: str):
    """`queryset` (already `published()` and narrowed) matching `terms`, best first."""
    terms = terms.strip()[:MAX_QUERY_LENGTH]
    if not terms:
        return queryset.none()
    if not supports_full_text():
        match = Q()
        for word in terms.split()[:8]:
            match &= Q(headline__icontains=word) | Q(deck__icontains=word) | Q(body__icontains=word)
        return queryset.filter(match).latest_first()[:CANDIDATES]
    candidates = matching(queryset, terms).latest_first().values("pk")[:CANDIDATES]
    query = SearchQuery(terms, search_type="websearch", config=settings.SEARCH_CONFIG)
    return (
        queryset.model.objects.filter(pk__in=candidates)
        .select_related("dateline")
        .annotate(rank=SearchRank(stored_vector(), query))
        .order_by(F("rank").desc(), *LATEST_FIRST)
    )
