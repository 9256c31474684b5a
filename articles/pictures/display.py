"""A picture as pages, feeds and the API show it: addresses and sizes of its renditions.

Everything is read from what the upload stored (`Picture.renditions`): no file is opened and
no storage is asked anything but the address of a name. A withdrawn picture shows nowhere.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.files.storage import storages

from ..models import Picture


def rendition_storage():
    """Where the renditions are: the default storage (a local folder or the bucket)."""
    return storages["default"]


@dataclass(frozen=True)
class File:
    url: str
    width: int
    height: int
    type: str
    bytes: int


@dataclass
class Shown:
    picture: Picture
    caption: str

    @property
    def alt_text(self) -> str:
        return self.picture.alt_text

    @property
    def credit(self) -> str:
        return self.picture.credit

    @property
    def creator(self) -> str:
        return self.picture.creator

    @property
    def copyright(self) -> str:
        return self.picture.copyright

    @cached_property
    def _files(self) -> list[tuple[str, File]]:
        storage = rendition_storage()
        return [
            (
                rendition["shape"],
                File(
                    storage.url(rendition["name"]),
                    rendition["width"],
                    rendition["height"],
                    rendition["type"],
                    rendition["bytes"],
                ),
            )
            for rendition in self.picture.renditions
        ]

    def widths(self, content_type: str) -> list[File]:
        """The renditions at the picture's own shape in one format, narrowest first."""
        files = [file for shape, file in self._files if not shape and file.type == content_type]
        return sorted(files, key=lambda file: file.width)

    def srcset(self, content_type: str) -> str:
        return ", ".join(f"{file.url} {file.width}w" for file in self.widths(content_type))

    @property
    def webp_srcset(self) -> str:
        return self.srcset("image/webp")

    @property
    def jpeg_srcset(self) -> str:
        return self.srcset("image/jpeg")

    @property
    def fallback(self) -> File:
        """The JPEG a browser without srcset gets: the widest up to 1024 px."""
        files = self.widths("image/jpeg")
        return next((file for file in reversed(files) if file.width <= 1024), files[0])

    @property
    def largest(self) -> File:
        return self.widths("image/jpeg")[-1]

    @property
    def thumbnail(self) -> File:
        return self.widths("image/webp")[0]

    @property
    def thumbnail_jpeg(self) -> File:
        return self.widths("image/jpeg")[0]

    @property
    def crops(self) -> dict[str, File]:
        """The 16:9, 4:3 and 1:1 crops, by shape name ("16x9", "4x3", "1x1")."""
        return {shape: file for shape, file in self._files if shape}

    @property
    def share(self) -> File:
        """The picture for Open Graph and Twitter cards: the 16:9 crop."""
        return self.crops["16x9"]


def lead_picture(article) -> Shown | None:
    """A story's lead picture as readers see it, with the story's own caption, or None."""
    return shown_picture(article.lead_picture, article.lead_picture_caption)


def shown_picture(picture: Picture | None, caption: str = "") -> Shown | None:
    """The picture as readers see it (with the story's own caption, if it has one), or None."""
    if picture is None or picture.is_withdrawn or not picture.renditions:
        return None
    return Shown(picture, caption or picture.caption)
