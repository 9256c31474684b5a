"""The newsroom dashboard on the admin's front page: the stories an editor works on next.

Each list is one query of a few rows, whatever the size of the archive; the drafts lists sort
the drafts only, and "recently updated" has an index of its own. A flash or an urgent story
leads the page; the editor may narrow every list to an urgency and a running story
(`?urgency=2&slugline=port-strike`) and sort them by urgency (`?sort=urgency`).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from ..formatting import reader_time
from ..models import URGENCY_LEAST, Article, Revision, validate_slugline

LIST_LENGTH = 8
# Urgency 1 (flash) and 2 (urgent) lead the dashboard.
URGENT = 2


@dataclass
class DeskList:
    title: str
    stories: list
    time_field: str
    time_label: str
    more_url: str
    empty: str

    def __post_init__(self):
        for story in self.stories:
            story.desk_time = reader_time(getattr(story, self.time_field))
            story.desk_url = reverse("admin:articles_article_change", args=[story.pk])


@dataclass(frozen=True)
class DeskView:
    """How the editor narrowed and sorted the dashboard, read from its address."""

    urgency: int | None = None
    slugline: str = ""
    by_urgency: bool = False

    @classmethod
    def from_query(cls, query) -> "DeskView":
        urgency = query.get("urgency", "")
        slugline = query.get("slugline", "").strip()
        try:
            validate_slugline(slugline)
        except ValidationError:  # no story can have it: the lists are not narrowed
            slugline = ""
        return cls(
            urgency=int(urgency)
            if urgency.isascii() and urgency.isdecimal() and 1 <= int(urgency) <= URGENCY_LEAST
            else None,
            slugline=slugline[: Article._meta.get_field("slugline").max_length],
            by_urgency=query.get("sort") == "urgency",
        )

    def narrow(self, stories):
        if self.urgency is not None:
            stories = stories.filter(urgency__lte=self.urgency)
        if self.slugline:
            stories = stories.filter(slugline=self.slugline)
        return stories

    def order(self, stories, *ordering):
        return stories.order_by(*(("urgency", *ordering) if self.by_urgency else ordering))

    def query(self, **more) -> str:
        """The list's own filters, carried to its "All of them" link."""
        parts = [f"{name}={value}" for name, value in more.items()]
        if self.urgency is not None:
            parts.append(f"urgency={self.urgency}")
        if self.slugline:
            parts.append(f"slugline={self.slugline}")
        return "?" + "&".join(parts) if parts else ""


def desk_lists(user, now=None, view: DeskView | None = None) -> list[DeskList]:
    """Flashes and urgent stories first; then my drafts, the stories filed to the desk,
    drafts waiting for an editor (for those who may publish), the scheduled queue, and what
    went out or changed last: one query each. Nothing for staff outside the newsroom, who may
    not see stories."""
    if not user.has_perm("articles.view_article"):
        return []
    now = now or timezone.now()
    view = view or DeskView()
    stories = view.narrow(
        Article.objects.only(
            "pk", "headline", "published_at", "updated_at", "modified_at", "urgency", "slugline"
        )
    )
    changelist = reverse("admin:articles_article_changelist")
    saved_by_me = Exists(Revision.objects.filter(article=OuterRef("pk"), editor=user))
    drafts = view.order(stories.drafts(), "-modified_at", "-id")
    breaking_since = now - timedelta(seconds=settings.NEWSROOM_BREAKING_SECONDS)
    lists = [
        DeskList(
            "Flash and urgent",
            list(
                stories.filter(urgency__lte=URGENT)
                .filter(
                    Q(status__in=[Article.Status.DRAFT, Article.Status.FILED])
                    | Q(status=Article.Status.PUBLISHED, published_at__gte=breaking_since)
                )
                .order_by("urgency", "-modified_at", "-id")[:LIST_LENGTH]
            ),
            "modified_at",
            "last saved",
            f"{changelist}?urgency={URGENT}",
            "No flash or urgent story.",
        ),
        DeskList(
            "Withheld or killed by the agency",
            list(
                stories.filter(wire_item__pub_status__in=["withheld", "canceled"])
                .exclude(status=Article.Status.WITHDRAWN)
                .order_by("-modified_at", "-id")[:LIST_LENGTH]
            ),
            "modified_at",
            "last saved",
            reverse("admin:wires_wireitem_changelist") + "?story__isnull=False",
            "No story is flagged by an agency.",
        ),
        DeskList(
            "My drafts",
            list(drafts.filter(saved_by_me)[:LIST_LENGTH]),
            "modified_at",
            "last saved",
            changelist + view.query(state="draft"),
            "No drafts of yours.",
        ),
        DeskList(
            "Filed to the desk",
            list(view.order(stories.filed(), "urgency", "-modified_at", "-id")[:LIST_LENGTH]),
            "modified_at",
            "last change",
            reverse("admin:articles_article_desk"),
            "Nothing is waiting on the desk.",
        ),
    ]
    if user.has_perm("articles.publish_article"):
        lists.append(
            DeskList(
                "Drafts waiting for an editor",
                list(drafts.exclude(saved_by_me)[:LIST_LENGTH]),
                "modified_at",
                "last saved",
                changelist + view.query(state="draft"),
                "No drafts by others.",
            )
        )
    lists += [
        DeskList(
            "Scheduled",
            list(view.order(stories.scheduled(now), "published_at", "id")[:LIST_LENGTH]),
            "published_at",
            "goes live",
            changelist + view.query(state="scheduled"),
            "Nothing scheduled.",
        ),
        DeskList(
            "Recently published",
            list(view.order(stories.published(now), "-published_at", "-id")[:LIST_LENGTH]),
            "published_at",
            "published",
            changelist + view.query(state="published"),
            "Nothing published yet.",
        ),
        DeskList(
            "Recently updated",
            list(
                view.order(
                    stories.published(now).filter(
                        updated_at__isnull=False, updated_at__gt=F("published_at")
                    ),
                    "-updated_at",
                    "-id",
                )[:LIST_LENGTH]
            ),
            "updated_at",
            "updated",
            changelist + view.query(state="published"),
            "No updates yet.",
        ),
    ]
    return lists
