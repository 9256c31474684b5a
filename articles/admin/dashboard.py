"""The newsroom dashboard on the admin's front page: the stories an editor works on next.

Each list is one query of a few rows, whatever the size of the archive; the drafts lists sort
the drafts only, and "recently updated" has an index of its own.
"""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from ..formatting import reader_time
from ..models import Article, Revision

LIST_LENGTH = 8


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


def desk_lists(user, now=None) -> list[DeskList]:
    """My drafts, drafts waiting for an editor (for those who may publish), the scheduled
    queue, and what went out or changed last: one query each. Nothing for staff outside the
    newsroom, who may not see stories."""
    if not user.has_perm("articles.view_article"):
        return []
    now = now or timezone.now()
    stories = Article.objects.only("pk", "headline", "published_at", "updated_at", "modified_at")
    changelist = reverse("admin:articles_article_changelist")
    saved_by_me = Exists(Revision.objects.filter(article=OuterRef("pk"), editor=user))
    drafts = stories.drafts().order_by("-modified_at", "-id")
    lists = [
        DeskList(
            "My drafts",
            list(drafts.filter(saved_by_me)[:LIST_LENGTH]),
            "modified_at",
            "last saved",
            f"{changelist}?state=draft",
            "No drafts of yours.",
        )
    ]
    if user.has_perm("articles.publish_article"):
        lists.append(
            DeskList(
                "Drafts waiting for an editor",
                list(drafts.exclude(saved_by_me)[:LIST_LENGTH]),
                "modified_at",
                "last saved",
                f"{changelist}?state=draft",
                "No drafts by others.",
            )
        )
    lists += [
        DeskList(
            "Scheduled",
            list(stories.scheduled(now).order_by("published_at", "id")[:LIST_LENGTH]),
            "published_at",
            "goes live",
            f"{changelist}?state=scheduled",
            "Nothing scheduled.",
        ),
        DeskList(
            "Recently published",
            list(stories.published(now).latest_first()[:LIST_LENGTH]),
            "published_at",
            "published",
            f"{changelist}?state=published",
            "Nothing published yet.",
        ),
        DeskList(
            "Recently updated",
            list(
                stories.published(now)
                .filter(updated_at__isnull=False, updated_at__gt=F("published_at"))
                .order_by("-updated_at", "-id")[:LIST_LENGTH]
            ),
            "updated_at",
            "updated",
            f"{changelist}?state=published",
            "No updates yet.",
        ),
    ]
    return lists
