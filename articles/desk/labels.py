"""What readers see of the desk's signals: "Breaking" and "Developing".

- Breaking: a story of urgency 1 (flash) or 2 (urgent), for NEWSROOM_BREAKING_SECONDS after its
  publication (6 hours by default).
- Developing: set by an editor on a live story still moving; it lasts
  NEWSROOM_DEVELOPING_QUIET_SECONDS, each update or correction starts that quiet time again,
  and the editor may clear it sooner.

Both end at a known time, so a page showing one is kept no longer than that
(`label_ends_at`, read by the page caching), and is never served with a label that has ended.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from ..editorial.actions import NOTED_KINDS, ArticleAction, SaveArticle
from ..editorial.errors import WorkflowError
from ..editorial.signals import action_done
from ..editorial.versions import write_version
from ..models import Article

URGENT = 2


def breaking_until(article: Article) -> datetime | None:
    if article.urgency > URGENT or article.published_at is None:
        return None
    return article.published_at + timedelta(seconds=settings.NEWSROOM_BREAKING_SECONDS)


def labels(article: Article, now: datetime | None = None) -> list[str]:
    """The labels readers see on the story now, most pressing first."""
    now = now or timezone.now()
    shown = []
    breaking = breaking_until(article)
    if breaking is not None and article.published_at <= now < breaking:
        shown.append("Breaking")
    if article.developing_until is not None and now < article.developing_until:
        shown.append("Developing")
    return shown


def label_ends_at(articles, now: datetime | None = None) -> datetime | None:
    """The first moment a label shown on these stories ends (None if none is shown)."""
    now = now or timezone.now()
    ends = [
        moment
        for article in articles
        for moment in (breaking_until(article), article.developing_until)
        if moment is not None and moment > now
    ]
    return min(ends, default=None)


def quiet_time() -> timedelta:
    return timedelta(seconds=settings.NEWSROOM_DEVELOPING_QUIET_SECONDS)


class MarkDeveloping(ArticleAction):
    """An editor labels a live story "Developing"."""

    permissions = ("change_article", "publish_article")
    refusal = "Only editors label stories."
    label = "Mark as developing"

    def check_state(self, state) -> None:
        if not state.is_published:
            raise WorkflowError("Only a story readers can see is labelled developing.")

    def write(self) -> None:
        write_version(
            self.article, self.expected_version, developing_until=timezone.now() + quiet_time()
        )


class ClearDeveloping(ArticleAction):
    """An editor says the story has settled: the label goes at once."""

    permissions = ("change_article", "publish_article")
    refusal = "Only editors label stories."
    label = "Clear “Developing”"

    def check_state(self, state) -> None:
        if state.developing_until is None or state.developing_until <= timezone.now():
            raise WorkflowError("The story is not labelled developing.")

    def write(self) -> None:
        write_version(self.article, self.expected_version, developing_until=None)


def _update_keeps_it_developing(sender, action, **kwargs) -> None:
    """An update or a correction to a developing story starts its quiet time again."""
    if not isinstance(action, SaveArticle) or action.kind not in NOTED_KINDS:
        return
    now = timezone.now()
    Article.objects.filter(pk=action.article.pk, developing_until__gt=now).update(
        developing_until=now + quiet_time()
    )


def connect_signals() -> None:
    action_done.connect(_update_keeps_it_developing, dispatch_uid="desk-developing")
