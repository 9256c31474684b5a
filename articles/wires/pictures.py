"""Agency pictures into the picture library, to be a story's lead picture with their credit.

A picture comes with a text item (ninjs `associations`, a NewsML-G2 link to a picture item) or
as an item of its own. It is fetched when an editor takes it (using the story, or adding the
picture to the library), never at ingest: agencies send far more pictures than a desk uses, and
ingest stays as fast as it was. The file goes through the library's own checks (`add_picture`:
type, size, pixels, metadata stripped from the renditions); the agency's caption and credit are
kept, and the file's own fill what the agency left out. One library picture per agency picture:
taking it again gives the same one, and the agency's kill of it withdraws it everywhere.

Where a file is fetched from is the agency's word, so it is bounded: http(s) addresses of public
hosts (or of the feed's own host), followed through redirects by the same rule; a path beside
the item's file inside the folder it came from; the site's timeout and picture size limit.
"""

import io
import ipaddress
import mimetypes
import socket
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import IntegrityError

from ..models import Picture
from ..pictures.files import CONTENT_TYPES, PictureRefused
from ..pictures.library import add_picture
from .models import WireItem, WireSource
from .reading import AgencyPicture, Kind, PubStatus, Rendition
from .sources import FetchError, get, is_url

# The width the largest rendition readers get is made at (articles/pictures/files.py): a file
# this wide is enough, a wider one only costs.
WANTED_WIDTH = 1600
# Files tried for one picture before giving up (the agency's next best, when one fails).
ATTEMPTS = 3


def library_picture(item: WireItem, picture: AgencyPicture, *, by) -> Picture:
    """The library's picture for `picture` of `item`: the one taken before, or fetched now.
    Raises PictureRefused with the reason the editor is shown."""
    if picture.uri:
        taken = Picture.objects.filter(agency_uri=picture.uri).first()
        if taken is not None:
            return usable(taken)
        picture = with_renditions(picture)
    data, name, content_type = fetch_file(item, picture)
    text = {
        "alt_text": alt_text_for(picture, item),
        "caption": picture.caption,
        "creator": picture.creator,
        "credit": picture.credit,
        "copyright": picture.copyright,
        "agency_uri": picture.uri[:255],
    }
    # Neither the agency's description nor the file names anyone: the agency is the credit.
    fallback = {"credit": item.agency[:200], "copyright": item.agency[:200]}
    try:
        return add_picture(io.BytesIO(data), name, content_type, by=by, fallback=fallback, **text)
    except IntegrityError:
        # Taken by another editor at the same moment: theirs is the library's.
        return usable(Picture.objects.get(agency_uri=picture.uri))


def usable(picture: Picture) -> Picture:
    if picture.is_withdrawn:
        reason = picture.withdrawal_reason or "a rights problem"
        raise PictureRefused(
            f"The agency's picture was withdrawn from the library ({reason}): it cannot be used."
        )
    return picture


def with_renditions(picture: AgencyPicture) -> AgencyPicture:
    """The picture as its own item in the queue says, when it came as one: withheld or killed
    there, it is not taken; named by a link alone, it takes that item's files."""
    own = WireItem.objects.filter(uri=picture.uri, kind=Kind.PICTURE).first()
    if own is not None and own.pub_status != PubStatus.USABLE:
        raise PictureRefused(f"The agency marked this picture {own.pub_status}.")
    if picture.renditions:
        return picture
    if own is None or not own.pictures:
        raise PictureRefused(
            "The agency's picture has not arrived in the queue yet: its files are not known."
        )
    described = own.agency_pictures[0]
    return AgencyPicture(
        uri=picture.uri,
        caption=picture.caption or described.caption,
        creator=picture.creator or described.creator,
        credit=picture.credit or described.credit,
        copyright=picture.copyright or described.copyright,
        renditions=described.renditions,
    )


def alt_text_for(picture: AgencyPicture, item: WireItem) -> str:
    """Agencies send no alt text; their caption says what the picture shows (TT uses it as its
    own alt text). Editors can write a better one in the library."""
    return (picture.caption or item.headline)[:300]


