"""Output that only changes when a story is saved, made then rather than on every page view.

The finishing step of every write (`finishing.py`) stores, for each story it changed:
- `body_html`: the story's paragraphs as its page prints them, the dateline leading;
- `summary_html`: the story as every list prints it (`articles/_article_summary.html`);
- `structured_data`: its schema.org JSON-LD, less what depends on the request and on its
  tags (`articles.structured_data`);
- `public_history`: the public change history, each update and correction with the diff of what
  the headline, deck and body said before and after (read back by `articles.site.history`).

A history entry pairs an `Update` note with its public UPDATE or CORRECTION revision, if the
version store links one, and diffs it against the version readers saw before it: the previous
revision readers have seen (`Revision.objects.seen_by_readers()`). Silent fixes and drafts never
become entries; an update with no revision (an imported story whose notes predate the version
store) keeps its note without a diff.
"""

import json
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import OuterRef, Subquery
from django.template.loader import render_to_string

from .. import formatting
from ..diffs import paragraph_diff, word_diff
from ..models import DERIVED_FIELDS, Article, Revision, Update, normalise_space
from ..structured_data import story_json_ld

DIFF_KINDS = (Revision.Kind.UPDATE, Revision.Kind.CORRECTION)
# What `fill()` makes (the lists a story is filed under are the finishing step's).
MADE_HERE = tuple(name for name in DERIVED_FIELDS if name != "list_keys")


def _previous_seen(field_name: str) -> Subquery:
    """The same field of the version readers saw before, in the same query as the update."""
    return Subquery(
        Revision.objects.seen_by_readers()
        .filter(article=OuterRef("article"), number__lt=OuterRef("revision__number"))
        .exclude(kind=Revision.Kind.DRAFT)
        .order_by("-number")
        .values(field_name)[:1]
    )


def revision_diffs(before: tuple[str, str, str], after: tuple[str, str, str]) -> list[dict]:
    """Diffs of the fields that changed, as escaped HTML with <del> and <ins>."""
    diffs = []
    for label, old, new in zip(("Headline", "Deck", "Text"), before, after, strict=True):
        if normalise_space(old or "") == normalise_space(new or ""):
            continue
        html = paragraph_diff(old, new) if label == "Text" else f"<p>{word_diff(old, new)}</p>"
        diffs.append({"label": label, "html": html})
    return diffs


def public_histories(article_ids: Iterable[int]) -> dict[int, list[dict]]:
    """The public log of each story, newest first, in one query whatever their number."""
    updates = (
        Update.objects.filter(article_id__in=list(article_ids))
        .select_related("revision")
        .annotate(
            before_headline=_previous_seen("headline"),
            before_deck=_previous_seen("deck"),
            before_body=_previous_seen("body"),
        )
        .order_by("article_id", "-shown_at", "-id")
    )
    histories = defaultdict(list)
    for update in updates:
        entry = {
            "kind": update.kind,
            "kind_label": update.get_kind_display(),
            "note": update.note,
            "shown_at": update.shown_at.isoformat(),
            "diffs": [],
        }
        revision = getattr(update, "revision", None)
        if (
            revision is not None
            and revision.is_public
            and revision.kind in DIFF_KINDS
            and update.before_body is not None
        ):
            entry["diffs"] = revision_diffs(
                (update.before_headline, update.before_deck, update.before_body),
                (revision.headline, revision.deck, revision.body),
            )
        histories[update.article_id].append(entry)
    return histories


def fill(article: Article, history: list[dict] | None = None) -> None:
    """Make the story's derived output on the instance (not saved): from its fields, its
    dateline and `history` (its public log as `public_histories` makes it; None: as stored)."""
    if history is None:
        history = json.loads(article.public_history) if article.public_history else []
    article.public_history = json.dumps(history, ensure_ascii=False) if history else ""
    article.body_html = render_to_string(
        "articles/_story_body.html",
        {"article": article, "dateline_lead": formatting.wire_dateline(article.dateline)},
    )
    article.summary_html = render_to_string("articles/_article_summary.html", {"article": article})
    article.structured_data = json.dumps(story_json_ld(article, history), ensure_ascii=False)


def store(article_ids: Iterable[int]) -> list[Article]:
    """Make and store the derived output of these stories: three queries, whatever their number
    (and one more per 500 stories written)."""
    articles = list(Article.objects.filter(pk__in=set(article_ids)).select_related("dateline"))
    histories = public_histories(article.pk for article in articles)
    for article in articles:
        fill(article, histories.get(article.pk, []))
    Article.objects.bulk_update(articles, MADE_HERE, batch_size=500)
    return articles


def store_missing(using="default", **kwargs) -> None:
    """Make the output of stories that have none (stored before it was made at write time),
    a thousand at a time. The stories do not change for readers, so no change is recorded."""
    missing = Article.objects.using(using).filter(structured_data="").values_list("pk", flat=True)
    while batch := list(missing[:1000]):
        store(batch)
