"""Writes made outside the editorial actions: each one finished as a change of its own.

The actions, merges and import batches finish their own writes (`finishing.changing`), and
while one runs nothing here acts. What remains are rows saved through the ORM by other code:
the tag and place admin, a shell, fixtures, data migrations. Each such save goes through the
same finishing step, so that the pages showing the row are dropped and the stories' derived
output follows; it never announces a write an action made.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from ..models import Article, Dateline, Revision, Tag, Update
from ..surrogate_keys import (
    LATEST,
    NEWS,
    SEARCH,
    place_key,
    place_list_key,
    story_key,
    tag_key,
    tag_list_key,
)
from .finishing import changing, current


def _outside_an_action(receiver):
    def receive(**kwargs) -> None:
        if current() is None:
            with changing() as change:
                receiver(change, **kwargs)

    return receive


@_outside_an_action
def _story_saved(change, instance, **kwargs) -> None:
    change.story(instance)


@_outside_an_action
def _story_deleted(change, instance, **kwargs) -> None:
    change.keys |= {story_key(instance.pk), SEARCH, NEWS, *instance.list_keys.split()}


@_outside_an_action
def _tags_changed(change, instance, action, reverse, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        change.story(instance)
    else:
        change.story(*(pk_set or instance.articles.values_list("pk", flat=True)))


@_outside_an_action
def _tag_changed(change, instance, created=False, **kwargs) -> None:
    if created:  # no page names a tag before a story is filed under it
        return
    change.keys |= {tag_key(instance.pk), tag_list_key(instance.pk), LATEST, SEARCH}


@_outside_an_action
def _place_changed(change, instance, created=False, **kwargs) -> None:
    if created:  # no page names a place before a story is filed under it
        return
    change.keys |= {place_key(instance.pk), place_list_key(instance.pk), LATEST, SEARCH}
    # Stories print their place's name in their stored body, summary and structured data.
    change.story(*Article.objects.filter(dateline=instance.pk).values_list("pk", flat=True))


@_outside_an_action
def _log_changed(change, instance, **kwargs) -> None:
    """An update note saved or deleted, or its revision kept: the story's history changed."""
    if isinstance(instance, Revision) and instance.update_id is None:
        return
    change.story(instance.article_id)


def connect_signals() -> None:
    post_save.connect(_story_saved, sender=Article, dispatch_uid="outside-story-saved")
    post_delete.connect(_story_deleted, sender=Article, dispatch_uid="outside-story-gone")
    m2m_changed.connect(_tags_changed, sender=Article.tags.through, dispatch_uid="outside-tags")
    for model, handler in ((Tag, _tag_changed), (Dateline, _place_changed)):
        post_save.connect(handler, sender=model, dispatch_uid=f"outside-save-{model.__name__}")
        post_delete.connect(handler, sender=model, dispatch_uid=f"outside-gone-{model.__name__}")
    for model in (Update, Revision):
        post_save.connect(_log_changed, sender=model, dispatch_uid=f"outside-{model.__name__}")
    post_delete.connect(_log_changed, sender=Update, dispatch_uid="outside-update-gone")
