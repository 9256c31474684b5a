"""Agency pictures into the picture library, to be a story's lead picture with their credit.

A picture comes with a text item (ninjs `associations`, a NewsML-G2 link to a picture item) or
as an item of its own. It is fetched when an editor takes it (using the story, or adding the
picture to the library), never at ingest: agencies send far more pictures than a desk uses, and
ingest stays as fast as it was. The file goes through the library's own checks (`add_picture`:
type, size, pixels, metadata stripped from the renditions); the agency's caption and credit are
kept, and the file's own fill what the agency left out. One library picture per agency picture:
taking it again gives the same one, and the agency's kill of it withdraws it everywhere.

Where a file is fetched from is the agency's word, so it is bounded: http(s) addresses whose
host has only public addresses (checked on the address connected to, for every connection,
redirects included), or the feed's own host; a path beside the item's file inside the folder it
came from; the site's timeout and picture size limit.
"""

import functools
import http.client
import io
import ipaddress
import socket
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.db import IntegrityError

from ..models import Picture
from ..pictures.files import CONTENT_TYPES, EXTENSIONS, PictureRefused
from ..pictures.library import add_picture, withdraw_picture
from ..text import without_hidden_characters
from .models import WireItem, WireSource
from .reading import AgencyPicture, Kind, PubStatus, Rendition
from .sources import FetchError, get, is_url

# The width the largest rendition readers get is made at (articles/pictures/files.py): a file
# this wide is enough, a wider one only costs.
WANTED_WIDTH = 1600
# Files tried for one picture before giving up (the agency's next best, when one fails).
ATTEMPTS = 3
REDIRECTS = 3
EXTENSION_FOR = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
# IPv6 ranges that carry an IPv4 address, which is the one to judge (Python 3.11 calls
# 64:ff9b::a9fe:a9fe, the metadata service through NAT64, global).
NAT64 = ipaddress.ip_network("64:ff9b::/96")


def library_picture(item: WireItem, picture: AgencyPicture, *, by) -> Picture:
    """The library's picture for `picture` of `item`: the one taken before, or fetched now.
    Raises PictureRefused with the reason the editor is shown."""
    own = own_item(picture)
    identity = agency_identity(picture)
    taken = Picture.objects.filter(agency_uri=identity).first() if identity else None
    if taken is not None:
        return usable(taken)
    picture = with_renditions(picture, own)
    text = {
        "alt_text": alt_text_for(picture, item),
        "caption": picture.caption,
        "creator": picture.creator,
        "credit": picture.credit,
        "copyright": picture.copyright,
        "agency_uri": identity,
    }
    # Neither the agency's description nor the file names anyone: the agency is the credit.
    fallback = {"credit": item.agency[:200], "copyright": item.agency[:200]}
    stored = fetch_and_store(item, picture, by=by, fallback=fallback, **text)
    return still_usable(stored, picture)


def own_item(picture: AgencyPicture) -> WireItem | None:
    """The picture's own item in the queue, when it came as one: withheld or killed there, it
    is not taken, even from a text item that carries it."""
    own = WireItem.objects.filter(uri=picture.uri, kind=Kind.PICTURE).first()
    if own is not None and own.pub_status != PubStatus.USABLE:
        raise PictureRefused(f"The agency marked this picture {own.pub_status}.")
    return own


def agency_identity(picture: AgencyPicture) -> str:
    """What names the picture in the library: the agency's uri, else its first file's address
    (an association that carries files only)."""
    if picture.uri:
        return picture.uri[:255]
    return f"file:{picture.renditions[0].href}"[:255] if picture.renditions else ""


def usable(picture: Picture) -> Picture:
    if picture.is_withdrawn:
        reason = picture.withdrawal_reason or "a rights problem"
        raise PictureRefused(
            f"The agency's picture was withdrawn from the library ({reason}): it cannot be used."
        )
    return picture


def still_usable(stored: Picture, picture: AgencyPicture) -> Picture:
    """A kill that arrived while the file was fetched found nothing in the library to withdraw:
    it is applied now."""
    try:
        own_item(picture)
    except PictureRefused:
        withdraw_picture(stored, reason="Killed by the agency while it was fetched.")
        raise
    return stored


def with_renditions(picture: AgencyPicture, own: WireItem | None) -> AgencyPicture:
    """A picture named by a link alone, with the files its own item describes."""
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
    return without_hidden_characters(picture.caption or item.headline)[:300]


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


def fetch_and_store(item: WireItem, picture: AgencyPicture, *, by, fallback, **text) -> Picture:
    """The agency's best file for `picture`, stored in the library; the next best when one
    cannot be fetched or is refused."""
    tried = candidates(picture.renditions)
    if not tried:
        raise PictureRefused(
            "The agency sends no file of this picture that the library takes (JPEG, PNG or "
            "WebP within the size limit)."
        )
    reasons = []
    for rendition in tried:
        try:
            data, content_type = read_rendition(item, rendition.href)
            content_type = rendition.content_type or content_type
            name = file_name(rendition.href, content_type)
            return add_picture(
                io.BytesIO(data), name, content_type, by=by, fallback=fallback, **text
            )
        except IntegrityError:
            # Taken by another editor at the same moment: theirs is the library's.
            return usable(Picture.objects.get(agency_uri=text["agency_uri"]))
        except (FetchError, PictureRefused) as error:
            reasons.append(str(error))
    raise PictureRefused("The agency's picture could not be taken: " + "; ".join(reasons))


