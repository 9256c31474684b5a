"""schema.org JSON-LD for story pages: what search engines and aggregators read."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from ..models import Article, Tag
from ..pictures.display import Shown
from . import formatting
from .history import HistoryEntry

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def json_ld_script(data: dict) -> SafeString:
    """A JSON-LD data block; `<`, `>` and `&` escaped so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=None).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # escaped above


def image_objects(picture: Shown, request=None) -> list[dict]:
    """The lead picture in the 1:1, 4:3 and 16:9 crops news search features ask for."""
    described = {
        "caption": picture.caption,
        "creditText": picture.credit,
        "copyrightNotice": picture.copyright,
        "creator": {"@type": "Person", "name": picture.creator} if picture.creator else None,
        "description": picture.alt_text,
    }
    objects = []
    for shape in ("1x1", "4x3", "16x9"):
        file = formatting.absolute_file(picture.crops[shape], request)
        image = {
            "@type": "ImageObject",
            "url": file.url,
            "contentUrl": file.url,
            "width": file.width,
            "height": file.height,
            "encodingFormat": file.type,
            **described,
        }
        objects.append({key: value for key, value in image.items() if value})
    return objects


def news_article_json_ld(
    article: Article,
    url: str,
    tags: list[Tag],
    history: list[HistoryEntry],
    picture: Shown | None = None,
    request=None,
) -> dict:
    """schema.org NewsArticle, with the one rule for "changed" as dateModified."""
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": url,
        "headline": article.headline,
        "description": article.deck,
        "datePublished": formatting.iso_instant(article.published_at),
        "dateModified": formatting.iso_instant(article.last_changed_at),
        "author": (
            {"@type": "Person", "name": article.byline}
            if article.byline
            else {"@type": "Organization", "name": settings.SITE_NAME}
        ),
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": formatting.absolute_url("/", request),
        },
        "keywords": [tag.name for tag in tags],
        "image": image_objects(picture, request) if picture else None,
        "isAccessibleForFree": True,
    }
    if article.dateline is not None:
        data["dateline"] = formatting.wire_dateline(article.dateline)
        data["locationCreated"] = {
            "@type": "Place",
            "name": str(article.dateline),
            "address": {
                "@type": "PostalAddress",
                "addressCountry": article.dateline.country,
                **({"addressRegion": article.dateline.region} if article.dateline.region else {}),
                **({"addressLocality": article.dateline.city} if article.dateline.city else {}),
            },
        }
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": entry.note,
            "datePublished": formatting.iso_instant(entry.shown_at),
        }
        for entry in history
        if entry.is_correction
    ]
    if corrections:
        data["correction"] = corrections
    return {key: value for key, value in data.items() if value not in ("", [], None)}
