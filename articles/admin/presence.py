"""Who else has a story open, and whether someone saved it since this form was loaded.

The change form's script (`static/articles/desk.js`) posts a heartbeat every few seconds to
`DeskMixin.presence_view`; the answer names the other editors whose forms are open and the
newest save, if any, made after the version the form was loaded at. WordPress's heartbeat
locks the story; this only warns, since a save from an out-of-date form is refused and merged,
never applied blindly.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from ..formatting import reader_time
from ..models import Article, EditorPresence

# How often the form's script reports, and how long an editor counts as present after their
# last report: a few missed beats before they vanish.
HEARTBEAT_SECONDS = 15
PRESENT_FOR = timedelta(seconds=HEARTBEAT_SECONDS * 3)


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def heartbeat(article: Article, editor, loaded_version: int | None, now=None) -> dict:
    """Record that `editor` has the story open now; say who else has and what was saved.

    At most four queries whatever the number of editors: the upsert, the clean-up of this
    editor's old rows, the others present, and (only after a save) the newest version.
    """
    now = now or timezone.now()
    EditorPresence.objects.bulk_create(
        [EditorPresence(article=article, editor=editor, seen_at=now)],
        update_conflicts=True,
        unique_fields=["article", "editor"],
        update_fields=["seen_at"],
    )
    # Forms this editor closed long ago: keeps the table as small as the open forms.
    EditorPresence.objects.filter(editor=editor, seen_at__lt=now - PRESENT_FOR).delete()
    others = (
        EditorPresence.objects.filter(article=article, seen_at__gte=now - PRESENT_FOR)
        .exclude(editor=editor)
        .select_related("editor")
        .order_by("editor__username")
    )
    answer = {"others": [display_name(presence.editor) for presence in others], "saved": None}
    if loaded_version is not None and article.version > loaded_version:
        newest = article.revisions.select_related("editor").order_by("-number").first()
        saver = newest.editor if newest else None
        answer["saved"] = {
            "version": article.version,
            "by": display_name(saver) if saver else "someone",
            "at": reader_time(newest.created_at) if newest else "",
            "changes_url": reverse("admin:articles_article_versions", args=[article.pk])
            + (f"?a={loaded_version}&b={newest.number}" if newest else ""),
        }
    return answer


def leave(article: Article, editor) -> None:
    """The editor closed the form: they stop being shown at once, not after the timeout."""
    EditorPresence.objects.filter(article=article, editor=editor).delete()
