"""Writes with side effects: the one place each kind of change to a story is made.

The admin, the legacy importer and the tests all go through these functions.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from .dump_sources import ParsedDump
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


def imported_file_digests(legacy_ids: list[str]) -> dict[str, str]:
    """The digest of the dump last imported for each of these stories, by legacy id."""
    stored = Article.objects.filter(legacy_id__in=legacy_ids).order_by()
    return dict(stored.values_list("legacy_id", "legacy_file_digest"))


def store_legacy_records(
    dumps: Sequence[ParsedDump], datelines: DatelineCache | None = None
) -> list[ImportOutcome]:
    """Store parsed dumps in one transaction.

    A new legacy id becomes a published story. A known one whose content changed updates its
    story, unless an editor has saved the story since the last import: then the editor's
    version stays and the outcome is a conflict. The update itself is optimistic on the
    story's version, so an editor saving at the same moment is never overwritten either.
    Every stored text is kept as a revision.
    """
    if not dumps:
        return []
    datelines = datelines or DatelineCache()
    outcomes = []
    with transaction.atomic():
        for chunk in _chunks_with_unique_ids(dumps):
            outcomes += _store_chunk(chunk, datelines)
    return outcomes


def _chunks_with_unique_ids(dumps: Sequence[ParsedDump]) -> Iterator[Sequence[ParsedDump]]:
    """Split where a legacy id repeats, so a later scrape in the same batch updates the first."""
    start, seen = 0, set()
    for index, dump in enumerate(dumps):
        if dump.record.legacy_id in seen:
            yield dumps[start:index]
            start, seen = index, set()
        seen.add(dump.record.legacy_id)
    yield dumps[start:]


def _story_fields(dump: ParsedDump, datelines: DatelineCache) -> dict:
    record = dump.record
    return {
        "headline": record.headline,
        "slug": Article.slug_for(record.headline),
        "deck": record.deck or "",
        "body": "\n\n".join(record.body),
        "dateline_id": datelines.id_for(record),
        "published_at": record.published_at,
        "updated_at": record.updated_at,
        "retrieved_at": record.retrieved_at,
        "source_file": dump.path[-255:],
        "legacy_story_digest": dump.story_digest,
        "legacy_file_digest": dump.file_digest,
    }


def _store_chunk(chunk: Sequence[ParsedDump], datelines: DatelineCache) -> list[ImportOutcome]:
    stored = {
        legacy_id: StoredStory(pk, story_digest, version, legacy_version, status)
        for legacy_id, pk, story_digest, version, legacy_version, status in Article.objects.filter(
            legacy_id__in=[dump.record.legacy_id for dump in chunk]
        )
        .order_by()
        .values_list(
            "legacy_id", "pk", "legacy_story_digest", "version", "legacy_version", "status"
        )
    }
    results: dict[str, tuple[ImportResult, int | None]] = {}
    new_stories: list[dict] = []
    revisions: list[dict] = []
    for dump in chunk:
        record = dump.record
        fields = _story_fields(dump, datelines)
        story = stored.get(record.legacy_id)
        if story is None:
            new_stories.append(
                {
                    **fields,
                    "legacy_id": record.legacy_id,
                    "status": Article.Status.PUBLISHED,
                    "version": 1,
                    "legacy_version": 1,
                }
            )
        elif story.story_digest == fields["legacy_story_digest"]:
            results[record.legacy_id] = (ImportResult.UNCHANGED, story.pk)
        elif story.version != story.legacy_version or not _update_story(story, fields):
            results[record.legacy_id] = (ImportResult.CONFLICT, story.pk)
        else:
            results[record.legacy_id] = (ImportResult.UPDATED, story.pk)
            revisions.append(_import_revision(story.pk, story.version + 1, story.status, fields))
    for story, pk in zip(new_stories, _insert(Article, new_stories), strict=True):
        results[story["legacy_id"]] = (ImportResult.NEW, pk)
        revisions.append(_import_revision(pk, 1, story["status"], story))
    _insert(Revision, revisions)
    return [ImportOutcome(d.record.legacy_id, *results[d.record.legacy_id]) for d in chunk]


@dataclass(frozen=True, slots=True)
class StoredStory:
    """What the importer needs to know of a story it stored before."""

    pk: int
    story_digest: str
    version: int
    legacy_version: int | None
    status: str


def _update_story(story: StoredStory, fields: dict) -> bool:
    """Write a later scrape over the story if nobody saved it meanwhile; False if they did."""
    return bool(
        Article.objects.filter(pk=story.pk, version=story.version).update(
            **fields, version=F("version") + 1, legacy_version=F("version") + 1
        )
    )


def _import_revision(article_id: int, number: int, status: str, fields: dict) -> dict:
    return {
        "article_id": article_id,
        "number": number,
        "headline": fields["headline"],
        "deck": fields["deck"],
        "body": fields["body"],
        "kind": Revision.Kind.IMPORT,
        "is_public": status == Article.Status.PUBLISHED,
    }


def _insert(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Insert new rows of one model, given as field values; returns their primary keys.

    On PostgreSQL this is COPY, with keys drawn from the table's sequence first: several times
    faster than bulk_create's INSERT, which an archive of 100,000 stories notices.
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        return [obj.pk for obj in model.objects.bulk_create([model(**row) for row in rows])]
    from psycopg import sql

    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    now = timezone.now()
    stamped = {"auto_now", "auto_now_add"}
    missing = {
        field.attname: now
        if any(getattr(field, a, False) for a in stamped)
        else field.get_default()
        for field in fields
        if field.attname not in rows[0]
    }
    names = [field.attname for field in fields]
    columns = sql.SQL(", ").join(
        sql.Identifier(column) for column in [meta.pk.column, *(f.column for f in fields)]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(rows)],
        )
        keys = [pk for (pk,) in cursor.fetchall()]
        copy_rows = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(meta.db_table), columns
        )
        with cursor.cursor.copy(copy_rows) as copy:
            for pk, row in zip(keys, rows, strict=True):
                values = {**missing, **row}
                copy.write_row([pk, *(values[name] for name in names)])
    return keys
