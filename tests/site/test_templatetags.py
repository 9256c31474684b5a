"""How readers see times and datelines."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from articles.formatting import iso_instant, reader_time, wire_dateline
from articles.templatetags.newsroom import time_tag
from tests.factories import DatelineFactory


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2016, 5, 25, 1, 1, tzinfo=UTC), "May 25, 2016, 6:31 a.m. IST"),
        (datetime(2016, 5, 24, 18, 29, tzinfo=UTC), "May 24, 2016, 11:59 p.m. IST"),
        (datetime(2016, 5, 24, 18, 30, tzinfo=UTC), "May 25, 2016, midnight IST"),
        (datetime(2016, 5, 24, 18, 31, tzinfo=UTC), "May 25, 2016, 12:01 a.m. IST"),
        (datetime(2016, 12, 31, 18, 30, tzinfo=UTC), "Jan. 1, 2017, midnight IST"),
        (datetime(2016, 9, 1, 6, 30, tzinfo=UTC), "Sept. 1, 2016, noon IST"),
    ],
)
def test_reader_time_is_in_the_newsroom_zone_around_midnight(moment, shown):
    assert reader_time(moment) == shown


def test_reader_time_follows_the_zone_setting(settings):
    settings.TIME_ZONE = "Europe/London"
    with timezone.override("Europe/London"):
        assert reader_time(datetime(2016, 5, 25, 1, 1, tzinfo=UTC)) == "May 25, 2016, 2:01 a.m. BST"


def test_iso_instant_is_utc():
    moment = datetime(2016, 5, 25, 6, 31, tzinfo=ZoneInfo("Asia/Kolkata"))

    assert iso_instant(moment) == "2016-05-25T01:01:00Z"
    assert iso_instant(None) == ""


def test_time_tag_pairs_the_instant_with_the_reader_time():
    html = time_tag(datetime(2016, 5, 25, 1, 1, tzinfo=UTC))

    assert html == '<time datetime="2016-05-25T01:01:00Z">May 25, 2016, 6:31 a.m. IST</time>'


def test_time_tag_in_templates():
    template = Template("{% load newsroom %}{% time_tag t %}|{{ t|iso_instant }}")

    rendered = template.render(Context({"t": datetime(2016, 5, 25, 1, 1, tzinfo=UTC)}))

    assert rendered == (
        '<time datetime="2016-05-25T01:01:00Z">May 25, 2016, 6:31 a.m. IST</time>'
        "|2016-05-25T01:01:00Z"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("place", "standalone", "expected"),
    [
        (
            {"country": "India", "region": "Maharashtra", "city": "Mumbai"},
            [],
            "MUMBAI, Maharashtra",
        ),
        ({"country": "Lebanon", "region": "", "city": "Beirut"}, ["Beirut"], "BEIRUT"),
        ({"country": "Lebanon", "region": "", "city": "Beirut"}, [], "BEIRUT, Lebanon"),
        ({"country": "India", "region": "Kerala", "city": ""}, [], "KERALA, India"),
    ],
)
def test_wire_dateline_uses_the_standalone_setting(settings, place, standalone, expected):
    settings.DATELINE_STANDALONE_CITIES = standalone

    assert wire_dateline(DatelineFactory(**place)) == expected


def test_no_dateline_is_empty():
    assert wire_dateline(None) == ""
