"""A demo newsroom: a few dozen made-up stories of the last days, for a first look at the site.

The stories are written the way a desk writes them: `replay()` performs each step (save,
publish, update, correct, withdraw, schedule) through the editorial actions at the moment it
happens in the made-up timeline, so versions, update logs, status changes and the caches'
record of changes are all what real editing leaves. Every demo story is filed under the tag
`DEMO_TAG` and signed by `DEMO_BYLINE`, so readers and editors can tell it is not news.

`demo_timeline()` is pure: the same `now` and seed give the same newsroom.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from .editorial import actions
from .editorial.finishing import changing
from .models import Article, Dateline, Revision, Tag, slug_for_name

DEMO_TAG = "Demo"
DEMO_BYLINE = "Demo desk"
DEMO_ACCOUNT = "demo-desk"
STORY_COUNT = 36
DAYS = 3


@dataclass(frozen=True)
class Place:
    country: str
    region: str = ""
    city: str = ""


@dataclass(frozen=True)
class Beat:
    """A kind of story, written for any place: `{city}` and `{country}` are filled in."""

    headline: str
    deck: str
    paragraphs: tuple[str, ...]
    tags: tuple[str, ...]
    update: str  # the paragraph an update adds at the top
    update_note: str


@dataclass
class DemoStory:
    headline: str
    deck: str
    body: str
    place: Place
    tags: list[str]
    published_at: datetime
    update: tuple[datetime, str, str] | None = None  # when, the new paragraph, the note
    correction: tuple[datetime, str, str] | None = None  # when, the old text, the new text
    withdrawn: tuple[datetime, str] | None = None  # when, the notice
    events: list[str] = field(default_factory=list)


PLACES = [
    Place("India", "Maharashtra", "Mumbai"),
    Place("India", "Delhi", "New Delhi"),
    Place("India", "Karnataka", "Bengaluru"),
    Place("India", "Kerala", "Kochi"),
    Place("India", "Tamil Nadu", "Chennai"),
    Place("India", "West Bengal", "Kolkata"),
    Place("Lebanon", "", "Beirut"),
    Place("Nepal", "Bagmati Province", "Kathmandu"),
    Place("Sri Lanka", "Western Province", "Colombo"),
    Place("Bangladesh", "Dhaka Division", "Dhaka"),
    Place("United Kingdom", "England", "London"),
    Place("Singapore", "", "Singapore"),
]

BEATS = [
    Beat(
        "Port workers in {city} end three-day strike",
        "Cargo backlog expected to clear by the weekend",
        (
            "Dock workers in {city} returned to work on the morning shift after unions and "
            "the port authority agreed on overtime pay and new safety rules.",
            "More than 40 container ships had queued offshore during the stoppage, and "
            "exporters said perishable goods had started to spoil in the yards.",
            "The port authority said it would run extra night shifts until the backlog clears.",
        ),
        ("Business", "Labour", "Shipping"),
        "The first container ship left the harbour at noon, the port authority said.",
        "Adds the first departure after the strike.",
    ),
    Beat(
        "Heavy rain floods low-lying parts of {city}",
        "Schools closed and trains delayed as more rain is forecast",
        (
            "Heavy overnight rain flooded streets in low-lying parts of {city}, stranding "
            "commuters and forcing schools to close for the day.",
            "The weather office warned of more heavy rain over the next 48 hours and asked "
            "residents to avoid travel unless necessary.",
            "Municipal workers were pumping water from underpasses, officials said.",
        ),
        ("Weather", "Monsoon"),
        "Suburban train services resumed in the afternoon as the water receded.",
        "Adds the resumption of train services.",
    ),
    Beat(
        "Central bank in {country} holds rates, signals caution on prices",
        "Policy makers vote unanimously to keep the benchmark rate unchanged",
        (
            "The central bank kept its benchmark interest rate unchanged on its policy day, "
            "saying food prices remained a risk to its inflation target.",
            "Economists polled before the decision had expected no change.",
            "The bank said it would watch the monsoon's effect on crops before moving.",
        ),
        ("Business", "Economy"),
        "Government bond yields fell slightly after the announcement.",
        "Adds the bond market's reaction.",
    ),
    Beat(
        "{city} opens its first electric bus depot",
        "Two hundred buses will run on the city's busiest routes by March",
        (
            "{city} opened its first depot for electric buses, with chargers for 80 vehicles "
            "and a solar roof that covers part of its power needs.",
            "Transport officials said the new buses would cut running costs by a third.",
            "Commuter groups welcomed the move but asked for more frequent services.",
        ),
        ("Transport", "Climate"),
        "The first route, to the airport, starts on Monday, officials said.",
        "Adds the date of the first route.",
    ),
    Beat(
        "Hospitals in {city} report rise in dengue cases",
        "Health officials begin door-to-door checks for mosquito breeding",
        (
            "Hospitals in {city} reported a sharp rise in dengue cases this week, and health "
            "officials began door-to-door checks for standing water.",
            "Doctors urged people with high fever and joint pain to get tested early.",
            "The city's health department said it had enough beds and testing kits.",
        ),
        ("Health",),
        "The health department opened two more fever clinics on Sunday.",
        "Adds the new fever clinics.",
    ),
    Beat(
        "Start-ups in {city} raise record funding in a quarter",
        "Investors back clean energy and farm technology",
        (
            "Start-ups based in {city} raised more money in the last three months than in "
            "any quarter before, an industry tracker said.",
            "Clean energy and farm technology companies drew the largest rounds.",
            "Founders said hiring engineers remained their biggest problem.",
        ),
        ("Business", "Technology"),
        "A second tracker published similar figures on Friday.",
        "Adds a second industry tracker's figures.",
    ),
    Beat(
        "Thousands march in {city} over water shortages",
        "Residents say taps have run dry for a week in several districts",
        (
            "Thousands of people marched through {city} demanding a reliable water supply, "
            "saying taps in several districts had run dry for a week.",
            "The water board blamed a burst main and said repairs would take two more days.",
            "Tanker lorries were sent to the worst-hit areas, officials said.",
        ),
        ("Politics", "Water"),
        "The water board said the burst main had been repaired ahead of schedule.",
        "Adds the repair of the water main.",
    ),
    Beat(
        "{city} hosts regional cricket final before a full stadium",
        "Home side chases down a target of 287 with two balls to spare",
        (
            "The home side won the regional one-day final in {city}, chasing down a target of "
            "287 with two balls to spare before a full stadium.",
            "The captain's unbeaten century anchored the chase after an early collapse.",
            "Organisers said more than 30,000 tickets had been sold in an hour.",
        ),
        ("Sport", "Cricket"),
        "The captain was named player of the tournament.",
        "Adds the player of the tournament.",
    ),
    Beat(
        "Museum in {city} returns artefacts to their communities",
        "Sixty objects go home after a decade of talks",
        (
            "A museum in {city} returned sixty artefacts to the communities they were taken "
            "from, after a decade of talks.",
            "Elders attended a handover ceremony and said the objects would be kept in a "
            "village cultural centre.",
            "The museum said it was reviewing the rest of its collection.",
        ),
        ("Culture",),
        "A second handover is planned for next year, the museum said.",
        "Adds the plan for a second handover.",
    ),
    Beat(
        "Power cuts hit {city} as demand peaks in the heat",
        "Utility asks factories to shift work to the night",
        (
            "Parts of {city} went without power for up to four hours as demand for "
            "electricity reached a record in the afternoon heat.",
            "The utility asked factories to move some work to the night and said supply "
            "would improve when a new plant comes online.",
            "Hospitals said their backup generators had kept critical care running.",
        ),
        ("Energy", "Weather"),
        "Supply was restored to every district by late evening, the utility said.",
        "Adds the restoration of supply.",
    ),
    Beat(
        "Election commission sets polling dates in {country}",
        "Voting will take place in four phases",
        (
            "The election commission announced that voting will take place in four phases, "
            "with results counted on a single day.",
            "Parties began talks on alliances within hours of the announcement.",
            "The commission said it would publish the final voter rolls next week.",
        ),
        ("Politics", "Elections"),
        "The main opposition party named its candidates for the first phase.",
        "Adds the opposition's first candidates.",
    ),
    Beat(
        "Metro line in {city} carries a million riders in its first week",
        "Operator adds trains at rush hour to ease crowding",
        (
            "The new metro line in {city} carried more than a million riders in its first "
            "week, the operator said, well above its forecast.",
            "Trains will run every three minutes at rush hour from Monday to ease crowding.",
            "Riders praised the air-conditioned trains but complained of long ticket queues.",
        ),
        ("Transport",),
        "The operator said mobile tickets would be accepted from next month.",
        "Adds mobile ticketing.",
    ),
]

WITHDRAWAL_NOTICE = (
    "This story has been withdrawn because a figure in it could not be verified. "
    "The newsroom regrets the error."
)
CORRECTED = ("More than 40 container ships", "More than 30 container ships")


def demo_timeline(now: datetime, seed: int = 2026) -> tuple[list[DemoStory], DemoStory]:
    """The stories of the last `DAYS` days, oldest first, and one scheduled for later today.

    Each beat is told from several places; some stories get an update a few hours later, the
    port strike story a correction, and one story is withdrawn.
    """
    rng = random.Random(seed)
    start = now - timedelta(days=DAYS)
    step = (now - start - timedelta(hours=1)) / STORY_COUNT
    stories = []
    # Every beat in turn, each from places in a shuffled order: all beats are told.
    orders = [rng.sample(PLACES, len(PLACES)) for _ in BEATS]
    pairs = [
        (beat, order[turn])
        for turn in range(len(PLACES))
        for beat, order in zip(BEATS, orders, strict=True)
    ]
    chosen, headlines = [], set()
    for beat, place in pairs:
        headline = _fill(beat.headline, place)
        if headline not in headlines:
            headlines.add(headline)
            chosen.append((beat, place))
        if len(chosen) == STORY_COUNT:
            break
    for index, (beat, place) in enumerate(chosen):
        published_at = start + step * index + timedelta(minutes=rng.randrange(0, 40))
        story = DemoStory(
            headline=_fill(beat.headline, place),
            deck=_fill(beat.deck, place),
            body="\n\n".join(_fill(paragraph, place) for paragraph in beat.paragraphs),
            place=place,
            tags=[DEMO_TAG, *beat.tags],
            published_at=published_at,
        )
        if index % 4 == 1:
            later = min(published_at + timedelta(hours=rng.randrange(2, 8)), now)
            story.update = (later, _fill(beat.update, place), beat.update_note)
        stories.append(story)
    corrected = next(s for s in stories if CORRECTED[0] in s.body)
    corrected.correction = (
        corrected.published_at + timedelta(hours=3),
        *CORRECTED,
    )
    withdrawn = stories[len(stories) // 3]
    withdrawn.withdrawn = (withdrawn.published_at + timedelta(hours=5), WITHDRAWAL_NOTICE)
    scheduled = DemoStory(
        headline="Finance minister to present the budget this evening",
        deck="Tax relief for salaried workers is expected, officials say",
        body=(
            "The finance minister will present the annual budget in parliament this evening.\n\n"
            "Officials said the budget would focus on jobs, farm incomes and roads."
        ),
        place=PLACES[1],
        tags=[DEMO_TAG, "Politics", "Economy"],
        published_at=now + timedelta(hours=6),
    )
    return stories, scheduled


def _fill(text: str, place: Place) -> str:
    return text.format(city=place.city or place.country, country=place.country)


def demo_stories():
    """The demo newsroom's stories (any state), by their tag."""
    return Article.objects.filter(tags__slug=slug_for_name(DEMO_TAG))


