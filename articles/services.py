"""Writes with side effects: the one place each kind of change to a story is made.

The admin, the legacy importer and the tests all go through these functions.
"""

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.db.models import F

from .legacy import LegacyRecord
from .models import Article, Dateline, Revision, normalise_space


class ImportResult(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    legacy_id: str
    result: ImportResult
    article_id: int


class DatelineCache:
    """Dateline ids by place for one import run: an archive names few places many times."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str, str], int] = {}

    def id_for(self, record: LegacyRecord) -> int | None:
        if record.dateline is None:
            return None
        place = (record.dateline.country, record.dateline.region or "", record.dateline.city or "")
        key = tuple(normalise_space(part).casefold() for part in place)
        if key not in self._ids:
            self._ids[key] = Dateline.objects.get_or_create_place(*place)[0].pk
        return self._ids[key]


def legacy_checksum(record: LegacyRecord) -> str:
    """A digest of what a dump says about its story (not when it was scraped)."""
    content = record.as_json()
    for provenance in ("file", "status", "retrieved_at", "warnings"):
        content.pop(provenance, None)
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def store_legacy_records(
    records: Sequence[tuple[LegacyRecord, str]], datelines: DatelineCache | None = None
) -> list[ImportOutcome]:
    """Store parsed dumps (each with the source file it came from) in one transaction.

    A new legacy id becomes a published story. A known one whose content changed updates its
    story, unless an editor has saved the story since the last import: then the editor's
    version stays and the outcome is a conflict. The update itself is optimistic on the
    story's version, so an editor saving at the same moment is never overwritten either.
    Every stored text is kept as a revision.
    """
    datelines = datelines or DatelineCache()
    outcomes = []
    with transaction.atomic():
        for chunk in _chunks_with_unique_ids(records):
            outcomes += _store_chunk(chunk, datelines)
    return outcomes


def store_legacy_record(record: LegacyRecord, source_file: str) -> ImportOutcome:
    return store_legacy_records([(record, source_file)])[0]


def _chunks_with_unique_ids(
    records: Sequence[tuple[LegacyRecord, str]],
) -> Iterator[Sequence[tuple[LegacyRecord, str]]]:
    """Split where a legacy id repeats, so a later scrape in the same batch updates the first."""
    start, seen = 0, set()
    for index, (record, _) in enumerate(records):
        if record.legacy_id in seen:
            yield records[start:index]
            start, seen = index, set()
        seen.add(record.legacy_id)
    yield records[start:]


def _story_fields(record: LegacyRecord, source_file: str, datelines: DatelineCache) -> dict:
    return {
        "headline": record.headline,
        "slug": Article.slug_for(record.headline),
        "deck": record.deck or "",
        "body": "\n\n".join(record.body),
        "dateline_id": datelines.id_for(record),
        "published_at": record.published_at,
        "updated_at": record.updated_at,
        "retrieved_at": record.retrieved_at,
        "source_file": source_file[-255:],
        "legacy_checksum": legacy_checksum(record),
    }


def _store_chunk(
    chunk: Sequence[tuple[LegacyRecord, str]], datelines: DatelineCache
) -> list[ImportOutcome]:
    stored = {
        article.legacy_id: article
        for article in Article.objects.filter(
            legacy_id__in=[record.legacy_id for record, _ in chunk]
        ).only("legacy_id", "legacy_checksum", "version", "legacy_version", "status")
    }
    outcomes: list[ImportOutcome] = []
    new_articles: list[tuple[Article, dict]] = []
    revisions: list[Revision] = []
    for record, source_file in chunk:
        fields = _story_fields(record, source_file, datelines)
        article = stored.get(record.legacy_id)
        if article is None:
            new_article = Article(
                **fields,
                legacy_id=record.legacy_id,
                status=Article.Status.PUBLISHED,
                version=1,
                legacy_version=1,
            )
            new_articles.append((new_article, fields))
        elif article.legacy_checksum == fields["legacy_checksum"]:
            outcomes.append(ImportOutcome(record.legacy_id, ImportResult.UNCHANGED, article.pk))
        elif article.version != article.legacy_version or not _update_story(article, fields):
            outcomes.append(ImportOutcome(record.legacy_id, ImportResult.CONFLICT, article.pk))
        else:
            outcomes.append(ImportOutcome(record.legacy_id, ImportResult.UPDATED, article.pk))
            revisions.append(_import_revision(article, fields))
    Article.objects.bulk_create([article for article, _ in new_articles])
    for article, fields in new_articles:
        outcomes.append(ImportOutcome(article.legacy_id, ImportResult.NEW, article.pk))
        revisions.append(_import_revision(article, fields))
    Revision.objects.bulk_create(revisions)
    order = {record.legacy_id: index for index, (record, _) in enumerate(chunk)}
    return sorted(outcomes, key=lambda outcome: order[outcome.legacy_id])


def _update_story(article: Article, fields: dict) -> bool:
    """Write a later scrape over the story if nobody saved it meanwhile; False if they did."""
    written = Article.objects.filter(pk=article.pk, version=article.version).update(
        **fields, version=F("version") + 1, legacy_version=F("version") + 1
    )
    if written:
        article.version += 1
    return bool(written)


def _import_revision(article: Article, fields: dict) -> Revision:
    return Revision(
        article_id=article.pk,
        number=article.version,
        headline=fields["headline"],
        deck=fields["deck"],
        body=fields["body"],
        kind=Revision.Kind.IMPORT,
        is_public=article.status == Article.Status.PUBLISHED,
    )
