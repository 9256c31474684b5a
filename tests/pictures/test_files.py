"""Reading a picture file: what it says about itself, what is refused, and its renditions."""

import io

import pytest
from PIL import Image

from articles.pictures.files import (
    CROP_WIDTH,
    PictureRefused,
    inspect,
    make_renditions,
)
from tests.pictures import images

LIMITS = {"max_bytes": 30 * 1024 * 1024, "max_pixels": 60_000_000}


def inspected(data: bytes, name: str = "photo.jpg", content_type: str | None = "image/jpeg"):
    file = io.BytesIO(data)
    file.size = len(data)
    return inspect(file, name, content_type, **LIMITS)


def test_iptc_gives_caption_photographer_credit_and_copyright():
    metadata = inspected(images.agency_jpeg(xmp=False)).metadata

    assert metadata.caption == "Rescuers search the rubble in Antakya, Turkey, on Feb. 7, 2023."
    assert metadata.creator == "Jane Doe"
    assert metadata.credit == "Newsroom Wire/Jane Doe"
    assert metadata.copyright == "© 2023 Newsroom Wire"


def test_the_files_text_loses_what_the_librarys_fields_refuse():
    """Old software pads IPTC with NULs (PostgreSQL stores no NUL); an override reverses text."""
    jpeg = images.agency_jpeg(
        caption="Rescuers\x00 search \u202erubble, ami\u200cable",
        creator="Jane\u200b Doe\x00\x00",
        xmp=False,
    )

    metadata = inspected(jpeg).metadata

    assert metadata.caption == "Rescuers search rubble, ami\u200cable"
    assert metadata.creator == "Jane Doe"


def test_the_files_text_is_cut_to_what_the_library_holds():
    jpeg = images.agency_jpeg(caption="word " * 1000, credit="Agency " * 100, xmp=True)

    metadata = inspected(jpeg).metadata

    assert len(metadata.credit) == 200
    assert len(metadata.caption) == 2000


def test_xmp_is_read_when_the_file_has_no_iptc():
    data = images.agency_jpeg(caption="", xmp=False)
    assert inspected(data).metadata.caption == ""

    packet = images.XMP_PACKET.format(
        caption="Flood water in Sylhet", creator="A. Rahman", rights="© Agency", credit="Agency"
    )
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, "JPEG", xmp=packet.encode())
    metadata = inspected(buffer.getvalue()).metadata

    assert metadata.caption == "Flood water in Sylhet"
    assert metadata.creator == "A. Rahman"
    assert metadata.credit == "Agency"
    assert metadata.copyright == "© Agency"


def test_exif_description_and_artist_are_the_last_resort():
    exif = Image.Exif()
    exif[0x010E] = "Harbour at dawn"
    exif[0x013B] = "Kim Lee"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30)).save(buffer, "JPEG", exif=exif)

    metadata = inspected(buffer.getvalue()).metadata

    assert (metadata.caption, metadata.creator) == ("Harbour at dawn", "Kim Lee")


def test_renditions_are_webp_and_jpeg_at_each_width_and_three_crops():
    renditions = make_renditions(inspected(images.agency_jpeg(2400, 1600)))

    shaped = {(r.width, r.format) for r in renditions if not r.shape}
    assert shaped == {(w, f) for w in (320, 640, 1024, 1600) for f in ("WEBP", "JPEG")}
    crops = {r.shape: (r.width, r.height) for r in renditions if r.shape}
    assert crops == {"16x9": (CROP_WIDTH, 675), "4x3": (CROP_WIDTH, 900), "1x1": (1200, 1200)}
    for rendition in renditions:
        decoded = Image.open(io.BytesIO(rendition.content))
        assert decoded.format == rendition.format
        assert decoded.size == (rendition.width, rendition.height)


def test_no_rendition_keeps_any_metadata_of_the_original():
    data = images.agency_jpeg()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(images.GPS_IFD)

    for rendition in make_renditions(inspected(data)):
        decoded = Image.open(io.BytesIO(rendition.content))
        assert not decoded.getexif()
        assert not set(decoded.info) & {"exif", "xmp", "photoshop", "comment", "icc_profile"}
        assert b"Jane Doe" not in rendition.content
        assert b"Antakya" not in rendition.content


def test_orientation_is_applied_to_the_size_and_the_renditions():
    # Stored landscape, shot portrait: EXIF orientation 6 says "turn a quarter clockwise".
    picture = inspected(images.agency_jpeg(1200, 800, orientation=6))

    assert (picture.width, picture.height) == (800, 1200)
    widest = max((r for r in make_renditions(picture) if not r.shape), key=lambda r: r.width)
    assert (widest.width, widest.height) == (800, 1200)


@pytest.mark.parametrize(("format", "name"), [("JPEG", "photo.jpg"), ("PNG", "photo.png"),
                                             ("WEBP", "photo.webp")])  # fmt: skip
