"""Writes with side effects: the one place each kind of change to a story is made.

The admin, the legacy importer, commands and tests all go through these functions, so the
rules live here once:
- every write checks the caller's permission (the importer runs as the operator);
- every write raises the story's `version` with an optimistic check (`UPDATE ... WHERE
  version = expected`); a story someone else changed meanwhile raises `StaleArticleError`
  (or, for the importer, is reported as a conflict) instead of being overwritten;
- every save of the text keeps a `Revision`, and every change of status a `StatusChange`.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.utils import timezone

from .caching import pages_changed
from .dump_sources import ParsedDump
from .legacy import LegacyRecord
from .models import Article, Dateline, Revision, StatusChange, Update, normalise_space

# The fields an editor writes through `save_article`. Status, times and provenance belong to
# the workflow functions and the importer, so a form can never change them by accident.
EDITORIAL_FIELDS = ["headline", "slug", "deck", "byline", "body", "dateline"]

# Kinds of save allowed for a story that readers can see now.
PUBLIC_SAVE_KINDS = {Revision.Kind.SILENT_FIX, Revision.Kind.UPDATE, Revision.Kind.CORRECTION}

# A publication time this far in the past counts as "now" (the editor's clock, a slow form).
PUBLISH_CLOCK_SLACK = timedelta(minutes=5)


class StaleArticleError(Exception):
    """The story changed after the caller loaded it; nothing was written."""

    def __init__(self, article_id: int, expected_version: int):
        self.article_id = article_id
        self.expected_version = expected_version
        super().__init__(
            f"Story {article_id} is no longer at version {expected_version}: "
            "someone else saved it meanwhile."
        )


class WorkflowError(Exception):
    """The change is not allowed for the story in its current state."""


def _require(user, *permissions: str) -> None:
    missing = [name for name in permissions if not user.has_perm(f"articles.{name}")]
    if missing:
        raise PermissionDenied(f"{user} lacks {', '.join(missing)}.")


def can_edit(user, article: Article) -> bool:
    """Reporters edit drafts; only editors touch a story once it has been published."""
    if article.pk is None:
        return user.has_perm("articles.add_article")
    if not user.has_perm("articles.change_article"):
        return False
    return article.status == Article.Status.DRAFT or user.has_perm(
        "articles.edit_published_article"
    )


def default_save_kind(article: Article) -> str | None:
    """The kind of save when the editor is not asked; None when they must choose.

    Drafts and withdrawn stories are not public: their saves are drafts. A scheduled story is
    not out yet, so nothing can be announced as an update: its saves are silent fixes.
    """
    if article.status != Article.Status.PUBLISHED:
        return Revision.Kind.DRAFT
    if article.is_scheduled:
        return Revision.Kind.SILENT_FIX
    return None


def _stored(article: Article) -> Article:
    """The story's workflow state as stored: the rules never trust an instance's own copy."""
    if article.pk is None:
        return article
    return Article.objects.only("status", "published_at", "version").get(pk=article.pk)


def _write(article: Article, expected_version: int, **fields) -> None:
    """The optimistic update: raise the version only if nobody else did first."""
    fields["modified_at"] = timezone.now()
    written = Article.objects.filter(pk=article.pk, version=expected_version).update(
        version=expected_version + 1, **fields
    )
    if not written:
        raise StaleArticleError(article.pk, expected_version)
    pages_changed()
    for name, value in fields.items():
        setattr(article, name, value)
    article.version = expected_version + 1


def _editorial_values(article: Article) -> dict:
    if not article.slug:
        article.slug = Article.slug_for(article.headline)
    return {name: getattr(article, name) for name in EDITORIAL_FIELDS}


def _keep_revision(article: Article, *, by, kind: str, update: Update | None = None) -> Revision:
    return Revision.objects.create(
        article=article,
        number=article.version,
        headline=article.headline,
        deck=article.deck,
        body=article.body,
        kind=kind,
        is_public=article.status == Article.Status.PUBLISHED,
        update=update,
        editor=by,
    )


@transaction.atomic
def save_article(
    article: Article,
    *,
    by,
    kind: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> Revision:
    """Save the story's editorial fields as a new version and keep its text as a revision.

    `expected_version` is the version the editor started from (default: the version this
    instance was loaded at). A new story is created at version 1.

    On a story readers can see, `kind` is required: an update or a correction adds a public
    note to the update log and moves the story's "Updated" time to now; a silent fix moves
    nothing. Other stories take `default_save_kind()`.
    """
    state = _stored(article)
    if not can_edit(by, state):
        raise PermissionDenied(f"{by} may not edit {article}.")
    allowed = default_save_kind(state)
    kind = kind or allowed
    if kind is None:
        raise WorkflowError("Say whether this change is an update, a correction or a silent fix.")
    if allowed is not None and kind != allowed:
        raise WorkflowError(f"A {state.get_status_display().lower()} story saves as {allowed}.")
    if allowed is None and kind not in PUBLIC_SAVE_KINDS:
        raise WorkflowError(f"{kind} is not a kind of change to a published story.")
    note = note.strip()
    if kind in (Revision.Kind.UPDATE, Revision.Kind.CORRECTION) and not note:
        raise WorkflowError("Updates and corrections need a note for readers.")

    if article.pk is None:
        article.version = 1
        article.status = Article.Status.DRAFT
        _editorial_values(article)
        article.save(force_insert=True)
        return _keep_revision(article, by=by, kind=Revision.Kind.DRAFT)

    expected = article.version if expected_version is None else expected_version
    article.status, article.published_at = state.status, state.published_at
    fields = _editorial_values(article)
    update = None
    if kind in (Revision.Kind.UPDATE, Revision.Kind.CORRECTION):
        now = timezone.now()
        fields["updated_at"] = now
        _write(article, expected, **fields)
        update = Update.objects.create(
            article=article, shown_at=now, kind=kind, note=note, editor=by
        )
    else:
        _write(article, expected, **fields)
    return _keep_revision(article, by=by, kind=kind, update=update)


@transaction.atomic
def publish_article(
    article: Article,
    *,
    by,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Revision:
    """Publish a draft now, or at `at` (an embargo that lifts by itself), or reschedule.

    The story's current editorial fields are written with it, and its text kept as the
    PUBLICATION revision. `published()` compares with the clock, so no scheduler is needed.
    """
    _require(by, "change_article", "publish_article")
    now = timezone.now()
    state = _stored(article)
    if state.status == Article.Status.WITHDRAWN:
        raise WorkflowError("A withdrawn story cannot be published again.")
    if state.is_published:
        raise WorkflowError("The story is already published.")
    if at is None or now - PUBLISH_CLOCK_SLACK <= at <= now:
        at = now
    elif at < now:
        raise WorkflowError("A publication time in the past would backdate the story.")
    if article.pk is None:
        save_article(article, by=by)

    from_status = state.status
    expected = article.version if expected_version is None else expected_version
    _write(
        article,
        expected,
        status=Article.Status.PUBLISHED,
        published_at=at,
        **_editorial_values(article),
    )
    StatusChange.objects.create(
        article=article,
        from_status=from_status,
        to_status=Article.Status.PUBLISHED,
        publish_at=at,
        by=by,
        at=now,
    )
    return _keep_revision(article, by=by, kind=Revision.Kind.PUBLICATION)


@transaction.atomic
def withdraw_article(
    article: Article, *, by, reason: str, expected_version: int | None = None
) -> StatusChange:
    """Kill a published (or scheduled) story: readers see the reason instead of the story."""
    _require(by, "change_article", "withdraw_article")
    reason = reason.strip()
    if not reason:
        raise WorkflowError("Readers are told why a story was withdrawn: give a reason.")
    state = _stored(article)
    if state.status != Article.Status.PUBLISHED:
        raise WorkflowError("Only a published or scheduled story can be withdrawn.")
    expected = article.version if expected_version is None else expected_version
    fields = {"status": Article.Status.WITHDRAWN, "withdrawal_reason": reason}
    if state.is_scheduled:
        # Killed before its embargo lifted: readers never saw it, so it never comes out, and
        # its address stays a 404 rather than turning into a withdrawal notice.
        fields["published_at"] = None
    _write(article, expected, **fields)
    return StatusChange.objects.create(
        article=article,
        from_status=Article.Status.PUBLISHED,
        to_status=Article.Status.WITHDRAWN,
        reason=reason,
        by=by,
    )


class ImportResult(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    legacy_id: str
    result: ImportResult


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
        # New stories go in by COPY, which no signal sees; updates went through _write.
        if any(outcome.result == ImportResult.NEW for outcome in outcomes):
            pages_changed()
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
    results: dict[str, ImportResult] = {}
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
            results[record.legacy_id] = ImportResult.UNCHANGED
        elif story.version != story.legacy_version or not _update_story(story, fields):
            results[record.legacy_id] = ImportResult.CONFLICT
        else:
            results[record.legacy_id] = ImportResult.UPDATED
            revisions.append(_import_revision(story.pk, story.version + 1, story.status, fields))
    for story, pk in zip(new_stories, _insert(Article, new_stories), strict=True):
        results[story["legacy_id"]] = ImportResult.NEW
        revisions.append(_import_revision(pk, 1, story["status"], story))
    _insert(Revision, revisions)
    return [ImportOutcome(d.record.legacy_id, results[d.record.legacy_id]) for d in chunk]


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
        _write(Article(pk=story.pk), story.version, **fields, legacy_version=story.version + 1)
    except StaleArticleError:
        return False
    return True


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
