"""Small rules of formatting shared by pages, feeds, sitemaps, JSON-LD, the ninjs API and the
write path, which stores fragments formatted with them (`editorial/derived.py`)."""

from datetime import UTC, date, datetime, time

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateformat import format as format_date

from .models import Dateline

# AP style month abbreviations and a.m./p.m. with the zone: "May 25, 2016, 6:31 a.m. IST".
READER_TIME_FORMAT = "N j, Y, P T"


def reader_time(value: datetime | None) -> str:
    """A time as readers see it, in the newsroom's zone with its abbreviation."""
    if value is None:
        return ""
    return format_date(timezone.localtime(value), READER_TIME_FORMAT)


def iso_instant(value: datetime | None) -> str:
    """The exact instant in UTC, for <time datetime>, JSON-LD, feeds and ninjs."""
    if value is None:
        return ""
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# The days the archive can name. Outside them a midnight in the newsroom's zone may not be an
# instant Python can hold in UTC (year 1 in IST is before the year 1 in UTC).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


def day_start(day: date) -> datetime:
    """The instant `day` begins in the newsroom's zone; ValueError outside FIRST_DAY..LAST_DAY+1."""
    if not FIRST_DAY <= day <= date(LAST_DAY.year + 1, 1, 1):
        raise ValueError(f"{day} is outside the archive")
    return timezone.make_aware(datetime.combine(day, time.min))


def wire_dateline(dateline: Dateline | None) -> str:
    """The dateline in the newsroom's wire style ("MUMBAI, Maharashtra"), or ""."""
    if dateline is None:
        return ""
    return dateline.wire_style(settings.DATELINE_STANDALONE_CITIES)


def site_root(request: HttpRequest | None = None) -> str:
    """The scheme and host absolute links start with: SITE_URL, else the request's own."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return ""


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    return site_root(request) + path
