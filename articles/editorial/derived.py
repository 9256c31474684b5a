"""Output that only changes when a story is saved, made then rather than on every page view.

The public change history (each update and correction with the diff of what the headline,
deck and body said before and after) costs more than the rest of the story page to compute,
so the services store it on the story whenever its text or update log changes; the public
site (`articles.site.history`) only reads it back.

Each entry pairs an `Update` note with its public UPDATE or CORRECTION revision, if the
version store links one, and diffs it against the previous public revision by number (any kind
but a draft). Silent fixes and drafts never become entries; an update with no revision (an
imported story whose notes predate the version store) keeps its note without a diff.
"""

import json

from django.db.models import OuterRef, Subquery
from django.db.models.signals import post_delete, post_save

from ..diffs import paragraph_diff, word_diff
from ..models import Article, Revision, Update, normalise_space

DIFF_KINDS = (Revision.Kind.UPDATE, Revision.Kind.CORRECTION)


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


def revision_diffs(before: tuple[str, str, str], after: tuple[str, str, str]) -> list[dict]:
    """Diffs of the fields that changed, as escaped HTML with <del> and <ins>."""
    diffs = []
    for label, old, new in zip(("Headline", "Deck", "Text"), before, after, strict=True):
        if normalise_space(old or "") == normalise_space(new or ""):
            continue
        html = paragraph_diff(old, new) if label == "Text" else f"<p>{word_diff(old, new)}</p>"
        diffs.append({"label": label, "html": html})
    return diffs


def public_history(article_id: int) -> list[dict]:
    """The public log of a story, newest first, in one query whatever its length."""
    updates = (
        Update.objects.filter(article_id=article_id)
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
        entry = {
            "kind": update.kind,
            "kind_label": update.get_kind_display(),
            "note": update.note,
            "shown_at": update.shown_at.isoformat(),
            "diffs": [],
        }
        revision = getattr(update, "revision", None)
        if (
            revision is not None
            and revision.is_public
            and revision.kind in DIFF_KINDS
            and update.before_body is not None
        ):
            entry["diffs"] = revision_diffs(
                (update.before_headline, update.before_deck, update.before_body),
                (revision.headline, revision.deck, revision.body),
            )
        entries.append(entry)
    return entries


def refresh_history(article: Article) -> None:
    """Store the story's public history again, after a save or a change to its update log."""
    entries = public_history(article.pk)
    article.public_history = json.dumps(entries, ensure_ascii=False) if entries else ""
    Article.objects.filter(pk=article.pk).update(public_history=article.public_history)


def _on_log_changed(instance, **kwargs) -> None:
    """An update note saved or deleted (the admin's inline too), or its revision kept."""
    if isinstance(instance, Revision) and instance.update_id is None:
        return
    refresh_history(Article(pk=instance.article_id))


def connect_signals() -> None:
    for model in (Update, Revision):
        post_save.connect(_on_log_changed, sender=model, dispatch_uid=f"history-{model.__name__}")
    post_delete.connect(_on_log_changed, sender=Update, dispatch_uid="history-update-gone")