def demo_editor():
    """The account the demo desk writes as: an editor who cannot log in."""
    User = get_user_model()
    editor, created = User.objects.get_or_create(
        username=DEMO_ACCOUNT, defaults={"first_name": "Demo", "last_name": "desk"}
    )
    if created:
        editor.set_unusable_password()
        editor.save(update_fields=["password"])
        editor.groups.add(Group.objects.get(name="Editors"))
    return editor


def replay(stories: list[DemoStory], scheduled: DemoStory, *, now: datetime, travel) -> int:
    """Write the timeline through the editorial actions, each step at its own moment.

    `travel(moment)` is a context manager that sets the clock (time-machine's `travel`); the
    scheduled story is written at `now`, the real time. Returns the number of stories written.
    """
    editor = demo_editor()
    steps = []
    for story in stories:
        steps.append((story.published_at, _publish, story))
        if story.update:
            steps.append((story.update[0], _update, story))
        if story.correction:
            steps.append((story.correction[0], _correct, story))
        if story.withdrawn:
            steps.append((story.withdrawn[0], _withdraw, story))
    articles: dict[int, Article] = {}
    # One change for the whole demo: the actions join it, and its pages are made once.
    with changing():
        for moment, step, story in sorted(steps, key=lambda item: item[0]):
            with travel(min(moment, now)):
                step(story, articles, editor)
        _schedule(scheduled, editor)
    return len(stories) + 1


