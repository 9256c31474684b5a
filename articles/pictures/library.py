"""The picture library's writes: a picture stored with its renditions, and its withdrawal.

Renditions are made once, here, at upload, and stored in the default storage (the local
folder or the bucket) under the picture's own folder; the pages only link them. The
original, metadata and all, goes to the private "picture_originals" storage.
"""

import secrets
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ..editorial.finishing import changing
from ..models import Article, Picture
from ..surrogate_keys import picture_key
from .display import rendition_storage
from .files import Inspected, Metadata, inspect, make_renditions

EDITABLE_TEXT = ("alt_text", "caption", "creator", "credit", "copyright")


def check_upload(file: IO[bytes], name: str, content_type: str | None) -> Inspected:
    """`inspect` with the site's limits; raises `PictureRefused` with the editor's message."""
    return inspect(
        file,
        name,
        content_type,
        max_bytes=settings.PICTURE_MAX_BYTES,
        max_pixels=settings.PICTURE_MAX_PIXELS,
    )


def fill_from_metadata(values: dict, metadata: Metadata) -> dict:
    """The editor's values, with what the file says where the editor left a field empty."""
    return {
        **values,
        **{
            name: getattr(metadata, name)
            for name in ("caption", "creator", "credit", "copyright")
            if not values.get(name) and getattr(metadata, name)
        },
    }


def _store_renditions(picture: Picture, inspected: Inspected) -> list[dict]:
    storage = rendition_storage()
    described = []
    try:
        for rendition in make_renditions(inspected):
            shape = rendition.shape or "w"
            wanted = f"{picture.folder}/{shape}{rendition.width}{rendition.extension}"
            name = storage.save(wanted, ContentFile(rendition.content))
            described.append(rendition.describe(name))
    except BaseException:
        for rendition in described:
            storage.delete(rendition["name"])
        raise
    return described


def store_picture(picture: Picture, upload, inspected: Inspected, fallback=None) -> Picture:
    """A new picture in the library: the original kept privately, its renditions made.

    `picture` holds the editor's text; what they left empty is filled from the file, and what
    the file lacks too from `fallback`.
    """
    values = {name: getattr(picture, name) for name in EDITABLE_TEXT}
    for name, value in fill_from_metadata(values, inspected.metadata).items():
        setattr(picture, name, value or (fallback or {}).get(name, ""))
    picture.width, picture.height = inspected.width, inspected.height
    upload.seek(0)
    picture.image.save(upload.name, upload, save=False)
    try:
        with transaction.atomic():
            picture.save()
            # The id leads the folder so that a rendition's address names its picture (the
            # local server tags it with the picture's surrogate key); the token makes the
            # addresses of a withdrawn picture impossible to guess back.
            picture.folder = f"{picture.pk}-{secrets.token_hex(8)}"
            picture.renditions = _store_renditions(picture, inspected)
            picture.save(update_fields=["folder", "renditions"])
    except BaseException:
        picture.image.delete(save=False)
        raise
    return picture


def add_picture(
    file, name: str, content_type: str | None = None, *, by=None, fallback=None, **text
) -> Picture:
    """A picture from anywhere but the admin's form (an agency's item, a command): checked
    and stored as an upload is. `text` holds alt_text, caption, credit...; what it leaves
    empty is read from the file, and what the file lacks too is taken from `fallback`.
    Raises `PictureRefused` with the reason."""
    inspected = check_upload(file, name, content_type)
    file.name = name
    return store_picture(Picture(uploaded_by=by, **text), file, inspected, fallback)


def _pages_showing(picture: Picture, change) -> None:
    """Every page showing the picture is stale, and so is the output stored with each story
    that shows it (its summary's thumbnail, its structured data): made again on finishing."""
    change.keys.add(picture_key(picture.pk))
    change.story(*Article.objects.filter(lead_picture=picture).values_list("pk", flat=True))


def update_picture_text(picture: Picture, values: dict) -> None:
    """New alt text, caption or credit: every page showing the picture shows them at once."""
    for name in EDITABLE_TEXT:
        if name in values:
            setattr(picture, name, values[name])
    with changing() as change:
        picture.save(update_fields=list(EDITABLE_TEXT))
        _pages_showing(picture, change)


def withdraw_picture(picture: Picture, *, reason: str = "") -> None:
    """A rights problem: the renditions stop being served and every page showing it drops it.

    The stories keep their link (and their versions name it), so that the withdrawal can be
    seen in the admin; the original stays, privately, for the record.
    """
    storage = rendition_storage()
    with changing() as change:
        Picture.objects.filter(pk=picture.pk).update(
            withdrawn_at=timezone.now(), withdrawal_reason=reason
        )
        picture.refresh_from_db(fields=["withdrawn_at", "withdrawal_reason"])
        # The files go before the shared caches are purged (on the same commit), so that no
        # cache can fetch a rendition again between the purge and the deletion.
        transaction.on_commit(
            lambda: [storage.delete(rendition["name"]) for rendition in picture.renditions]
        )
        _pages_showing(picture, change)
