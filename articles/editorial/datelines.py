"""A dateline the writer typed at the start of the body, removed where text enters.

The site prints a story's dateline before its first paragraph, so "BEIRUT — ..." typed into
the body of a story datelined Beirut would be printed twice. The rule itself is the pure
`articles.text.without_typed_dateline`; it is applied to the text every action writes,
whoever calls it, and to the importer's stories, never in the renderer, so the stored body is
what readers read and versions diff.
"""

from ..models import Dateline
from ..text import without_typed_dateline


def place_names(dateline: Dateline | None) -> list[str]:
    if dateline is None:
        return []
    return [dateline.city, dateline.region, dateline.country]


def without_own_dateline(values: dict) -> dict:
    """A version's values (`versions.instance_values`) with its body's typed dateline removed."""
    if not values.get("dateline"):
        return values
    body = without_typed_dateline(
        values["body"], place_names(Dateline.objects.filter(pk=values["dateline"]).first())
    )
    return values if body == values["body"] else {**values, "body": body}
