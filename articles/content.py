"""The one description of a story's versioned content: everything a version keeps.

A version covers what readers see of a story's text and placement. `FIELDS` lists it once;
the version store (`editorial/versions.py`), the three-way merge (`editorial/merge.py`), the
admin's form, preview, autosave and diff views, the importer and the public change history all
read their fields from here, so none of them can leave one out.

Adding a field readers see is one entry in `FIELDS` (and the column it names on `Article` and
on `Revision`, with their migration). A snapshot of a version is a plain dict keyed by field
name: text as text, the dateline by id, tags as a sorted list of names, as kept by a revision.
"""

from dataclasses import dataclass

from .models import Article, Revision


@dataclass(frozen=True)
class VersionedField:
    """One field of a story's versioned content, and how each place that keeps it spells it.

    `kind` is "text" (typed by the editor: autosaved, merged as text, diffed word by word),
    "place" (the dateline, kept by id) or "tags" (kept as names).
    """

    name: str
    label: str
    kind: str = "text"
    # Merged and compared paragraph by paragraph rather than as one value.
    by_paragraph: bool = False

    @property
    def is_text(self) -> bool:
        return self.kind == "text"

    @property
    def column(self) -> str:
        """The column of `Article` and `Revision` holding it (tags: see `columns()`)."""
        return "dateline_id" if self.kind == "place" else self.name

    @property
    def readable_name(self) -> str:
        """The key of the editor's reading of it in `readable()` and on a `Revision`."""
        return {"place": "dateline_text", "tags": "tag_text"}.get(self.kind, self.name)

    def of_object(self, obj):
        """Its value on a story or a revision."""
        if self.kind == "place":
            return obj.dateline_id
        if self.kind == "tags":
            if isinstance(obj, Revision):
                return obj.tag_names
            return sorted(tag.name for tag in obj.tags.all()) if obj.pk is not None else []
        return getattr(obj, self.name)

    def of_form(self, cleaned: dict):
        """Its value in a story form's cleaned data."""
        value = cleaned.get(self.name)
        if self.kind == "place":
            return value.pk if value else None
        if self.kind == "tags":
            return sorted(tag.name for tag in value or [])
        return value or ""


FIELDS = (
    VersionedField("headline", "Headline"),
    VersionedField("slug", "Slug"),
    VersionedField("deck", "Deck"),
    VersionedField("byline", "Byline"),
    VersionedField("body", "Body", by_paragraph=True),
    VersionedField("dateline", "Dateline", kind="place"),
    VersionedField("tags", "Tags", kind="tags"),
)

NAMES = tuple(field.name for field in FIELDS)
TEXT_NAMES = tuple(field.name for field in FIELDS if field.is_text)
LABELS = {field.name: field.label for field in FIELDS}
BY_NAME = {field.name: field for field in FIELDS}


def of_story(article: Article) -> dict:
    """The story's versioned content as stored (read afresh: an instance may be edited)."""
    stored = Article.objects.prefetch_related("tags").get(pk=article.pk)
    return {field.name: field.of_object(stored) for field in FIELDS}


def of_revision(revision: Revision) -> dict:
    return {field.name: field.of_object(revision) for field in FIELDS}


def of_instance(article: Article, tags=None) -> dict:
    """The values an editor set on an instance (and `tags`, Tag objects or names; by default
    the story's stored tags)."""
    values = {field.name: field.of_object(article) for field in FIELDS if field.kind != "tags"}
    if tags is None:
        tags = article.tags.all() if article.pk is not None else []
    values["tags"] = sorted(getattr(tag, "name", tag) for tag in tags)
    return values


def of_form(cleaned: dict) -> dict:
    return {field.name: field.of_form(cleaned) for field in FIELDS}


def columns(values: dict) -> dict:
    """A snapshot as the columns of a story or a revision (tags are not one of a story's)."""
    row = {field.column: values[field.name] for field in FIELDS if field.kind != "tags"}
    row["slug"] = row["slug"] or Article.slug_for(row["headline"])
    return row


def revision_columns(values: dict) -> dict:
    """A snapshot as a revision's columns: tag names, sorted, one a line."""
    return {**columns(values), "tags": "\n".join(values["tags"])}


def from_columns(row: dict, tags=()) -> dict:
    """A snapshot of the story columns a writer sets (the importer sets no byline or tags):
    a column it leaves out is empty."""
    values = {field.name: row.get(field.column) for field in FIELDS if field.kind != "tags"}
    values.update({name: values[name] or "" for name in TEXT_NAMES})
    return {**values, "tags": sorted(tags)}
