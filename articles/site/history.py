"""A story's public change history: its updates and corrections, each with a readable diff.

The history is made when the story is saved (`articles.editorial.derived`, which says what an
entry holds) and stored on the story, so a page view only reads it back: no query, no diff.
"""

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.safestring import SafeString, mark_safe

from ..models import Article, Update


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


def change_history(article: Article) -> list[HistoryEntry]:
    """The public log of `article`, newest first, as stored at its last save."""
    if not article.public_history:
        return []
    return [
        HistoryEntry(
            kind=entry["kind"],
            kind_label=entry["kind_label"],
            note=entry["note"],
            shown_at=datetime.fromisoformat(entry["shown_at"]),
            # Escaped by `derived.revision_diffs` when the story was saved.
            diffs=[FieldDiff(diff["label"], mark_safe(diff["html"])) for diff in entry["diffs"]],
        )
        for entry in json.loads(article.public_history)
    ]
