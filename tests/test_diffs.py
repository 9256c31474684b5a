"""The one way a change of text is shown, to editors and to readers."""

from articles.diffs import paragraph_diff, word_diff


def test_changed_words_are_marked_with_spaces_outside_the_markup():
    assert word_diff("The army has been called in.", "The navy has been called in.") == (
        "The <del>army</del><ins>navy</ins> has been called in."
    )


def test_a_rewritten_sentence_reads_as_one_deletion_and_one_insertion():
    diff = word_diff("Rains shut roads today.", "Floods shut roads on Monday.")

    assert diff == "<del>Rains shut roads today.</del><ins>Floods shut roads on Monday.</ins>"


def test_text_is_escaped():
    diff = word_diff("a <b> c", "a <i> c")

    assert "<b>" not in diff
    assert "<del>&lt;b&gt;</del><ins>&lt;i&gt;</ins>" in diff


def test_paragraphs_unchanged_are_folded_and_new_ones_inserted():
    before = "One.\n\nTwo.\n\nThree."
    after = "One.\n\nTwo.\n\nThree.\n\nFour <new>."

    assert paragraph_diff(before, after) == (
        '<p class="diff-same">3 unchanged paragraphs</p><p><ins>Four &lt;new&gt;.</ins></p>'
    )
