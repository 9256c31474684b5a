"""'Use this story': a draft story made from a queue item through the editorial actions.

The editor then edits and publishes it as any story; its provenance (agency, item, version)
stays on the item, shown to editors beside the story.
"""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from ..editorial.actions import save_article
from ..editorial.errors import WorkflowError
from ..models import Article, Dateline, Tag, validate_slugline
from .markup import body_from_html
from .models import WireItem
from .reading import PubStatus


def use_item(item: WireItem, *, by) -> Article:
    """The draft made from `item` (the one made before, if an editor already used it)."""
    with transaction.atomic():
        item = WireItem.objects.select_for_update().get(pk=item.pk)
        if item.story_id is not None:
            return item.story
        if item.pub_status != PubStatus.USABLE:
            raise WorkflowError(
                f"The agency marked this item {item.pub_status}: it cannot be used."
            )
        if not by.has_perm("articles.add_article"):
            raise PermissionDenied("Your role may not create stories.")
        article = Article(
            headline=item.headline,
            slug=Article.slug_for(item.headline),
            deck=item.deck,
            byline=item.byline,
            body=body_from_html(item.body) or item.headline,
            dateline=dateline_for(item.located),
            urgency=item.urgency or Article._meta.get_field("urgency").default,
            slugline=slugline_for(item.slugline),
        )
        save_article(article, by=by, tags=tags_for(item.subjects))
        item.story, item.used_version = article, item.version or ""
        item.save(update_fields=["story", "used_version"])
        return article


def slugline_for(agency_slugline: str) -> str:
    """The agency's slugline in the newsroom's spelling (port-strike), or none."""
    slugline = re.sub(r"-{2,}", "-", slugify(agency_slugline)).strip("-")[:64].strip("-")
    try:
        validate_slugline(slugline)
    except ValidationError:
        return ""
    return slugline


def dateline_for(located: str) -> Dateline | None:
    """The desk's place named by the agency (a city or a country); no place is invented."""
    name = located.split(",")[0].strip()
    if not name:
        return None
    return (
        Dateline.objects.filter(city__iexact=name).order_by("pk").first()
        or Dateline.objects.filter(country__iexact=name, city="").order_by("pk").first()
    )


def tags_for(subjects: list[str]) -> list[Tag]:
    tags = []
    for name in subjects[:10]:
        tag = Tag.objects.filter(name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(name=name[:100])
        tags.append(tag)
    return tags
