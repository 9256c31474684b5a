"""Readable diffs of a story's text as escaped HTML with <del> and <ins>.

One way of showing a change, for editors comparing versions in the admin and for readers
reading a story's public change history.

Any text may come in (a reporter can save 32 KB of "x x x ..."), so every diff is computed in
bounded time and memory: paragraphs are aligned first and words are compared only inside the
paragraphs that changed; text common to the start and the end is matched in one pass; and what
is left is compared by `difflib.SequenceMatcher`, whose every step is counted against
`WORK_LIMIT` for the whole diff. Past that, the rest of the change shows as replaced: still
correct, only coarser.
"""

import difflib
import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .content import FIELDS
from .models import split_paragraphs

_WORDS = re.compile(r"\S+\s*|\s+")

# Steps of SequenceMatcher one diff may take: room for long paragraphs of ordinary prose, and
# about a tenth of a second (on a shared 2-core machine) for the most repetitive input.
WORK_LIMIT = 2_000_000


class _OverBudget(Exception):
    pass


class _Budget:
    """What is left of `WORK_LIMIT` for one diff, shared by all its paragraphs."""

    def __init__(self):
        self.remaining = WORK_LIMIT

    def spend(self, steps: int) -> None:
        self.remaining -= steps
        if self.remaining < 0:
            raise _OverBudget


class _BoundedMatcher(difflib.SequenceMatcher):
    """SequenceMatcher (autojunk off, so no common word is ignored) that stops past a budget.

    Each search for the longest match visits, for every item of its slice of `a`, the
    positions of that item in `b`: that count is charged before the search runs.
    """

    def __init__(self, a, b, budget: _Budget):
        self.budget = budget
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        ahi = len(self.a) if ahi is None else ahi
        positions = self.b2j
        self.budget.spend(
            ahi - alo + sum(len(positions.get(self.a[i], ())) for i in range(alo, ahi))
        )
        return super().find_longest_match(alo, ahi, blo, bhi)


def _opcodes(old: Sequence[str], new: Sequence[str], budget: _Budget) -> list[tuple]:
    """`SequenceMatcher.get_opcodes()` of two sequences, in bounded work.

    The common start and end are matched in linear time; the middle is compared while the
    budget lasts, and is otherwise one replacement.
    """
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old, end_new = end_old - 1, end_new - 1

    codes = [("equal", 0, start, 0, start)] if start else []
    codes += _compare(old[start:end_old], new[start:end_new], start, budget)
    if end_old < len(old):
        codes.append(("equal", end_old, len(old), end_new, len(new)))
    return codes


def _compare(old: Sequence[str], new: Sequence[str], offset: int, budget: _Budget) -> list:
    """Opcodes of two sequences that differ at both ends, offset to their place in the whole."""
    if not old and not new:
        return []
    # One item against one item that differs has nothing to match inside.
    if old and new and len(old) + len(new) > 2:
        try:
            budget.spend(len(old) + len(new))  # SequenceMatcher's index of `new`
            matcher = _BoundedMatcher(old, new, budget)
            return [
                (op, i1 + offset, i2 + offset, j1 + offset, j2 + offset)
                for op, i1, i2, j1, j2 in matcher.get_opcodes()
            ]
        except _OverBudget:
            pass
    op = "replace" if old and new else "delete" if old else "insert"
    return [(op, offset, offset + len(old), offset, offset + len(new))]


def _paragraphs(text: str) -> list[list[str]]:
    """The text's words (each with the space after it), grouped by paragraph."""
    paragraphs = [[]]
    for token in _WORDS.findall(text):
        paragraphs[-1].append(token)
        if token.count("\n") >= 2:
            paragraphs.append([])
    return [paragraph for paragraph in paragraphs if paragraph]