def _new_article(story: DemoStory, editor) -> Article:
    tags = [_tag(name) for name in story.tags]
    place, _ = Dateline.objects.get_or_create_place(
        story.place.country, story.place.region, story.place.city
    )
    article = Article(
        headline=story.headline,
        deck=story.deck,
        byline=DEMO_BYLINE,
        body=story.body,
        dateline=place,
    )
    actions.save_article(article, by=editor, tags=tags)
    return article


def _tag(name: str) -> Tag:
    tag = Tag.objects.filter(name__iexact=name).first()
    return tag or Tag.objects.create(name=name)


def _publish(story: DemoStory, articles: dict, editor) -> None:
    article = _new_article(story, editor)
    actions.publish_article(article, by=editor)
    articles[id(story)] = article


def _update(story: DemoStory, articles: dict, editor) -> None:
    article = articles[id(story)]
    _, paragraph, note = story.update
    article.body = f"{paragraph}\n\n{article.body}"
    actions.save_article(article, by=editor, kind=Revision.Kind.UPDATE, note=note)


def _correct(story: DemoStory, articles: dict, editor) -> None:
    article = articles[id(story)]
    _, wrong, right = story.correction
    article.body = article.body.replace(wrong, right)
    note = f"An earlier version of this story said “{wrong}” had queued; it was {right.lower()}."
    actions.save_article(article, by=editor, kind=Revision.Kind.CORRECTION, note=note)


def _withdraw(story: DemoStory, articles: dict, editor) -> None:
    actions.withdraw_article(articles[id(story)], by=editor, reason=story.withdrawn[1])


def _schedule(story: DemoStory, editor) -> None:
    article = _new_article(story, editor)
    actions.publish_article(article, by=editor, at=story.published_at)
