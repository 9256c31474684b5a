"""The news front: the home page laid out as a reader of a news site expects it.

A lead story, the top stories, then the latest by time, and sections by tag and by place of
the stories after those, all made from one list of the newest published stories (datelines
joined, tags prefetched), so the front costs the queries of a list page and no more. Only
the unnarrowed first page of the latest list is a front; a filter or a cursor gives the list.

The order is by time: the newest story leads. Breaking and Developing labels are shown on every
story the front prints (`articles/_front_story.html`, `front.html`), and the front is kept no
longer than its first label ends (the view's `labels_end_at`).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.urls import reverse

from .. import surrogate_keys as keys
from ..models import Article, slug_for_name

# The stories the front is made from: its first page, and the newer half of the sections.
FRONT_STORIES = 40
TOP_STORIES = 4
SECTION_STORIES = 3
TAG_SECTIONS = 3
PLACE_SECTIONS = 3
# A tag on more than this share of the front's stories is the whole front, not a section of it.
SECTION_SHARE = 0.5


@dataclass
class Section:
    heading: str
    url: str
    stories: list[Article]
    key: str  # the surrogate key of the tag or place it names


@dataclass
class Front:
    lead: Article | None
    top: list[Article]
    latest: list[Article]
    sections: list[Section] = field(default_factory=list)

    @property
    def stories(self) -> list[Article]:
        """Every story the front shows, once."""
        shown = {story.pk: story for story in [*self.top, *self.latest]}
        if self.lead is not None:
            shown[self.lead.pk] = self.lead
        for section in self.sections:
            shown.update((story.pk, story) for story in section.stories)
        return list(shown.values())

    def surrogate_keys(self) -> set[str]:
        return keys.shown_keys(self.stories) | {section.key for section in self.sections}


def front_queryset(published):
    """The newest `FRONT_STORIES` of `published()` with what the front shows of them: all
    their fields (a list fetches its stored summaries only), their datelines, lead pictures and
    tags."""
    return (
        published.defer(None)
        .select_related("dateline", "lead_picture")
        .prefetch_related("tags")
        .latest_first()[:FRONT_STORIES]
    )


def make_front(stories: list[Article], page_size: int) -> Front:
    """Lay out `stories` (newest first): the first `page_size` as lead, top and latest; the
    others in sections by tag and place, so that no story is shown twice."""
    page, rest = stories[:page_size], stories[page_size:]
    if not page:
        return Front(lead=None, top=[], latest=[])
    return Front(
        lead=page[0],
        top=page[1 : 1 + TOP_STORIES],
        latest=page[1 + TOP_STORIES :],
        sections=tag_sections(rest, everywhere=tags_on_most(stories)) + place_sections(rest),
    )


def tags_on_most(stories: list[Article]) -> set:
    """Tags on more than `SECTION_SHARE` of `stories`: the whole front, not a section of it
    (the demo newsroom's "Demo")."""
    counts = Counter(tag for story in stories for tag in story.tags.all())
    return {tag for tag, count in counts.items() if count > len(stories) * SECTION_SHARE}


def tag_sections(stories: list[Article], everywhere: set) -> list[Section]:
    """The tags most of `stories` are filed under but those `everywhere`, each with its newest
    of them."""
    counts = Counter(tag for story in stories for tag in story.tags.all())
    chosen = sorted(
        (tag for tag, count in counts.items() if count >= 2 and tag not in everywhere),
        key=lambda tag: (-counts[tag], tag.name),
    )[:TAG_SECTIONS]
    return [
        Section(
            heading=tag.name,
            url=reverse("articles:tag", kwargs={"slug": tag.slug}),
            stories=[s for s in stories if tag in s.tags.all()][:SECTION_STORIES],
            key=keys.tag_key(tag.pk),
        )
        for tag in chosen
    ]


def place_sections(stories: list[Article]) -> list[Section]:
    """The countries most of `stories` come from, each with its newest of them."""
    by_country: dict[str, list[Article]] = {}
    for story in stories:
        if story.dateline is not None:
            by_country.setdefault(story.dateline.country, []).append(story)
    chosen = sorted(
        (item for item in by_country.items() if len(item[1]) >= 2),
        key=lambda item: (-len(item[1]), item[0]),
    )[:PLACE_SECTIONS]
    return [
        Section(
            heading=country,
            url=reverse("articles:country", kwargs={"country": slug_for_name(country)}),
            stories=from_there[:SECTION_STORIES],
            key=keys.place_key(from_there[0].dateline_id),
        )
        for country, from_there in chosen
    ]