def _word_changes(before: str, after: str, budget: _Budget) -> list[tuple[str, list, list]]:
    """(op, old words, new words): paragraphs aligned first, then words in changed ones."""
    old, new = _paragraphs(before or ""), _paragraphs(after or "")
    changes = []
    for op, a1, a2, b1, b2 in _opcodes(
        ["".join(p) for p in old], ["".join(p) for p in new], budget
    ):
        old_words = [word for paragraph in old[a1:a2] for word in paragraph]
        new_words = [word for paragraph in new[b1:b2] for word in paragraph]
        if op == "equal":
            changes.append((op, old_words, new_words))
            continue
        for word_op, i1, i2, j1, j2 in _opcodes(old_words, new_words, budget):
            changes.append((word_op, old_words[i1:i2], new_words[j1:j2]))
    return changes


def _word_diff(before: str, after: str, budget: _Budget) -> SafeString:
    changes = _word_changes(before, after, budget)
    # A run of one or two unchanged words between two changes is folded into the change, so
    # a rewritten sentence reads as one deletion and one insertion, not as confetti.
    chunks = []  # [equal?, old words, new words]
    for index, (op, removed, added) in enumerate(changes):
        between_changes = (
            0 < index < len(changes) - 1
            and changes[index - 1][0] != "equal"
            and changes[index + 1][0] != "equal"
        )
        equal = op == "equal" and not (between_changes and len(removed) < 3)
        if chunks and not equal and not chunks[-1][0]:
            chunks[-1][1] += removed
            chunks[-1][2] += added
        else:
            chunks.append([equal, list(removed), list(added)])

    def html(text):
        return escape(text).replace("\n", "<br>")

    parts = []
    for equal, removed, added in chunks:
        if equal:
            parts.append(html("".join(removed)))
            continue
        # The space after a changed run stays outside the markup: "<del>army</del> has".
        old_text, new_text = "".join(removed), "".join(added)
        last = new_text if added else old_text
        changed = []
        if old_text.strip():
            changed.append(f"<del>{html(old_text.rstrip())}</del>")
        if new_text.strip():
            changed.append(f"<ins>{html(new_text.rstrip())}</ins>")
        # A space between the two, so that read as text (a screen reader, a copy, a feed
        # reader without styles) "week" replaced by "month" is not "weekmonth".
        parts.append(" ".join(changed))
        parts.append(html(last[len(last.rstrip()) :]))
    # Every piece was escaped above.
    return mark_safe("".join(parts))


def word_diff(before: str, after: str) -> SafeString:
    """Word-level diff of two texts as escaped HTML with <del> and <ins>; line breaks kept."""
    return _word_diff(before, after, _Budget())


def paragraph_diff(old: str, new: str) -> SafeString:
    """Paragraph by paragraph: changed ones word by word, unchanged runs folded to a line."""
    old_paras, new_paras = split_paragraphs(old or ""), split_paragraphs(new or "")
    budget = _Budget()
    out = []
    for op, a1, a2, b1, b2 in _opcodes(old_paras, new_paras, budget):
        if op == "equal":
            count = a2 - a1
            noun = "paragraph" if count == 1 else "paragraphs"
            out.append(f'<p class="diff-same">{count} unchanged {noun}</p>')
        elif op == "replace":
            olds, news = old_paras[a1:a2], new_paras[b1:b2]
            for index in range(max(len(olds), len(news))):
                before = olds[index] if index < len(olds) else ""
                after = news[index] if index < len(news) else ""
                out.append(f"<p>{_word_diff(before, after, budget)}</p>")
        elif op == "delete":
            out.extend(f"<p><del>{escape(p)}</del></p>" for p in old_paras[a1:a2])
        else:
            out.extend(f"<p><ins>{escape(p)}</ins></p>" for p in new_paras[b1:b2])
    # Every piece was escaped above.
    return mark_safe("".join(out))


# Everything a version covers (`articles.content`), as an editor reads it.
TEXT_FIELDS = [(field.readable_name, field.label) for field in FIELDS]


def field_diffs(before, after) -> list[dict]:
    """Every versioned field of two versions (revisions or dicts), with their diffs."""

    def get(source, name):
        if source is None:
            return ""
        return source[name] if isinstance(source, dict) else getattr(source, name)

    return [
        {
            "label": label,
            "changed": get(before, name) != get(after, name),
            "diff": word_diff(get(before, name), get(after, name)),
        }
        for name, label in TEXT_FIELDS
    ]
