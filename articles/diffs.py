"""Readable diffs of a story's text as escaped HTML with <del> and <ins>.

One way of showing a change, for editors comparing versions in the admin and for readers
reading a story's public change history.
"""

import difflib
import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import split_paragraphs

_WORDS = re.compile(r"\S+\s*|\s+")


def word_diff(before: str, after: str) -> SafeString:
    """Word-level diff of two texts as escaped HTML with <del> and <ins>.

    A run of one or two unchanged words between two changes is folded into the change, so
    a rewritten sentence reads as one deletion and one insertion, not as confetti.
    """
    old, new = _WORDS.findall(before or ""), _WORDS.findall(after or "")
    chunks = []  # [equal?, old tokens, new tokens]
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        inner = 0 < index < len(opcodes) - 1
        equal = op == "equal" and not (inner and i2 - i1 < 3)
        if chunks and not equal and not chunks[-1][0]:
            chunks[-1][1] += old[i1:i2]
            chunks[-1][2] += new[j1:j2]
        else:
            chunks.append([equal, old[i1:i2], new[j1:j2]])

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
        if old_text.strip():
            parts.append(f"<del>{html(old_text.rstrip())}</del>")
        if new_text.strip():
            parts.append(f"<ins>{html(new_text.rstrip())}</ins>")
        parts.append(html(last[len(last.rstrip()) :]))
    # Every piece was escaped above.
    return mark_safe("".join(parts))


def paragraph_diff(old: str, new: str) -> SafeString:
    """Paragraph by paragraph: changed ones word by word, unchanged runs folded to a line."""
    old_paras, new_paras = split_paragraphs(old or ""), split_paragraphs(new or "")
    out = []
    matcher = difflib.SequenceMatcher(a=old_paras, b=new_paras, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            count = a2 - a1
            noun = "paragraph" if count == 1 else "paragraphs"
            out.append(f'<p class="diff-same">{count} unchanged {noun}</p>')
        elif op == "replace":
            olds, news = old_paras[a1:a2], new_paras[b1:b2]
            for index in range(max(len(olds), len(news))):
                out.append(
                    "<p>"
                    + word_diff(
                        olds[index] if index < len(olds) else "",
                        news[index] if index < len(news) else "",
                    )
                    + "</p>"
                )
        elif op == "delete":
            out.extend(f"<p><del>{escape(p)}</del></p>" for p in old_paras[a1:a2])
        else:
            out.extend(f"<p><ins>{escape(p)}</ins></p>" for p in new_paras[b1:b2])
    # Every piece was escaped above.
    return mark_safe("".join(out))


# Everything a version covers (articles.editorial.versions), as an editor reads it.
TEXT_FIELDS = [
    ("headline", "Headline"),
    ("slug", "Slug"),
    ("deck", "Deck"),
    ("byline", "Byline"),
    ("body", "Body"),
    ("dateline_text", "Dateline"),
    ("tag_text", "Tags"),
]


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