def candidates(renditions: tuple[Rendition, ...]) -> list[Rendition]:
    """The agency's files worth fetching, best first: the narrowest at least as wide as the
    largest rendition made here, then the wider ones' nearest; none over the site's limits or
    in a format the library refuses."""
    fitting = [
        rendition
        for rendition in renditions
        if (rendition.size or 0) <= settings.PICTURE_MAX_BYTES
        and (rendition.width or 0) * (rendition.height or 0) <= settings.PICTURE_MAX_PIXELS
        and (not rendition.content_type or rendition.content_type.lower() in CONTENT_TYPES)
    ]
    wide_enough = sorted(
        (r for r in fitting if (r.width or 0) >= WANTED_WIDTH), key=lambda r: r.width
    )
    narrower = sorted(
        (r for r in fitting if (r.width or 0) < WANTED_WIDTH),
        key=lambda r: r.width or 0,
        reverse=True,
    )
    return (wide_enough + narrower)[:ATTEMPTS]


def fetch_file(item: WireItem, picture: AgencyPicture) -> tuple[bytes, str, str | None]:
    """(the bytes, a file name, the content type) of the agency's best file for `picture`."""
    tried = candidates(picture.renditions)
    if not tried:
        raise PictureRefused(
            "The agency sends no file of this picture that the library takes (JPEG, PNG or "
            "WebP within the size limit)."
        )
    reasons = []
    for rendition in tried:
        try:
            data = read_rendition(item, rendition.href)
        except (FetchError, PictureRefused) as error:
            reasons.append(str(error))
            continue
        name = Path(urlsplit(rendition.href).path).name or "agency-picture"
        content_type = rendition.content_type or mimetypes.guess_type(name)[0]
        return data, name[:100], content_type
    raise PictureRefused("The agency's picture could not be fetched: " + "; ".join(reasons))


def read_rendition(item: WireItem, href: str) -> bytes:
    source: WireSource | None = item.source
    feed_url = source.location if source and source.kind == WireSource.Kind.URL else ""
    if not is_url(href) and feed_url:
        href = urljoin(feed_url, href)
    if is_url(href):
        allowed = urlsplit(feed_url).hostname if feed_url else None
        check_host(href, allowed)
        data, _ = get(href, max_bytes=settings.PICTURE_MAX_BYTES, opener=guarded_opener(allowed))
        return data or b""
    return read_beside(item, href)


def read_beside(item: WireItem, href: str) -> bytes:
    """A file the item names by a path: beside the item's file, inside the folder it came
    from (NewsML-G2's `href="./photo.jpg"`)."""
    if not item.file_name or is_url(item.file_name):
        raise PictureRefused(f"The picture's address {href!r} is not an http(s) address.")
    item_file = Path(item.file_name)
    source = item.source
    folder = Path(source.location) if source and source.kind == "folder" else item_file.parent
    path_text = urlsplit(href).path if href.startswith("file:") else href
    path = (item_file.parent / path_text.lstrip("/").strip()).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise PictureRefused(f"The picture's path {href!r} leads outside the agency's folder.")
    try:
        with path.open("rb") as file:
            data = file.read(settings.PICTURE_MAX_BYTES + 1)
    except OSError as error:
        raise PictureRefused(
            f"Cannot read the picture's file {path.name}: {error.strerror}"
        ) from None
    if len(data) > settings.PICTURE_MAX_BYTES:
        raise PictureRefused(
            f"The picture's file is over the limit of {settings.PICTURE_MAX_BYTES:,} bytes."
        )
    return data


def check_host(url: str, allowed: str | None) -> None:
    """An agency's address may not reach into the newsroom's own network (its database, a
    cloud's metadata service): every address of its host must be public, unless the host is
    the feed's own, which the operator chose."""
    host = urlsplit(url).hostname or ""
    if allowed and host == allowed:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"cannot fetch {url}: the host {host!r} is unknown") from None
    if not all(ipaddress.ip_address(address.split("%")[0]).is_global for address in addresses):
        raise FetchError(f"cannot fetch {url}: {host} is not a public address")


class GuardedRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects followed only to where the first address could go."""

    def __init__(self, allowed: str | None):
        super().__init__()
        self.allowed = allowed

    def redirect_request(self, request, fp, code, message, headers, new_url):
        if not is_url(new_url):
            raise FetchError(f"the agency's server redirected to {new_url!r}")
        check_host(new_url, self.allowed)
        return super().redirect_request(request, fp, code, message, headers, new_url)


def guarded_opener(allowed: str | None):
    return urllib.request.build_opener(GuardedRedirects(allowed))
