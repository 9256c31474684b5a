"""The three-way merge's rules, over plain snapshots (no database)."""

import pytest

from articles.editorial.merge import merge, merge_sequences

ORIGINAL = {
    "headline": "Flood toll rises",
    "slug": "flood-toll-rises",
    "deck": "",
    "byline": "By Staff",
    "body": "800,000 people were moved.\n\nRain continues.",
    "urgency": 5,
    "slugline": "monsoon-floods",
    "dateline": 1,
    "tags": ["Floods", "Monsoon"],
    "lead_picture": None,
    "lead_picture_caption": "",
}


def version(**changes):
    return {**ORIGINAL, **changes}


def test_a_field_only_one_side_changed_takes_that_sides_value():
    result = merge(ORIGINAL, version(headline="Mine"), version(byline="By A. Reporter"))

    assert not result.conflicts
    assert (result.values["headline"], result.values["byline"]) == ("Mine", "By A. Reporter")
    assert result.taken_from_theirs == ["byline"]


def test_edits_to_different_paragraphs_merge():
    theirs = version(body="80,000 people were moved.\n\nRain continues.")
    mine = version(body="800,000 people were moved.\n\nRain continues into Friday.")

    result = merge(ORIGINAL, mine, theirs)

    assert not result.conflicts
    assert result.values["body"] == "80,000 people were moved.\n\nRain continues into Friday."


def test_paragraphs_both_sides_added_at_the_same_place_are_both_kept_theirs_first():
    theirs = version(body=ORIGINAL["body"] + "\n\nTheirs.")
    mine = version(body=ORIGINAL["body"] + "\n\nMine.")

    result = merge(ORIGINAL, mine, theirs)

    assert not result.conflicts
    assert result.values["body"].endswith("Rain continues.\n\nTheirs.\n\nMine.")


def test_the_same_paragraph_changed_on_both_sides_is_a_conflict_decided_per_choice():
    theirs = version(body="80,000 people were moved.\n\nRain continues.")
    mine = version(body="900,000 people were moved.\n\nRain continues until Friday.")

    result = merge(ORIGINAL, mine, theirs)

    [conflict] = result.conflicts
    assert (conflict.original, conflict.mine, conflict.theirs) == (
        "800,000 people were moved.",
        "900,000 people were moved.",
        "80,000 people were moved.",
    )
    assert result.undecided({}) == [conflict]
    decided = result.resolved({conflict.id: ("theirs", "")})
    assert decided["body"] == "80,000 people were moved.\n\nRain continues until Friday."
    edited = result.resolved({conflict.id: ("edit", "Some 80,000 people were moved.")})
    assert edited["body"].startswith("Some 80,000 people were moved.\n\n")
    # While it is open, the form shows the editor's own text in its place.
    assert result.with_mine_in_conflicts()["body"] == mine["body"]


def test_tags_merge_as_sets():
    theirs = version(tags=["Monsoon"])  # removed Floods
    mine = version(tags=["Floods", "Monsoon", "Rescue"])  # added Rescue

    result = merge(ORIGINAL, mine, theirs)

    assert not result.conflicts
    assert result.values["tags"] == ["Monsoon", "Rescue"]


def test_both_sides_making_the_same_change_is_no_conflict():
    result = merge(ORIGINAL, version(deck="Same"), version(deck="Same"))

    assert not result.conflicts
    assert result.values["deck"] == "Same"


def test_an_unknown_start_makes_every_difference_a_conflict():
    result = merge(None, version(headline="Mine"), version())

    assert [conflict.field for conflict in result.conflicts] == ["headline"]
    assert not result.conflicts[0].original


def test_a_dateline_or_tags_conflict_is_chosen_not_written():
    result = merge(None, version(dateline=2), version(dateline=3))

    [conflict] = result.conflicts
    with pytest.raises(ValueError, match="chosen, not written"):
        conflict.value_of("edit", "Paris")


def test_the_signature_names_the_conflicts():
    one = merge(ORIGINAL, version(headline="A"), version(headline="B"))
    other = merge(ORIGINAL, version(headline="A"), version(headline="C"))

    assert one.signature == merge(ORIGINAL, version(headline="A"), version(headline="B")).signature
    assert one.signature != other.signature


def test_merge_sequences_reports_each_run():
    runs = list(merge_sequences(["a", "b", "c"], ["a", "B", "c"], ["a", "b", "c", "d"]))

    assert [kind for kind, *_ in runs] == ["same", "mine", "same", "theirs"]
