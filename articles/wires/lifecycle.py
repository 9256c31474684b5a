"""The agency's lifecycle followed to the story an editor made from its item, and to the
library's picture taken from a picture item.

Nothing from an agency reaches readers without an editor, except a kill, which only removes:
- a new usable version tells the story's editors what changed (the diff); the story itself is
  never changed;
- `withheld` flags the story to the desk at once;
- `canceled` flags it and, when the source's policy says so (the default), withdraws it at
  once through the editorial withdraw action, with the agency's reason.
A picture's `withheld` and `canceled` flag each story showing it; `canceled` withdraws the
picture from the library by the same policy, which drops it from every page at once.
"""

import difflib

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone

from ..desk.models import Notice
from ..desk.notices import notify
from ..editorial.actions import withdraw_article
from ..editorial.errors import StaleArticleError, WorkflowError
from ..models import Article, Picture, Revision, StatusChange
from ..pictures.library import withdraw_picture
from .models import WireItem
from .reading import PubStatus

# The account the desk's automatic withdrawals are recorded under: an editor that cannot log in.
WIRE_DESK_USERNAME = "agency-wire"


def follow(result) -> None:
    """Act on a stored result whose item has a story: called once per new version."""
    item: WireItem | None = result.item
    if item is not None and item.is_picture and result.outcome in ("new", "updated"):
        # The library may hold the picture already, taken from a text item that carried it.
        follow_picture(item)
        return
    if result.outcome != "updated" or item is None or item.story_id is None:
        return
    alert = describe(result.previous, item)
    WireItem.objects.filter(pk=item.pk).update(desk_alert=alert, desk_alert_at=timezone.now())
    item.desk_alert = alert
    story = Article.objects.get(pk=item.story_id)
    notify(editors_of(story), kind=NOTICE_KINDS[item.pub_status], article=story, message=alert)
    if item.pub_status == PubStatus.CANCELED and withdraws_on_kill(item):
        withdraw(item, story)


def follow_picture(item: WireItem) -> None:
    """The agency holds back or kills a picture the library took from it."""
    if item.pub_status == PubStatus.USABLE:
        return  # a new caption or file is the editors' to take, never applied to pages
    picture = Picture.objects.usable().filter(agency_uri=item.uri).first()
    if picture is None:
        return
    held = "killed" if item.pub_status == PubStatus.CANCELED else "withheld"
    alert = f"{item.agency or 'The agency'} {held} the picture this story shows."
    if item.ed_note:
        alert += f"\nNote to editors: {item.ed_note}"
    for story in Article.objects.filter(lead_picture=picture):
        notify(editors_of(story), kind=NOTICE_KINDS[item.pub_status], article=story, message=alert)
    if item.pub_status == PubStatus.CANCELED and withdraws_on_kill(item):
        withdraw_picture(picture, reason=withdrawal_reason(item, "picture"))


NOTICE_KINDS = {
    PubStatus.USABLE: Notice.Kind.WIRE_NEW,
    PubStatus.WITHHELD: Notice.Kind.WIRE_HELD,
    PubStatus.CANCELED: Notice.Kind.WIRE_KILL,
}


def editors_of(story: Article) -> list:
    """Everyone who wrote a version of the story or moved it through the workflow."""
    User = get_user_model()
    return list(
        User.objects.filter(
            Q(pk__in=Revision.objects.filter(article=story).values("editor"))
            | Q(pk__in=StatusChange.objects.filter(article=story).values("by"))
        ).exclude(username=WIRE_DESK_USERNAME)
    )


def describe(previous: WireItem, item: WireItem) -> str:
    """What the editors are told: the status, the agency's note, the changes as a diff."""
    if item.pub_status == PubStatus.CANCELED:
        lines = [
            f"KILL: {item.agency or 'the agency'} canceled this item (version {item.version})."
        ]
    elif item.pub_status == PubStatus.WITHHELD:
        lines = [f"WITHHELD: {item.agency or 'the agency'} says stop using this item for now "
                 f"(version {item.version})."]  # fmt: skip
    else:
        lines = [f"Version {item.version} from {item.agency or 'the agency'} changes the item "
                 "this story was made from. The story was not changed."]  # fmt: skip
    if item.ed_note:
        lines.append(f"Note to editors: {item.ed_note}")
    lines.extend(diff(previous, item))
    return "\n".join(lines)


def diff(previous: WireItem, item: WireItem) -> list[str]:
    before = [f"Headline: {previous.headline}", *previous.body_text.splitlines()]
    after = [f"Headline: {item.headline}", *item.body_text.splitlines()]
    return list(
        difflib.unified_diff(
            before,
            after,
            f"version {previous.version}",
            f"version {item.version}",
            n=0,
            lineterm="",
        )
    )


def withdraws_on_kill(item: WireItem) -> bool:
    return item.source is None or item.source.withdraw_on_kill


# An editor saving or withdrawing the story at the moment the kill arrives makes the withdrawal
# stale: it is tried again on the story as it then is.
WITHDRAW_ATTEMPTS = 3


def withdraw(item: WireItem, story: Article) -> None:
    for attempt in range(1, WITHDRAW_ATTEMPTS + 1):
        if story.status != Article.Status.PUBLISHED:
            return  # not public (a draft, or withdrawn already): the flag is enough
        try:
            withdraw_article(story, by=wire_desk_account(), reason=withdrawal_reason(item, "story"))
            return
        except (StaleArticleError, WorkflowError):
            # Changed meanwhile (saved, or taken off the site by an editor): look again.
            if attempt == WITHDRAW_ATTEMPTS:
                raise
            story = Article.objects.get(pk=story.pk)


def withdrawal_reason(item: WireItem, what: str) -> str:
    """The agency's reason, as readers are told it."""
    agency = item.agency or "the news agency that supplied it"
    note = item.ed_note.removeprefix("KILL.").removeprefix("KILL:").strip()
    reason = f"This {what} was withdrawn at the request of {agency}."
    return f"{reason} {note}" if note else reason


def wire_desk_account():
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=WIRE_DESK_USERNAME, defaults={"is_staff": False, "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name="Editors"))
    return user
