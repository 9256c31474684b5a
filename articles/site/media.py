"""Renditions served from the local storage, for a site with no bucket (the embedded demo, a
single server). With a bucket, readers fetch them from the bucket or its CDN instead.

Only rendition names are served (`<picture id>-<token>/<name>.webp|.jpg`), never the private
originals, which live in another storage. A withdrawn picture's files are deleted, so its
addresses answer 404; shared caches in front drop them by the picture's surrogate key.
"""

import re

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.urls import path
from django.utils.cache import patch_cache_control

from .. import surrogate_keys as keys
from ..pictures.display import rendition_storage

RENDITION = re.compile(r"(?P<picture>[0-9]+)-[0-9a-f]+/[a-z0-9]+\.(?P<extension>webp|jpg)")
CONTENT_TYPES = {"webp": "image/webp", "jpg": "image/jpeg"}
# Browsers keep a rendition for a while; shared caches until a purge (a withdrawal) drops it.
BROWSER_SECONDS = 3600
SHARED_SECONDS = 365 * 24 * 3600


def rendition(request, name: str):
    match = RENDITION.fullmatch(name)
    if match is None:
        raise Http404("No such picture.")
    storage = rendition_storage()
    try:
        file = storage.open(name)
    except FileNotFoundError:
        raise Http404("No such picture.") from None
    response = FileResponse(file, content_type=CONTENT_TYPES[match["extension"]])
    patch_cache_control(response, public=True, max_age=BROWSER_SECONDS, s_maxage=SHARED_SECONDS)
    picture_key = keys.picture_key(int(match["picture"]))
    response["Surrogate-Key"] = picture_key
    response["Cache-Tag"] = picture_key
    return response


def urlpatterns() -> list:
    """The route, when pictures are in a local folder and MEDIA_URL is a path of this site."""
    if not isinstance(rendition_storage(), FileSystemStorage):
        return []
    prefix = settings.MEDIA_URL
    if not prefix.startswith("/") or prefix.startswith("//"):
        return []
    return [path(f"{prefix.strip('/')}/<path:name>", rendition, name="rendition")]
