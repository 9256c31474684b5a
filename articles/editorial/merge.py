"""Three-way merge of a save made from an out-of-date form.

The editor started from version *original*; meanwhile the story moved on to *theirs*; the
form holds *mine*. Per field: a field only one side changed takes that side's value; in the
body, paragraphs are merged the same way, so edits to different paragraphs both survive;
tags merge as sets (added on either side stays added, removed on either side stays removed).
Where both sides changed the same field or paragraph differently, the result is a conflict
the editor decides; nothing is saved until every conflict has a decision.

Pure Python over plain values (the snapshots described in `articles.content`), so the rules
are tested without a database.
"""

import difflib
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..content import BY_NAME, FIELDS, LABELS
from ..models import split_paragraphs

# A conflict can be settled by taking one side, or (for text) by writing a new version.
CHOICES = ("mine", "theirs", "original", "edit")


@dataclass(frozen=True)
class Conflict:
    """One field, or one run of body paragraphs, that both sides changed differently."""

    id: str
    field: str
    original: object
    mine: object
    theirs: object

    @property
    def label(self) -> str:
        if BY_NAME[self.field].by_paragraph:
            where = self.id.removeprefix(f"{self.field}-")
            return f"{LABELS[self.field]}, paragraphs in conflict ({where})"
        return LABELS[self.field]

    @property
    def is_text(self) -> bool:
        return BY_NAME[self.field].is_text

    def value_of(self, choice: str, edited: str = ""):
        if choice == "edit":
            if not self.is_text:
                raise ValueError(f"{self.field} is chosen, not written.")
            return edited
        return {"mine": self.mine, "theirs": self.theirs, "original": self.original}[choice]


@dataclass
class MergeResult:
    """The merged values, with a placeholder for each conflict until it is decided."""

    values: dict
    conflicts: list[Conflict] = field(default_factory=list)
    # The body as a list of pieces: settled text, or the Conflict standing in its place.
    body_pieces: list = field(default_factory=list)
    taken_from_theirs: list[str] = field(default_factory=list)

    @property
    def signature(self) -> str:
        """Names this exact set of conflicts, so decisions made on one screen are never
        applied to a different set (the story moved again, or the editor rewrote the text)."""
        text = repr([(c.id, c.original, c.mine, c.theirs) for c in self.conflicts])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def undecided(self, decisions: Mapping[str, tuple[str, str]]) -> list[Conflict]:
        return [c for c in self.conflicts if decisions.get(c.id, ("", ""))[0] not in CHOICES]

    def resolved(self, decisions: Mapping[str, tuple[str, str]]) -> dict:
        """The values to save, given a (choice, edited text) for every conflict."""
        chosen = {c.id: c.value_of(*decisions[c.id]) for c in self.conflicts}
        values = dict(self.values)
        for conflict in self.conflicts:
            if conflict.field != "body":
                values[conflict.field] = chosen[conflict.id]
        if self.body_pieces:
            values["body"] = join_body(
                chosen[piece.id] if isinstance(piece, Conflict) else piece
                for piece in self.body_pieces
            )
        return values

    def with_mine_in_conflicts(self) -> dict:
        """What the form shows while conflicts are open: merged, with the editor's own text
        where it conflicts, so nothing the editor wrote disappears from the screen."""
        return self.resolved({c.id: ("mine", "") for c in self.conflicts})


def join_body(pieces) -> str:
    return "\n\n".join(piece for piece in pieces if piece)


def merge(original: Mapping | None, mine: Mapping, theirs: Mapping) -> MergeResult:
    """Merge `mine` into `theirs` against `original` (None: the start is unknown, so every
    difference between the two sides is a conflict)."""
    result = MergeResult(values={})
    for versioned in FIELDS:
        name = versioned.name
        base = original[name] if original is not None else None
        ours, other = mine[name], theirs[name]
        if versioned.kind == "tags":
            result.values[name] = _merge_sets(base, ours, other, result)
        elif versioned.by_paragraph and original is not None:
            result.values[name] = _merge_body(name, base, ours, other, result)
        elif _same(name, ours, other) or (original is not None and _same(name, ours, base)):
            result.values[name] = other
            if original is not None and not _same(name, other, base):
                result.taken_from_theirs.append(name)
        elif original is not None and _same(name, other, base):
            result.values[name] = ours
        else:
            result.conflicts.append(Conflict(name, name, base, ours, other))
            result.values[name] = other
    return result


