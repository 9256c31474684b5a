"""Agency pictures as the parsers read them: items of their own and a text item's pictures."""

import json

import pytest

from articles.wires.reading import MAX_PICTURES, Kind, Rendition, read_wire_file
from tests.wires.helpers import SAMPLES, ninjs


def read(name):
    [reading] = read_wire_file(name, (SAMPLES / name).read_bytes())
    return reading


def test_an_ap_picture_item_is_queued_with_its_caption_credit_and_files():
    reading = read("ninjs/3.0-ap_image.json")

    assert reading.is_queued
    assert reading.kind == Kind.PICTURE
    assert reading.headline == "Turkey Islamic State"
    [picture] = reading.pictures
    assert picture.uri == reading.uri
    assert picture.credit == "ASSOCIATED PRESS"
    assert picture.caption.startswith("FILE - In this Monday, Nov. 11, 2019 file photo")
    assert reading.deck == picture.caption
    assert [(r.width, r.height, r.content_type) for r in picture.renditions] == [
        (3000, 2208, "image/jpeg"),
        (512, 377, "image/jpeg"),
        (125, 92, "image/jpeg"),
        (None, None, "text/xml"),
    ]
    assert picture.renditions[0].size == 4764958


def test_a_newsml_g2_picture_item_is_queued_with_photographer_and_credit():
    reading = read("newsml-g2/LISTING_3_Photo_in_NewsML-G2.xml")

    assert reading.kind == Kind.PICTURE
    assert reading.uri == "tag:gettyimages.com,2010:GYI0062134533"
    assert reading.version == "11"
    assert reading.agency == "Getty Images Inc."
    [picture] = reading.pictures
    assert picture.creator == "Spencer Platt"
    assert picture.credit == "Spencer Platt/Getty Images"
    assert picture.copyright == "Getty Images North America"
    assert picture.caption.startswith("A general view of part of downtown, including Las Vegas")
    assert picture.renditions[0] == Rendition(
        href="./GYI0062134533.jpg", content_type="image/jpeg", width=1500, height=1001,
        size=346071,
    )  # fmt: skip
    assert len(picture.renditions) == 3


def test_a_text_item_carries_the_pictures_of_its_associations():
    reading = read("ninjs/3.0-tt_text_image_3.json")

    assert reading.kind == Kind.TEXT
    [picture] = reading.pictures
    assert picture.uri == "http://tt.se/media/image/sdlk2sirkPaauM"
    assert picture.credit == "Karl Melander/TT"
    assert picture.caption.startswith("En stor internationell försvarsövning planeras 2023")
    assert [r.width for r in picture.renditions] == [4724, 1024, 1024, 256]


def test_ninjs_1_associations_are_an_object_of_items_by_name():
    data = ninjs(
        associations={
            "main": {
                "type": "picture",
                "uri": "urn:pic:1",
                "byline": "Ann Lee",
                "description_text": "Firefighters at the harbour.",
                "renditions": {
                    "baseImage": {"href": "https://cdn.example/1.jpg", "mimetype": "image/jpeg",
                                  "width": "2000", "height": "1333"},
                },
            },
            "related": {"type": "text", "uri": "urn:text:2"},
        }
    )  # fmt: skip

    [reading] = read_wire_file("item.json", data)

    [picture] = reading.pictures
    assert (picture.uri, picture.creator, picture.caption) == (
        "urn:pic:1", "Ann Lee", "Firefighters at the harbour."
    )  # fmt: skip
    assert picture.renditions == (
        Rendition("https://cdn.example/1.jpg", "image/jpeg", 2000, 1333, None),
    )


def test_a_newsml_g2_text_item_names_its_pictures_by_links():
    xml = (SAMPLES / "newsml-g2/LISTING_2_NewsML-G2_Text_Document.xml").read_text()
    link = '<link rel="irel:seeAlso" residref="tag:pix:1" contenttype="image/jpeg"/>'
    text_link = '<link rel="irel:seeAlso" residref="tag:text:2" contenttype="text/plain"/>'
    xml = xml.replace("</itemMeta>", f"{link}{text_link}</itemMeta>", 1)

    [reading] = read_wire_file("item.xml", xml.encode())

    assert [(p.uri, p.renditions) for p in reading.pictures] == [("tag:pix:1", ())]


@pytest.mark.parametrize(
    "associations",
    [
        "not a list",
        [None, 3, "x", {"type": "picture"}],
        [{"type": "picture", "uri": "urn:p", "renditions": "nope"}],
        [{"type": "picture", "uri": "urn:p", "renditions": [{"href": 7}, {"width": -3}]}],
    ],
)
def test_odd_associations_give_no_picture_or_no_files_never_an_error(associations):
    [reading] = read_wire_file("item.json", ninjs(associations=associations))

    assert reading.is_queued
    assert all(picture.renditions == () for picture in reading.pictures)


def test_dimensions_that_are_not_positive_numbers_are_unknown():
    rendition = {"href": "https://cdn.example/1.jpg", "width": True, "height": -5,
                 "sizeInBytes": "12x"}  # fmt: skip
    data = ninjs(associations=[{"type": "picture", "uri": "urn:p", "renditions": [rendition]}])

    [reading] = read_wire_file("item.json", data)

    assert reading.pictures[0].renditions == (Rendition("https://cdn.example/1.jpg"),)


def test_a_text_item_keeps_a_bounded_number_of_pictures():
    many = [{"type": "picture", "uri": f"urn:p:{n}"} for n in range(MAX_PICTURES * 5)]

    [reading] = read_wire_file("item.json", ninjs(associations=many))

    assert len(reading.pictures) == MAX_PICTURES


def test_a_picture_without_a_headline_is_named_by_its_caption():
    item = json.loads((SAMPLES / "ninjs/3.0-ap_image.json").read_text())
    del item["headlines"], item["title"]

    [reading] = read_wire_file("item.json", json.dumps(item).encode())

    assert reading.headline.startswith("FILE - In this Monday")


def test_the_pictures_figure_is_not_part_of_the_text():
    reading = read("ninjs/3.0-tt_text_image_3.json")

    assert "Karl Melander/TT" not in reading.body_html
    assert "Arkivbild" not in reading.body_html
    assert "Aurora 20 skulle omfatta" in reading.body_html


@pytest.mark.parametrize("odd", ["\u00b2", "1" * 1000, "-5", "1e3", 10**40, 0])
def test_a_number_that_is_no_size_is_unknown(odd):
    rendition = {"href": "https://cdn.example/1.jpg", "width": odd, "sizeInBytes": odd}
    data = ninjs(associations=[{"type": "picture", "uri": "urn:p", "renditions": [rendition]}])

    [reading] = read_wire_file("item.json", data)

    assert reading.pictures[0].renditions == (Rendition("https://cdn.example/1.jpg"),)


@pytest.mark.parametrize("version", ["\u00b2", "9" * 30])
def test_a_version_that_is_no_number_is_kept_as_text_and_not_ordered_by(version):
    [reading] = read_wire_file("item.json", ninjs(version=version, urgency="\u00b2"))

    assert reading.version == version[:40]
    assert reading.version_number is None
    assert reading.urgency is None
