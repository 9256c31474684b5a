"""schema.org JSON-LD for story pages: what search engines and aggregators read.

Made in two halves. What only changes when the story does is made when it is saved
(`story_json_ld`, stored by `editorial/derived.py`), with addresses as paths; a page view
completes it with what depends on the request and on live rows (`json_ld_script`): the site's
address and the story's tags.
"""

import json
from datetime import datetime

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from . import formatting
from .models import Article, Tag, Update

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
_ADDRESSES = ("@id", "url", "mainEntityOfPage")


def story_json_ld(article: Article, history: list[dict]) -> dict:
    """schema.org NewsArticle, with the one rule for "changed" as dateModified.

    `history` is the story's public log as `editorial/derived.py` stores it. Addresses are
    paths and `keywords` is left empty, for `json_ld_script` to complete.
    """
    path = article.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": path,
        "url": path,
        "mainEntityOfPage": path,
        "headline": article.headline,
        "description": article.deck,
        "datePublished": formatting.iso_instant(article.published_at),
        "dateModified": formatting.iso_instant(article.last_changed_at),
        "author": (
            {"@type": "Person", "name": article.byline}
            if article.byline
            else {"@type": "Organization", "name": settings.SITE_NAME}
        ),
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": "/"},
        "keywords": [],
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
            "text": entry["note"],
            "datePublished": formatting.iso_instant(datetime.fromisoformat(entry["shown_at"])),
        }
        for entry in history
        if entry["kind"] == Update.Kind.CORRECTION
    ]
    if corrections:
        data["correction"] = corrections
    return data


def json_ld_script(stored: dict, tags: list[Tag], request=None) -> SafeString:
    """The stored JSON-LD completed for a page, as a data block; `<`, `>` and `&` escaped so
    no text can close the element."""
    root = formatting.site_root(request)
    data = dict(stored)
    for name in _ADDRESSES:
        data[name] = root + data[name]
    data["publisher"] = {**data["publisher"], "url": root + data["publisher"]["url"]}
    data["keywords"] = [tag.name for tag in tags]
    data = {key: value for key, value in data.items() if value not in ("", [], None)}
    text = json.dumps(data, ensure_ascii=False, indent=None).translate(_JSON_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # escaped above