def _same(name: str, a, b) -> bool:
    if BY_NAME[name].by_paragraph:
        return split_paragraphs(a or "") == split_paragraphs(b or "")
    return a == b


def _merge_sets(base, mine: Sequence[str], theirs: Sequence[str], result: MergeResult):
    if base is None:
        if set(mine) != set(theirs):
            result.conflicts.append(Conflict("tags", "tags", None, list(mine), list(theirs)))
        return list(theirs)
    base, ours, other = set(base), set(mine), set(theirs)
    if other != base:
        result.taken_from_theirs.append("tags")
    merged = (base | (ours - base) | (other - base)) - (base - ours) - (base - other)
    return sorted(merged)


def _merge_body(name: str, base: str, mine: str, theirs: str, result: MergeResult) -> str:
    pieces = []
    took_theirs = False
    for kind, original, ours, other in merge_sequences(
        split_paragraphs(base), split_paragraphs(mine), split_paragraphs(theirs)
    ):
        if kind == "conflict":
            position = sum(isinstance(piece, Conflict) for piece in pieces) + 1
            conflict = Conflict(
                f"{name}-{position}", name, *map(join_body, (original, ours, other))
            )
            pieces.append(conflict)
            result.conflicts.append(conflict)
        else:
            took_theirs = took_theirs or kind == "theirs"
            pieces.extend(ours)
    if took_theirs:
        result.taken_from_theirs.append(name)
    result.body_pieces = pieces
    return join_body(p.theirs if isinstance(p, Conflict) else p for p in pieces)


def merge_sequences(base: Sequence[str], mine: Sequence[str], theirs: Sequence[str]):
    """diff3 over paragraphs: yields (kind, original, mine, theirs) runs in order.

    kind is "same" (both sides agree, changed or not), "mine" or "theirs" (only that side
    changed the run; its text is given as `mine` either way) or "conflict". Two sides
    that only inserted new paragraphs at the same place do not conflict: theirs come first
    (readers may have seen them), then mine.
    """
    ia = ib = iz = 0
    for z1, z2, a1, a2, b1, b2 in _sync_regions(base, mine, theirs):
        original, ours, other = base[iz:z1], mine[ia:a1], theirs[ib:b1]
        if ours or other or original:
            if ours == other:
                yield "same", original, list(ours), list(other)
            elif ours == original:
                yield "theirs", original, list(other), list(other)
            elif other == original:
                yield "mine", original, list(ours), list(other)
            elif not original:
                yield "theirs", original, [*other, *ours], list(other)
            elif len(original) == len(ours) == len(other) > 1:
                # Neighbouring paragraphs edited in place, one by each side: pair them up
                # rather than let one change of each make a conflict of the whole run.
                for paragraph in zip(original, ours, other, strict=True):
                    yield from merge_sequences(*([text] for text in paragraph))
            else:
                yield "conflict", list(original), list(ours), list(other)
        if z2 > z1:
            yield "same", base[z1:z2], list(base[z1:z2]), list(base[z1:z2])
        iz, ia, ib = z2, a2, b2


def _sync_regions(base, mine, theirs):
    """Runs of the original that both sides kept unchanged, as index ranges in all three."""

    def blocks(other):
        return difflib.SequenceMatcher(None, base, other, autojunk=False).get_matching_blocks()

    mine_blocks, theirs_blocks = blocks(mine), blocks(theirs)
    i = j = 0
    while i < len(mine_blocks) and j < len(theirs_blocks):
        a_base, a_at, a_len = mine_blocks[i]
        b_base, b_at, b_len = theirs_blocks[j]
        start, end = max(a_base, b_base), min(a_base + a_len, b_base + b_len)
        if start < end:
            a = a_at + start - a_base
            b = b_at + start - b_base
            yield start, end, a, a + end - start, b, b + end - start
        if a_base + a_len < b_base + b_len:
            i += 1
        else:
            j += 1
    yield len(base), len(base), len(mine), len(mine), len(theirs), len(theirs)