def test_colours_are_converted_to_srgb_by_the_files_own_profile(format, name):
    data = images.red_with_profile(format, images.swapped_primaries_profile())

    renditions = make_renditions(inspected(data, name, None))

    for rendition in renditions:
        with Image.open(io.BytesIO(rendition.content)) as picture:
            red, _, blue = picture.convert("RGB").getpixel((5, 5))
            assert blue > 180 > 60 > red, (rendition.width, rendition.format)
            assert "icc_profile" not in picture.info


def test_a_transparent_picture_keeps_its_transparency_through_the_conversion():
    data = images.red_with_profile("PNG", images.swapped_primaries_profile(), mode="RGBA")

    webp = make_renditions(inspected(data, "photo.png", None))[0]

    with Image.open(io.BytesIO(webp.content)) as picture:
        red, _, blue, alpha = picture.convert("RGBA").getpixel((5, 5))
        assert (blue > 180 > 60 > red, alpha) == (True, 255)


def test_a_profile_for_other_colours_than_the_files_keeps_its_numbers():
    buffer = io.BytesIO()
    Image.new("L", (800, 600), 200).save(
        buffer, "JPEG", icc_profile=images.swapped_primaries_profile()
    )

    [first, *_] = make_renditions(inspected(buffer.getvalue()))

    with Image.open(io.BytesIO(first.content)) as picture:
        assert abs(picture.convert("L").getpixel((5, 5)) - 200) < 5


def test_a_file_with_a_broken_profile_keeps_its_numbers():
    data = images.red_with_profile("JPEG", b"not a profile")

    [first, *_] = make_renditions(inspected(data))

    with Image.open(io.BytesIO(first.content)) as picture:
        red, _, blue = picture.convert("RGB").getpixel((5, 5))
        assert red > 180 > 60 > blue


def test_a_small_picture_is_never_enlarged():
    renditions = make_renditions(inspected(images.plain("PNG", 500, 300), "small.png", None))

    assert {r.width for r in renditions if not r.shape} == {320, 500}
    assert {r.width for r in renditions if r.shape} == {300, 400, 500}


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    picture = inspected(images.agency_jpeg(7728, 5152, xmp=False))  # 40 megapixels

    assert (picture.width, picture.height) == (7728, 5152)
    assert picture.image.size == (1932, 1288)  # an eighth of the pixels in memory


def test_transparent_png_gets_a_white_background_in_jpeg():
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")

    renditions = make_renditions(inspected(buffer.getvalue(), "logo.png", "image/png"))

    jpeg = next(r for r in renditions if r.format == "JPEG" and not r.shape)
    assert Image.open(io.BytesIO(jpeg.content)).getpixel((10, 10)) == (255, 255, 255)


REFUSALS = {
    "bomb": (images.bomb_png(), "huge.png", "image/png", "decompression bomb"),
    "svg": (images.SVG_WITH_SCRIPT, "logo.svg", "image/svg+xml", "SVG"),
    "svg named as png": (images.SVG_WITH_SCRIPT, "logo.png", "image/png", "SVG"),
    "png named as jpeg": (images.plain("PNG"), "photo.jpg", "image/jpeg", "its content is PNG"),
    "jpeg sent as png": (images.plain("JPEG"), "photo.jpg", "image/png", "its content is JPEG"),
    "html named as jpeg": (b"<p>hello</p>" * 20, "photo.jpg", "image/jpeg", "not a JPEG"),
    "not a picture": (b"MZ\x90\x00" * 100, "photo.jpg", "image/jpeg", "not a JPEG, PNG or WebP"),
    "gif": (images.plain("GIF"), "anim.gif", "image/gif", "not a JPEG, PNG or WebP"),
    "truncated": (images.agency_jpeg()[:30_000], "cut.jpg", "image/jpeg", "incomplete"),
    "unknown extension": (images.plain("PNG"), "photo.bmp", "image/png", "are not accepted"),
}


@pytest.mark.parametrize("case", REFUSALS)
def test_hostile_and_broken_files_are_refused_with_a_reason(case):
    data, name, content_type, reason = REFUSALS[case]

    with pytest.raises(PictureRefused, match=reason):
        inspected(data, name, content_type)


def test_a_picture_over_the_pixel_limit_is_refused_before_decoding():
    data = images.bomb_png(9000, 8000)  # 72 megapixels: under Pillow's own guard

    with pytest.raises(PictureRefused, match="9,000 by 8,000 pixels"):
        inspected(data, "big.png", "image/png")


def test_a_file_over_the_size_limit_is_refused_by_its_size():
    file = io.BytesIO(b"")
    file.size = LIMITS["max_bytes"] + 1

    with pytest.raises(PictureRefused, match="larger than 30 MB"):
        inspect(file, "photo.jpg", "image/jpeg", **LIMITS)
