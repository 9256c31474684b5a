"""The editor's unsaved edit of a story, kept as they type and offered back when they return.

The change form's script posts the text fields whenever they changed and a few seconds have
passed; a crash or a closed tab then loses at most those seconds. An autosave belongs to one
editor and one story (or the one new story they are writing), is never a version and never
public, and goes when the story is saved.
"""

from django.utils import timezone

from ..content import TEXT_NAMES
from ..models import Article, Autosave
from .params import whole_number

# The form fields an autosave keeps: the editor's text. Placement and publishing are quick to
# choose again and carry rules (a publication time, a kind of change) best chosen afresh.
AUTOSAVED_FIELDS = {name: Article._meta.get_field(name).max_length for name in TEXT_NAMES}
# A bound on what one autosave may store, far above any story the newsroom files.
MAX_FIELD_CHARS = 200_000


def keep(article: Article | None, editor, data) -> Autosave | None:
    """Store the editor's text for `article` (None: a new story); None when the post is not
    a story form's text."""
    base_version = whole_number(data.get("loaded_version"))
    fields = {name: data.get(name, "") for name in AUTOSAVED_FIELDS}
    too_long = any(
        len(value) > (limit or MAX_FIELD_CHARS)
        for value, limit in zip(fields.values(), AUTOSAVED_FIELDS.values(), strict=True)
    )
    if too_long or (article is not None and base_version is None):
        return None
    autosave, _ = Autosave.objects.update_or_create(
        article=article,
        editor=editor,
        defaults={"base_version": base_version, "fields": fields, "saved_at": timezone.now()},
    )
    return autosave


def offer(article: Article | None, editor) -> Autosave | None:
    """The editor's autosave of `article` (None: a new story) if it holds text the story
    does not."""
    autosave = Autosave.objects.filter(article=article, editor=editor).first()
    if autosave is None:
        return None
    if all(
        same_text(autosave.fields.get(name, ""), getattr(article, name) if article else "")
        for name in AUTOSAVED_FIELDS
    ):
        autosave.delete()  # nothing was lost: the story holds this text already
        return None
    return autosave


def same_text(typed: str, stored: str) -> bool:
    """Browsers post a textarea's line breaks as CRLF, and its value in script as LF."""
    return typed.replace("\r\n", "\n") == stored.replace("\r\n", "\n")


def discard(article: Article | None, editor) -> None:
    Autosave.objects.filter(article=article, editor=editor).delete()
