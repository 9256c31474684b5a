"""Who is told of what an editorial action did: the desk's notices, decided in one place.

- filed: the desk (everyone who may publish); a filing withdrawn: the editor handling it;
- taken, sent back: the reporter who filed it (sent back: everyone who wrote it, too);
- published, corrected: everyone on the story (who wrote it, filed it or handles it);
- any save: the others who have the story's form open, so they know before they save.

The person who acted is never told of their own act (`notify`).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone

from ..editorial import actions
from ..editorial.signals import action_done
from ..models import Article, EditorPresence, Revision
from . import handoff
from .models import Notice
from .notices import notify


def desk_editors():
    """Everyone who may publish: the desk that filed stories wait for."""
    publish = Permission.objects.filter(
        content_type__app_label="articles", codename="publish_article"
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__permissions__in=publish) | Q(user_permissions__in=publish))
        .distinct()
    )


def people_on(article: Article, *also):
    """Who wrote the story (saved a version of it), and `also` (the filer, the handler: users
    or their ids, None for nobody)."""
    writers = Revision.objects.filter(article=article, editor__isnull=False).values("editor")
    others = [getattr(person, "pk", person) for person in also if person is not None]
    return get_user_model().objects.filter(Q(pk__in=writers) | Q(pk__in=others)).distinct()


def present_on(article: Article):
    """Who has the story's form open now (their heartbeat is recent)."""
    from ..admin.presence import PRESENT_FOR  # the admin owns the heartbeat's timing

    since = timezone.now() - PRESENT_FOR
    return get_user_model().objects.filter(
        pk__in=EditorPresence.objects.filter(article=article, seen_at__gte=since).values("editor")
    )


def tell(sender, action, **kwargs) -> None:
    article, by = action.article, action.by
    told = {"article": article, "actor": by}
    if isinstance(action, handoff.FileToDesk):
        notify(desk_editors(), kind=Notice.Kind.FILED, message=action.reason, **told)
    elif isinstance(action, handoff.WithdrawFiling):
        handler = get_user_model().objects.filter(pk=action.state.handled_by_id)
        notify(handler, kind=Notice.Kind.WITHDRAWN, message=action.reason, **told)
    elif isinstance(action, handoff.TakeStory):
        notify([handoff.filer_of(article)], kind=Notice.Kind.TAKEN, **told)
    elif isinstance(action, handoff.SendBack):
        filer = handoff.filer_of(article)
        notify(people_on(article, filer), kind=Notice.Kind.SENT_BACK, message=action.reason, **told)
    elif isinstance(action, actions.PublishArticle):
        filer, handler = handoff.filer_of(article), action.state.handled_by_id
        notify(people_on(article, filer, handler), kind=Notice.Kind.PUBLISHED, **told)
    # A new story's state is the story itself: nobody else can have it open yet.
    if isinstance(action, actions.SaveArticle) and action.state is not article:
        if action.kind == Revision.Kind.CORRECTION:
            notify(
                people_on(article, action.state.handled_by_id),
                kind=Notice.Kind.CORRECTED,
                message=action.note,
                **told,
            )
        notify(present_on(article), kind=Notice.Kind.SAVED, **told)


def connect_signals() -> None:
    action_done.connect(tell, dispatch_uid="desk-notices")