def file_name(href: str, content_type: str | None) -> str:
    """The file's name from its address, with the extension its type gives when the address
    has none (AP's files end in `/download`)."""
    path = Path(urlsplit(href).path)
    stem = (path.stem or "agency-picture")[:80]
    if path.suffix.lower() in EXTENSIONS:
        return stem + path.suffix.lower()
    format = CONTENT_TYPES.get((content_type or "").split(";")[0].strip().lower())
    return stem + EXTENSION_FOR.get(format, "")


def read_rendition(item: WireItem, href: str) -> tuple[bytes, str]:
    """(the file's bytes, its type as the server says it) from the agency's address."""
    source: WireSource | None = item.source
    feed_url = source.location if source and source.kind == WireSource.Kind.URL else ""
    try:
        href = urljoin(feed_url, href) if feed_url else href
        scheme = urlsplit(href).scheme
        allowed = urlsplit(feed_url).hostname if feed_url else None
    except ValueError:  # "http://[::1/x.jpg"
        raise FetchError(f"the picture's address {href!r} is not a valid address") from None
    if scheme in ("", "file"):
        return read_beside(item, href), ""
    if not is_url(href):
        raise FetchError(f"the picture's address {href!r} is not an http(s) address")
    data, headers = get(href, max_bytes=settings.PICTURE_MAX_BYTES, opener=guarded_opener(allowed))
    if data is None:
        raise FetchError("the server answered 304 Not Modified to a plain request")
    return data, headers.get("Content-Type", "")


def read_beside(item: WireItem, href: str) -> bytes:
    """A file the item names by a path: beside the item's file, inside the folder it came
    from (NewsML-G2's `href="./photo.jpg"`)."""
    if not item.file_name or is_url(item.file_name):
        raise PictureRefused(f"The picture's address {href!r} is not an http(s) address.")
    item_file = Path(item.file_name)
    source = item.source
    if source is not None and source.kind == WireSource.Kind.FOLDER:
        folder = Path(source.location)
    else:
        folder = item_file.parent
    path_text = urlsplit(href).path if href.startswith("file:") else href
    try:
        path = (item_file.parent / path_text.lstrip("/").strip()).resolve()
        inside = path.is_relative_to(folder.resolve())
    except (OSError, RuntimeError):  # a loop of links, a name the system refuses
        inside = False
    if not inside:
        raise PictureRefused(f"The picture's path {href!r} leads outside the agency's folder.")
    if not path.is_file():  # a folder, a pipe that would never end
        raise PictureRefused(f"The picture's path {href!r} is not a file.")
    try:
        with path.open("rb") as file:
            data = file.read(settings.PICTURE_MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror
        raise PictureRefused(f"Cannot read the picture's file {path.name}: {reason}") from None
    if len(data) > settings.PICTURE_MAX_BYTES:
        raise PictureRefused(
            f"The picture's file is over the limit of {settings.PICTURE_MAX_BYTES:,} bytes."
        )
    return data


# An agency's address may not reach into the newsroom's own network (its database, a cloud's
# metadata service). The address checked is the one connected to, so that a name cannot resolve
# to a public address for the check and a private one for the connection.


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6:
        if ip in NAT64:
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        else:
            ip = ip.ipv4_mapped or ip.sixtofour or ip
    return ip.is_global


class GuardedConnection(http.client.HTTPConnection):
    """Connects only to public addresses of its host, unless the host is `allowed` (the feed's
    own, which the operator chose)."""

    def __init__(self, *args, allowed: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.allowed = allowed
        self._create_connection = self._connect_checked

    def _connect_checked(self, address, timeout, source_address=None):
        host, port = address
        if self.allowed and host == self.allowed:
            return socket.create_connection(address, timeout, source_address)
        found = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
        if not found or not all(is_public(ip) for ip in found):
            raise FetchError(f"cannot fetch from {host}: it is not a public address")
        return socket.create_connection((sorted(found)[0], port), timeout, source_address)


class GuardedHTTPSConnection(GuardedConnection, http.client.HTTPSConnection):
    pass


class GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, allowed: str | None):
        super().__init__()
        self.allowed = allowed

    def http_open(self, request):
        return self.do_open(functools.partial(GuardedConnection, allowed=self.allowed), request)


class GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, allowed: str | None):
        super().__init__()
        self.allowed = allowed

    def https_open(self, request):
        connection = functools.partial(GuardedHTTPSConnection, allowed=self.allowed)
        return self.do_open(connection, request, context=self._context)


class GuardedRedirects(urllib.request.HTTPRedirectHandler):
    """A few redirects, to http(s) only (each new connection is checked by its handler)."""

    max_redirections = REDIRECTS

    def redirect_request(self, request, fp, code, message, headers, new_url):
        if not is_url(new_url):
            raise FetchError(f"the agency's server redirected to {new_url!r}")
        return super().redirect_request(request, fp, code, message, headers, new_url)


def guarded_opener(allowed: str | None):
    # No proxy: the check must see the address connected to.
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}),
        GuardedHTTPHandler(allowed),
        GuardedHTTPSHandler(allowed),
        GuardedRedirects(),
    )
