"""A story's public change history: its updates and corrections, each with a readable diff.

The entries are the story's `Update` notes, newest first. Where the version store links an
update to its public UPDATE or CORRECTION revision, the entry shows what the headline, deck and
body said before (the previous public revision by number, whatever its kind but a draft) and
after. Silent fixes and drafts never become entries; an update with no revision (an imported
story whose notes predate the version store) shows its note without a diff.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.utils.safestring import SafeString, mark_safe

from ..diffs import paragraph_diff, word_diff
from ..models import Article, Revision, Update, normalise_space

DIFF_KINDS = (Revision.Kind.UPDATE, Revision.Kind.CORRECTION)


@dataclass
class FieldDiff:
    label: str
    html: SafeString


@dataclass
class HistoryEntry:
    kind: str
    kind_label: str
    note: str
    shown_at: datetime
    diffs: list[FieldDiff] = field(default_factory=list)

    @property
    def is_correction(self) -> bool:
        return self.kind == Update.Kind.CORRECTION


def _previous_public(field_name: str) -> Subquery:
    """The same field of the previous public revision, in the same query as the update."""
    return Subquery(
        Revision.objects.filter(
            article=OuterRef("article"),
            is_public=True,
            number__lt=OuterRef("revision__number"),
        )
        .exclude(kind=Revision.Kind.DRAFT)
        .order_by("-number")
        .values(field_name)[:1]
    )


def change_history(article: Article) -> list[HistoryEntry]:
    """The public log of `article`, newest first, in one query whatever its length.

    Every update and correction moves the story's "Updated" time, so a story without one has
    no log, and the query (three correlated subqueries to compile) is skipped.
    """
    if article.updated_at is None:
        return []
    updates = (
        Update.objects.filter(article=article)
        .select_related("revision")
        .annotate(
            before_headline=_previous_public("headline"),
            before_deck=_previous_public("deck"),
            before_body=_previous_public("body"),
        )
        .order_by("-shown_at", "-id")
    )
    entries = []
    for update in updates:
        entry = HistoryEntry(
            kind=update.kind,
            kind_label=update.get_kind_display(),
            note=update.note,
            shown_at=update.shown_at,
        )
        revision = getattr(update, "revision", None)
        if (
            revision is not None
            and revision.is_public
            and revision.kind in DIFF_KINDS
            and update.before_body is not None
        ):
            entry.diffs = revision_diffs(
                (update.before_headline, update.before_deck, update.before_body),
                (revision.headline, revision.deck, revision.body),
            )
        entries.append(entry)
    return entries


def revision_diffs(before: tuple[str, str, str], after: tuple[str, str, str]) -> list[FieldDiff]:
    """Diffs of the fields that changed, as escaped HTML with <del> and <ins>."""
    diffs = []
    for label, old, new in zip(("Headline", "Deck", "Text"), before, after, strict=True):
        if normalise_space(old or "") == normalise_space(new or ""):
            continue
        html = paragraph_diff(old, new) if label == "Text" else f"<p>{word_diff(old, new)}</p>"
        diffs.append(FieldDiff(label, mark_safe(html)))  # every part is escaped above
    return diffs
