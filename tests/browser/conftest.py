"""The small newsroom the browser tests read."""

from datetime import UTC, datetime

import pytest

from articles.models import Revision, Update
from tests.factories import (
    ArticleFactory,
    DatelineFactory,
    RevisionFactory,
    TagFactory,
    UpdateFactory,
)


@pytest.fixture
def newsroom():
    """A small front page: a story with an update and a correction, and some neighbours."""
    monsoon = TagFactory(name="Monsoon", slug="monsoon")
    mumbai = DatelineFactory(country="India", region="Maharashtra", city="Mumbai")
    v1 = (
        "Heavy rain flooded low-lying parts of the city on Wednesday, cutting off three "
        "districts.\n\nRescue teams moved families to shelters.\n\nRailway services were halted."
    )
    v2 = v1.replace("three districts", "five districts") + "\n\nThe army has been called in."
    v3 = v2.replace("The army", "The navy")
    story = ArticleFactory(
        published=True,
        headline="Monsoon floods cut off five districts",
        deck="Rescue teams move thousands to shelters as rain continues",
        byline="Asha Rao",
        body=v3,
        dateline=mumbai,
        tags=[monsoon],
        published_at=datetime(2016, 5, 25, 1, 1, tzinfo=UTC),
        updated_at=datetime(2016, 5, 25, 9, 45, tzinfo=UTC),
    )
    update = UpdateFactory(
        article=story,
        kind=Update.Kind.UPDATE,
        shown_at=datetime(2016, 5, 25, 6, 0, tzinfo=UTC),
        note="Adds two more districts cut off and the call for the army.",
    )
    correction = UpdateFactory(
        article=story,
        kind=Update.Kind.CORRECTION,
        shown_at=datetime(2016, 5, 25, 9, 45, tzinfo=UTC),
        note="An earlier version said the army was called in. It was the navy.",
    )
    headline1 = "Monsoon floods cut off three districts"
    for number, kind, body, headline, linked in [
        (1, Revision.Kind.PUBLICATION, v1, headline1, None),
        (2, Revision.Kind.UPDATE, v2, story.headline, update),
        (3, Revision.Kind.CORRECTION, v3, story.headline, correction),
    ]:
        RevisionFactory(
            article=story, number=number, kind=kind, body=body, headline=headline, update=linked
        )
    for headline, city in [
        ("Port workers end strike after wage deal", "Chennai"),
        ("Monsoon session of parliament opens with farm bill", "New Delhi"),
        ("Metro line extension approved by cabinet", "Pune"),
    ]:
        ArticleFactory(
            published=True,
            headline=headline,
            dateline=DatelineFactory(country="India", region="", city=city),
            published_at=datetime(2016, 5, 24, 12, 0, tzinfo=UTC),
        )
    return story
