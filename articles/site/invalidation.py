"""When cached public pages stop being current.

The editorial layer announces its writes (`articles_changed`), which model signals do not see
(optimistic UPDATEs, the importer's COPY); saves made through the ORM (datelines, tags, a new
story) are caught by model signals. Either way the cache's generation moves (`caching.py`).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from ..editorial.signals import articles_changed
from .caching import bump_generation


def pages_changed(**kwargs) -> None:
    """Something readers see changed: cached pages go now and again at the commit.

    Now, so that the rest of the same transaction (and a test wrapped in one) reads fresh
    pages; again once the transaction commits, since a reader between the two could have
    cached the old text under the new generation.
    """
    bump_generation()
    transaction.on_commit(bump_generation, robust=True)


def connect_signals() -> None:
    from ..models import Article, Dateline, Revision, Tag, Update

    articles_changed.connect(pages_changed, dispatch_uid="pages-stories-changed")
    for model in (Article, Dateline, Revision, Tag, Update):
        post_save.connect(pages_changed, sender=model, dispatch_uid=f"pages-save-{model}")
        post_delete.connect(pages_changed, sender=model, dispatch_uid=f"pages-delete-{model}")
    m2m_changed.connect(
        pages_changed, sender=Article.tags.through, dispatch_uid="pages-article-tags"
    )
