"""What an agency file says: its text stories, the items skipped and why, or why the whole file
is refused. Pure: nothing of Django, so the parsers are tested on bytes alone.

`read_wire_file(name, data)` sniffs the format (ninjs, NewsML-G2, RSS 2.0, Atom), applies the
limits (size, nesting) and returns one `Reading` per item; a file that cannot be read safely
raises `RejectedFile` with the reason, and nothing of it is used.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum

from ..text import visible_line


class Format(StrEnum):
    NINJS = "ninjs"
    NEWSML_G2 = "newsml-g2"
    RSS = "rss"
    ATOM = "atom"


class PubStatus(StrEnum):
    USABLE = "usable"
    WITHHELD = "withheld"
    CANCELED = "canceled"


class Kind(StrEnum):
    TEXT = "text"
    PICTURE = "picture"


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 5 * 1024 * 1024
    max_depth: int = 64  # of JSON arrays and objects, or of XML elements


DEFAULT_LIMITS = Limits()


class RejectedFile(Exception):
    """The file is refused whole; `str()` is the reason for the operator."""

    def __init__(self, reason: str, format: Format):
        super().__init__(reason)
        self.format = format


@dataclass(frozen=True)
class Rendition:
    """One file of an agency picture, as the agency describes it (nothing is fetched here)."""

    href: str
    content_type: str = ""
    width: int | None = None
    height: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class AgencyPicture:
    """A picture an agency sends: with a text item (ninjs `associations`, a NewsML-G2 link) or
    as an item of its own. A link may carry no renditions: they come with the picture's item."""

    uri: str
    caption: str = ""
    creator: str = ""
    credit: str = ""
    copyright: str = ""
    renditions: tuple[Rendition, ...] = ()

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict) -> "AgencyPicture":
        renditions = tuple(Rendition(**rendition) for rendition in value.get("renditions", ()))
        return cls(**{**value, "renditions": renditions})


# Pictures read with one text item, at most: an agency's gallery is not a story's lead picture.
MAX_PICTURES = 10
# Files read of one picture, at most (agencies send three to five sizes).
MAX_RENDITIONS = 10


def picture_credit(creator: str, creditline: str) -> str:
    """The credit as printed under a picture: "Photographer/Agency", or what there is of it."""
    if creator and creditline and creator.casefold() not in creditline.casefold():
        return f"{creator}/{creditline}"[:200]
    return (creditline or creator)[:200]


def whole_number(value, max_digits: int = 12) -> int | None:
    """An agency's number, given as a number or as decimal digits; None for anything else
    ("²" is a digit to Python but no number; a thousand digits are no version)."""
    if isinstance(value, str):
        text = value.strip()
        value = int(text) if text.isdecimal() and len(text) <= max_digits else None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**max_digits:
        return value
    return None


def dimension(value) -> int | None:
    """A width, height or size in an agency's description: a positive whole number or None."""
    number = whole_number(value)
    return number if number is not None and number > 0 else None


@dataclass(frozen=True)
class Reading:
    """One item of an agency file: a text story or a picture (`skip_reason` empty), or an item
    skipped."""

    format: Format
    uri: str
    kind: Kind = Kind.TEXT
    version: str | None = None
    pub_status: PubStatus = PubStatus.USABLE
    urgency: int | None = None
    headline: str = ""
    skip_reason: str = ""
    agency: str = ""
    slugline: str = ""
    language: str = ""
    byline: str = ""
    located: str = ""
    deck: str = ""
    body_html: str = ""  # sanitised
    subjects: tuple[str, ...] = ()
    pictures: tuple[AgencyPicture, ...] = ()  # a picture item's own, or a text item's
    ed_note: str = ""
    version_created: datetime | None = None
    first_created: datetime | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def is_queued(self) -> bool:
        """A text story or a picture, kept in the queue; anything else is skipped."""
        return not self.skip_reason

    @property
    def version_number(self) -> int | None:
        """The agency's version as a number, for ordering (ninjs carries it as a string)."""
        return None if self.version is None else whole_number(self.version, max_digits=18)


_XML_ROOT = re.compile(rb"<(?![?!])(?:[\w.-]+:)?([\w.-]+)")


def sniff_format(data: bytes) -> Format:
    """The format from the first bytes: JSON is ninjs; XML by its root element."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return Format.NINJS
    # Skip the prolog, comments and any DOCTYPE to the root element's name.
    body = re.sub(rb"<!--.*?-->|<!DOCTYPE[^>\[]*(\[.*?\])?\s*>", b"", head, flags=re.DOTALL)
    match = _XML_ROOT.search(body)
    root = match.group(1).lower() if match else b""
    if root in (b"rss", b"rdf"):
        return Format.RSS
    if root == b"feed":
        return Format.ATOM
    return Format.NEWSML_G2


def format_for_name(name: str) -> Format:
    """The format a file's name suggests, for a file that could not be read at all."""
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"json": Format.NINJS, "rss": Format.RSS, "atom": Format.ATOM}.get(
        suffix, Format.NEWSML_G2
    )


def read_wire_file(name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> list[Reading]:
    """The readings of one agency file, in the file's order; raises RejectedFile."""
    from . import feeds, newsml, ninjs  # the parsers import this module's types

    format = sniff_format(data)
    if len(data) > limits.max_bytes:
        raise RejectedFile(
            f"the file is larger than the limit of {limits.max_bytes:,} bytes", format
        )
    if not data.strip():
        raise RejectedFile("the file is empty", format)
    parser = {
        Format.NINJS: ninjs.read,
        Format.NEWSML_G2: newsml.read,
        Format.RSS: feeds.read,
        Format.ATOM: feeds.read,
    }[format]
    try:
        return parser(data, limits, format)
    except RejectedFile:
        raise
    except RecursionError:
        raise RejectedFile(f"nested deeper than {limits.max_depth} levels", format) from None
    except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError) as exc:
        # An agency's odd shape (a list where a name was expected...) refuses the file, never
        # the run.
        raise RejectedFile(f"not a readable {format} file: {exc}", format) from exc


# Field helpers shared by the parsers: agency values made into the newsroom's.


def one_line(value, max_length: int | None = None, *, prose: bool = False) -> str:
    """A single line of text: control characters and invisible formatting gone (as the
    newsroom's own fields refuse them: `articles.text`), spaces collapsed, cut at a limit.
    `prose` (a summary, a caption) keeps the joiners and isolates its script may need."""
    if not isinstance(value, str):
        return ""
    text = visible_line(value, prose=prose)
    return text[:max_length] if max_length else text


def parse_time(value) -> datetime | None:
    """An ISO 8601 instant; None when absent, unreadable or without a zone."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def parse_urgency(value) -> int | None:
    """IPTC urgency 1 (flash) to 9; anything else is no urgency."""
    number = whole_number(value)
    return number if number is not None and 1 <= number <= 9 else None


def parse_pub_status(value, format: Format) -> PubStatus:
    """`usable` when absent (the standards' default); an unknown status refuses the item."""
    if value is None or value == "":
        return PubStatus.USABLE
    text = str(value).strip().lower().removeprefix("stat:")
    try:
        return PubStatus(text)
    except ValueError:
        raise RejectedFile(f"unknown publication status {value!r}", format) from None
