"""Storing parsed dumps: each one new, updated, unchanged, a conflict with an editor, or skipped.

Updates go through the editorial layer's optimistic write, so an editor saving at the same
moment is never overwritten; new stories, their revisions and status changes go in by COPY
(`copy.py`). A story an editor took off the site (unpublished or withdrawn) is never brought
back. Each batch is one transaction finished by the write path's finishing step
(`editorial/finishing.py`): one change for the batch. New stories are written with their
derived output and lists already made, so they are written once.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.db import connection
from django.utils import timezone

from .. import content
from ..editorial import derived
from ..editorial.errors import StaleArticleError
from ..editorial.finishing import Change, changing
from ..editorial.versions import write_version
from ..lists import filed_under
from ..models import Article, Dateline, Revision, StatusChange, normalise_space
from .copy import insert_rows, reserve_keys
from .format import LegacyRecord
from .sources import ParsedDump


class ImportResult(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"
    SKIPPED = "skipped"


# Why a file for a story an editor took off the site is skipped, by the story's status.
SKIP_REASONS = {
    Article.Status.DRAFT: "unpublished by an editor",
    Article.Status.WITHDRAWN: "withdrawn by an editor",
}


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    legacy_id: str
    result: ImportResult
    reason: str = ""  # why the file was skipped


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
    """The digest of the dump last imported for each of these stories, by legacy id.

    Only for stories on the site: a file for a story an editor took off it is read again, so
    that it is reported as skipped, with the reason, rather than as unchanged.
    """
    stored = Article.objects.filter(legacy_id__in=legacy_ids).order_by()
    # The status is filtered here rather than in SQL, where it would tempt the planner to a
    # partial index on published stories before the table's statistics say how many there are.
    return {
        legacy_id: digest
        for legacy_id, digest, status in stored.values_list(
            "legacy_id", "legacy_file_digest", "status"
        )
        if status == Article.Status.PUBLISHED
    }


def settle_imported_tables() -> None:
    """After a run that created stories: the tables' statistics and search index made current.

    The planner learns the tables' new size now rather than at autovacuum's next round (until
    then it may choose a partial index over the unique one for the importer's own lookups),
    and the search index's pending list (GIN fastupdate) is merged, so readers' searches do
    not scan it.
    """
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Article, Revision, StatusChange)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT gin_clean_pending_list(index.indexrelid::regclass) FROM pg_index index"
            " JOIN pg_class class ON class.oid = index.indexrelid"
            " JOIN pg_am method ON method.oid = class.relam"
            " WHERE index.indrelid = %s::regclass AND method.amname = 'gin'",
            [Article._meta.db_table],
        )
        cursor.execute(f"ANALYZE {', '.join(tables)}")


def store_legacy_records(
    dumps: Sequence[ParsedDump], datelines: DatelineCache | None = None
) -> list[ImportOutcome]:
    """Store parsed dumps in one transaction.

    A new legacy id becomes a published story. A known one whose content changed updates its
    story, unless an editor has saved the story since the last import: then the editor's
    version stays and the outcome is a conflict. The update itself is optimistic on the
    story's version, so an editor saving at the same moment is never overwritten either.
    A story an editor unpublished or withdrew is skipped. Every stored text is kept as a
    revision, and every new story's publication as a status change.
    """
    if not dumps:
        return []
    datelines = datelines or DatelineCache()
    outcomes = []
    own_transaction = not connection.in_atomic_block
    with changing() as change:
        if own_transaction and connection.vendor == "postgresql":
            # Every batch is idempotent and a re-run finishes the job, so its commit need not
            # wait for the disk: a server crash can lose the last batches, never half of one.
            # (A caller's own transaction keeps the durability the caller chose.)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        for chunk in _chunks_with_unique_ids(dumps):
            outcomes += _store_chunk(chunk, datelines, change)
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


def _lists_of_new(fields: dict) -> set[str]:
    """The lists a new imported story is filed under (it has no tags yet)."""
    story = Article(
        status=Article.Status.PUBLISHED,
        published_at=fields["published_at"],
        dateline_id=fields["dateline_id"],
    )
    return filed_under(story, tag_ids=())


def _insert_new_stories(rows: list[dict]) -> list[int]:
    """Insert new stories with their derived output; returns their keys.

    The output names the story's address, so the keys are drawn first and each row is written
    once.
    """
    if not rows:
        return []
    places = Dateline.objects.in_bulk({row["dateline_id"] for row in rows} - {None})

    def with_output(row: dict, pk: int) -> Article:
        story = Article(pk=pk, **row)
        story.dateline = places.get(row["dateline_id"])
        derived.fill(story, history=[])
        return story

    keys = reserve_keys(Article, len(rows))
    for row, pk in zip(rows, keys, strict=True):
        story = with_output(row, pk)
        row.update({name: getattr(story, name) for name in derived.MADE_HERE})
    return insert_rows(Article, rows, keys=keys)


def _store_chunk(
    chunk: Sequence[ParsedDump], datelines: DatelineCache, change: Change
) -> list[ImportOutcome]:
    """The outcome for each dump of a chunk without repeated ids."""
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
    outcomes: dict[str, ImportOutcome] = {}
    new_stories: list[dict] = []
    revisions: list[dict] = []
    for dump in chunk:
        legacy_id = dump.record.legacy_id
        fields = _story_fields(dump, datelines)
        story = stored.get(legacy_id)
        if story is None:
            new_stories.append(
                {
                    **fields,
                    "legacy_id": legacy_id,
                    "status": Article.Status.PUBLISHED,
                    "version": 1,
                    "legacy_version": 1,
                    "list_keys": " ".join(sorted(_lists_of_new(fields))),
                }
            )
            continue
        if story.status in SKIP_REASONS:
            outcome = ImportOutcome(legacy_id, ImportResult.SKIPPED, SKIP_REASONS[story.status])
        elif story.story_digest == fields["legacy_story_digest"]:
            outcome = ImportOutcome(legacy_id, ImportResult.UNCHANGED)
        elif story.version != story.legacy_version or not _update_story(story, fields):
            outcome = ImportOutcome(legacy_id, ImportResult.CONFLICT)
        else:
            outcome = ImportOutcome(legacy_id, ImportResult.UPDATED)
            revisions.append(_import_revision(story.pk, story.version + 1, story.status, fields))
        outcomes[legacy_id] = outcome
    change.story(*(revision["article_id"] for revision in revisions))
    created = _insert_new_stories(new_stories)
    publications = []
    for story, pk in zip(new_stories, created, strict=True):
        outcomes[story["legacy_id"]] = ImportOutcome(story["legacy_id"], ImportResult.NEW)
        revisions.append(_import_revision(pk, 1, story["status"], story))
        publications.append(_import_publication(pk, story))
    # New stories are already filed under their lists, so only the lists they join are named,
    # and the finishing step has no second write of every new row to make (which would compute
    # its search vector again).
    change.created.update(created)
    for story in new_stories:
        change.joined_lists.update(story["list_keys"].split())
    insert_rows(Revision, revisions)
    insert_rows(StatusChange, publications)
    return [outcomes[dump.record.legacy_id] for dump in chunk]


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
    try:
        write_version(
            Article(pk=story.pk),
            story.version,
            **fields,
            legacy_version=story.version + 1,
        )
    except StaleArticleError:
        return False
    return True


def _import_publication(article_id: int, story: dict) -> dict:
    """The status change of a story the import created: published by no one, the import."""
    return {
        "article_id": article_id,
        "from_status": Article.Status.DRAFT,
        "to_status": story["status"],
        "publish_at": story["published_at"],
        "reason": f"imported from {story['source_file']}",
        "by_id": None,
        "at": timezone.now(),
    }


def _import_revision(article_id: int, number: int, status: str, fields: dict) -> dict:
    return {
        "article_id": article_id,
        "number": number,
        **content.revision_columns(content.from_columns(fields)),
        "kind": Revision.Kind.IMPORT,
        "is_public": status == Article.Status.PUBLISHED,
    }
