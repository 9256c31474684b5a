"""The one way a change of text is shown, to editors and to readers."""

import difflib
import sys
from contextlib import contextmanager

import pytest

from articles import diffs
from articles.diffs import paragraph_diff, word_diff


def test_changed_words_are_marked_with_spaces_outside_the_markup():
    assert word_diff("The army has been called in.", "The navy has been called in.") == (
        "The <del>army</del> <ins>navy</ins> has been called in."
    )


def test_a_replaced_word_reads_as_two_words_without_styles():
    diff = word_diff("Schools close for a week.", "Schools close for a month.")

    assert diff == "Schools close for a <del>week.</del> <ins>month.</ins>"
    assert "weekmonth" not in diff.replace("<del>", "").replace("</del>", "")


def test_a_rewritten_sentence_reads_as_one_deletion_and_one_insertion():
    diff = word_diff("Rains shut roads today.", "Floods shut roads on Monday.")

    assert diff == "<del>Rains shut roads today.</del> <ins>Floods shut roads on Monday.</ins>"


def test_only_a_deletion_or_only_an_insertion_has_no_extra_space():
    assert word_diff("One two three.", "One three.") == "One <del>two</del> three."
    assert word_diff("One three.", "One two three.") == "One <ins>two</ins> three."


def test_text_is_escaped():
    diff = word_diff("a <b> c", "a <i> c")

    assert "<b>" not in diff
    assert "<del>&lt;b&gt;</del> <ins>&lt;i&gt;</ins>" in diff


def test_line_breaks_are_kept_and_words_compared_inside_changed_paragraphs_only():
    before = "First para here.\n\nSecond para stays.\n\nThird one too."
    after = "First paragraph here.\n\nSecond para stays.\n\nThird one too."

    assert word_diff(before, after) == (
        "First <del>para</del> <ins>paragraph</ins> here.<br><br>"
        "Second para stays.<br><br>Third one too."
    )


def test_paragraphs_unchanged_are_folded_and_new_ones_inserted():
    before = "One.\n\nTwo.\n\nThree."
    after = "One.\n\nTwo.\n\nThree.\n\nFour <new>."

    assert paragraph_diff(before, after) == (
        '<p class="diff-same">3 unchanged paragraphs</p><p><ins>Four &lt;new&gt;.</ins></p>'
    )


@contextmanager
def sequence_matcher_steps():
    """Counts the lines difflib runs: the work of a diff, independent of the machine's speed."""
    steps = {"lines": 0}

    def local(frame, event, arg):
        if event == "line":
            steps["lines"] += 1
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename == difflib.__file__ else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        yield steps
    finally:
        sys.settrace(previous)


@pytest.mark.parametrize(
    ("diff", "before", "after", "expected"),
    [
        # The 32 KB body a reporter saved twice, one word added.
        (word_diff, "x " * 16000, "x " * 8000 + "flood " + "x " * 8000, "x <ins>flood</ins> x"),
        # A long story of one repeated word, with one correction.
        (
            paragraph_diff,
            "0 " * 6000,
            "0 " * 3000 + "1 " + "0 " * 2999,
            "0 <del>0</del> <ins>1</ins> 0",
        ),
    ],
)
def test_a_long_repeated_word_with_one_change_costs_next_to_nothing(diff, before, after, expected):
    with sequence_matcher_steps() as steps:
        html = diff(before, after)

    assert expected in html
    assert html.count("<del>") + html.count("<ins>") <= 2
    assert steps["lines"] < 1000


def test_a_change_past_the_work_limit_shows_as_replaced_without_comparing_words():
    before = "a " + "0 " * 6000
    after = "0 " * 6000 + "b"

    with sequence_matcher_steps() as steps:
        diff = paragraph_diff(before, after)

    assert diff.startswith("<p><del>a 0 0")
    assert diff.endswith("0 0</del> <ins>0 0 0" + " 0" * 5997 + " b</ins></p>")
    # Indexing the words once is all it costs: a few lines per word, nothing quadratic.
    assert steps["lines"] < 5 * 12_000


def test_thousands_of_identical_paragraphs_are_aligned_in_linear_time():
    before = "Same.\n\n" * 5000
    after = "Same.\n\n" * 2500 + "New.\n\n" + "Same.\n\n" * 2500

    with sequence_matcher_steps() as steps:
        diff = paragraph_diff(before, after)

    assert diff == (
        '<p class="diff-same">2500 unchanged paragraphs</p><p><ins>New.</ins></p>'
        '<p class="diff-same">2500 unchanged paragraphs</p>'
    )
    assert steps["lines"] < 1000


@pytest.mark.parametrize("diff", [word_diff, paragraph_diff])
def test_the_work_limit_holds_for_the_whole_diff_of_many_hostile_paragraphs(monkeypatch, diff):
    monkeypatch.setattr(diffs, "WORK_LIMIT", 50_000)
    # Each paragraph alternates two words in a different phase: as costly as it gets.
    before = "\n\n".join(f"p{n} " + "x " * 60 + f"end{n}" for n in range(40))
    after = "\n\n".join(f"q{n} " + "x y " * 30 + f"fin{n}" for n in range(40))

    with sequence_matcher_steps() as steps:
        html = diff(before, after)

    assert "<del>" in html
    assert "<ins>" in html
    # A handful of lines run per inner step of SequenceMatcher.
    assert steps["lines"] < 10 * 50_000


def test_ordinary_prose_is_diffed_word_by_word_whatever_its_length():
    paragraph = " ".join(f"word{n % 300} and the" for n in range(400))
    before = f"{paragraph} old ending."
    after = f"A new start {paragraph} new ending."

    diff = word_diff(before, after)

    assert diff.startswith("<ins>A new start</ins> word0 and the")
    assert diff.endswith("<del>old</del> <ins>new</ins> ending.")
