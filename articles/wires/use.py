"""'Use this story': a draft story made from a queue item through the editorial actions, with
the agency's first picture as its lead picture when the agency sent one.

The editor then edits and publishes it as any story; its provenance (agency, item, version)
stays on the item, shown to editors beside the story.
"""

import re
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from ..editorial.actions import save_article
from ..editorial.errors import WorkflowError
from ..models import Article, Dateline, Picture, Tag, validate_slugline
from ..pictures.files import PictureRefused
from .markup import body_from_html
from .models import WireItem
from .pictures import library_picture
from .reading import PubStatus


class Drafted(NamedTuple):
    story: Article
    picture_problem: str = ""  # why the agency's picture is not the story's, when it is not


def use_item(item: WireItem, *, by) -> Drafted:
    """The draft made from `item` (the one made before, if an editor already used it)."""
    picture, problem = None, ""
    if item.story_id is None:
        check_may_use(item, by)
        # Fetched before the item is locked: a slow agency server holds no lock.
        try:
            picture = add_item_picture(item, 0, by=by) if item.pictures else None
        except (PictureRefused, PermissionDenied) as refusal:
            problem = str(refusal)
    with transaction.atomic():
        item = WireItem.objects.select_for_update().get(pk=item.pk)
        if item.story_id is not None:
            return Drafted(item.story)
        check_may_use(item, by)
        article = Article(
            headline=item.headline,
            slug=Article.slug_for(item.headline),
            deck=item.deck,
            byline=item.byline,
            body=body_from_html(item.body) or item.headline,
            dateline=dateline_for(item.located),
            urgency=item.urgency or Article._meta.get_field("urgency").default,
            slugline=slugline_for(item.slugline),
            lead_picture=picture,
        )
        save_article(article, by=by, tags=tags_for(item.subjects))
        item.story, item.used_version = article, item.version or ""
        item.save(update_fields=["story", "used_version"])
        return Drafted(article, problem)


def check_may_use(item: WireItem, by) -> None:
    """Raises the reason when `by` may not make a story of `item`."""
    if item.is_picture:
        raise WorkflowError("This is a picture: add it to the picture library instead.")
    if item.pub_status != PubStatus.USABLE:
        raise WorkflowError(f"The agency marked this item {item.pub_status}: it cannot be used.")
    if not by.has_perm("articles.add_article"):
        raise PermissionDenied("Your role may not create stories.")


def add_item_picture(item: WireItem, index: int, *, by) -> Picture:
    """The item's `index`th picture in the library, for editors to choose as a lead picture.
    Raises PictureRefused or PermissionDenied with the reason."""
    if not by.has_perm("articles.add_picture"):
        raise PermissionDenied("Your role may not add pictures to the library.")
    if item.pub_status != PubStatus.USABLE:
        raise PictureRefused(f"The agency marked this item {item.pub_status}: it cannot be used.")
    pictures = item.agency_pictures
    if not 0 <= index < len(pictures):
        raise PictureRefused("The agency sent no such picture with this item.")
    return library_picture(item, pictures[index], by=by)


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
