"""Storing agency readings in the queue, by the agency's lifecycle rules.

- A new uri is `new`.
- A higher version replaces the item (`updated`) and is kept beside the earlier ones.
- A version that arrives late, out of order or twice never overwrites a newer one: it is
  `unchanged`, and says why.
Versions are ordered by the agency's version number, then by its `versionCreated` time (feeds
carry no number); an item with neither is replaced when its text changed.

Readings are stored a batch at a time: one query finds the batch's items, new items and
versions go in by bulk inserts, in one transaction.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from .markup import text_from_html
from .models import WireItem, WireItemVersion, WireSource
from .reading import Reading

BATCH_SIZE = 500
NEVER = datetime.min.replace(tzinfo=UTC)


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    SKIPPED = "skipped"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Stored:
    """What became of one reading; `item` is the queue's item (unsaved on a dry run)."""

    reading: Reading
    outcome: Outcome
    reason: str = ""
    item: WireItem | None = None
    previous: WireItem | None = None  # the item as it was before an update
    body_text: str = ""


def rank(version_number: int | None, version_created: datetime | None) -> tuple:
    return (-1 if version_number is None else version_number, version_created or NEVER)


def compare(reading: Reading, item: WireItem) -> tuple[Outcome, str]:
    """Whether `reading` replaces the stored `item`, and why not when it does not."""
    incoming = rank(reading.version_number, reading.version_created)
    stored = rank(item.version_number, item.version_created)
    if incoming > stored:
        return Outcome.UPDATED, ""
    if incoming < stored:
        return Outcome.UNCHANGED, (
            f"version {reading.version} arrived after version {item.version}: kept {item.version}"
        )
    unnumbered = reading.version is None and reading.version_created is None
    if unnumbered and (reading.headline, reading.body_html) != (item.headline, item.body):
        return Outcome.UPDATED, ""
    return Outcome.UNCHANGED, "this version is already in the queue"


def item_values(reading: Reading, source: WireSource | None, file_name: str, now) -> dict:
    return {
        "source": source,
        "format": reading.format.value,
        "kind": reading.kind.value,
        "agency": reading.agency or (source.name if source else ""),
        "uri": reading.uri,
        "version": reading.version or "",
        "version_number": reading.version_number,
        "pub_status": reading.pub_status.value,
        "urgency": reading.urgency,
        "slugline": reading.slugline,
        "language": reading.language or (source.language if source else ""),
        "headline": reading.headline,
        "deck": reading.deck,
        "byline": reading.byline,
        "located": reading.located,
        "subjects": list(reading.subjects),
        "pictures": [picture.as_json() for picture in reading.pictures],
        "body": reading.body_html,
        "body_text": text_from_html(reading.body_html),
        "ed_note": reading.ed_note,
        "version_created": reading.version_created,
        "first_created": reading.first_created,
        "received_at": now,
        "file_name": file_name[:500],
    }


def store_readings(
    readings: Iterable[tuple[str, Reading]],
    *,
    source: WireSource | None = None,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> Iterator[Stored]:
    """Store (file name, reading) pairs in order, a batch per transaction; yield each result."""
    batch: list[tuple[str, Reading]] = []
    for pair in readings:
        batch.append(pair)
        if len(batch) >= batch_size:
            yield from _store_batch(batch, source, dry_run)
            batch = []
    if batch:
        yield from _store_batch(batch, source, dry_run)


def _store_batch(batch, source, dry_run) -> list[Stored]:
    uris = {reading.uri for _, reading in batch if reading.is_queued}
    with transaction.atomic():
        items = {
            item.uri: item
            for item in WireItem.objects.select_for_update().filter(uri__in=uris).order_by()
        }
        now = timezone.now()
        results, new_items, changed = [], {}, {}
        for file_name, reading in batch:
            if not reading.is_queued:
                results.append(Stored(reading, Outcome.SKIPPED, reading.skip_reason))
                continue
            values = item_values(reading, source, file_name, now)
            item = items.get(reading.uri)
            if item is None:
                item = items[reading.uri] = new_items[reading.uri] = WireItem(**values)
                results.append(Stored(reading, Outcome.NEW, item=item,
                                      body_text=values["body_text"]))  # fmt: skip
                continue
            outcome, reason = compare(reading, item)
            if outcome == Outcome.UNCHANGED:
                results.append(Stored(reading, outcome, reason, item=item))
                continue
            previous = WireItem(**{f.attname: getattr(item, f.attname) for f in item._meta.fields})
            for name, value in values.items():
                if name not in ("source", "format") or value is not None:
                    setattr(item, name, value)
            if reading.uri not in new_items:
                changed[reading.uri] = item
            results.append(Stored(reading, outcome, reason, item=item, previous=previous,
                                  body_text=values["body_text"]))  # fmt: skip
        if not dry_run:
            _write(list(new_items.values()), list(changed.values()), results)
    return results


def _write(new_items: list[WireItem], changed: list[WireItem], results: list[Stored]) -> None:
    WireItem.objects.bulk_create(new_items)
    fields = [
        f.name
        for f in WireItem._meta.concrete_fields
        if f.name not in ("id", "uri", "story", "used_version")
    ]
    WireItem.objects.bulk_update(changed, fields)
    # Every version stored, in arrival order (several of one item may come in one batch).
    WireItemVersion.objects.bulk_create(
        version_from(result)
        for result in results
        if result.outcome in (Outcome.NEW, Outcome.UPDATED)
    )


def version_from(result: Stored) -> WireItemVersion:
    reading = result.reading
    return WireItemVersion(
        item=result.item,
        version=reading.version or "",
        pub_status=reading.pub_status.value,
        urgency=reading.urgency,
        headline=reading.headline,
        body_text=result.body_text,
        ed_note=reading.ed_note,
        version_created=reading.version_created,
        received_at=result.item.received_at,
    )
