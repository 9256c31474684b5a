"""The desk queue: the stories reporters filed, most urgent first, with who filed them, when,
with what note, and who handles them. One query however many stories wait."""

from django.db.models import OuterRef, Subquery

from ..models import Article, StatusChange

QUEUE_LENGTH = 100


def desk_queue(limit: int = QUEUE_LENGTH):
    filings = (
        StatusChange.objects.filter(article=OuterRef("pk"), to_status=Article.Status.FILED)
        .exclude(from_status=Article.Status.FILED)
        .order_by("-at", "-id")
    )
    return list(
        Article.objects.filed()
        .select_related("handled_by")
        .only(
            "pk",
            "headline",
            "urgency",
            "slugline",
            "version",
            "status",
            "handled_by__username",
            "handled_by__first_name",
            "handled_by__last_name",
        )
        .annotate(
            filed_at=Subquery(filings.values("at")[:1]),
            filed_by=Subquery(filings.values("by__username")[:1]),
            filed_note=Subquery(filings.values("reason")[:1]),
        )
        .order_by("urgency", "filed_at", "id")[:limit]
    )
