"""The picture library in the admin: upload, metadata, bad input, where used, withdrawal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image

from articles.models import PageChange, Picture
from articles.pictures.library import withdraw_picture
from articles.pictures.uploads import RefusedUpload, SizeLimitUploadHandler
from tests.factories import ArticleFactory
from tests.pictures import images

pytestmark = pytest.mark.django_db

ADD = "/admin/articles/picture/add/"
CHANGELIST = "/admin/articles/picture/"
METADATA = "/admin/articles/picture/metadata/"


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def picture_form(data: bytes, name: str = "photo.jpg", content_type="image/jpeg", **fields):
    return {
        "image": upload(data, name, content_type),
        "alt_text": "Rescuers lift a slab of concrete",
        "caption": "",
        "creator": "",
        "credit": "",
        "copyright": "",
        **fields,
    }


def stored_files(media) -> list:
    return [path for folder in media for path in folder.rglob("*") if path.is_file()]


def test_an_upload_fills_caption_and_credit_from_the_file_and_makes_renditions(
    editor_client, editor, media
):
    response = editor_client.post(ADD, picture_form(images.agency_jpeg()))

    assert response.status_code == 302
    picture = Picture.objects.get()
    assert picture.caption == "Rescuers search the rubble in Antakya, Turkey, on Feb. 7, 2023."
    assert picture.credit == "Newsroom Wire/Jane Doe"
    assert picture.creator == "Jane Doe"
    assert picture.copyright == "© 2023 Newsroom Wire"
    assert (picture.width, picture.height, picture.uploaded_by) == (2400, 1600, editor)
    public, private = media
    renditions = sorted(path.name for path in (public / picture.folder).iterdir())
    assert len(renditions) == len(picture.renditions) == 11
    assert "w1600.webp" in renditions
    assert "16x9" + "1200.jpg" in renditions
    # The original, GPS and all, is kept privately only.
    assert [path.suffix for path in private.rglob("*.jpg")] == [".jpg"]
    for path in public.rglob("*"):
        if path.is_file():
            assert not Image.open(path).getexif()


def test_what_the_editor_typed_wins_over_the_file(editor_client, media):
    form = picture_form(images.agency_jpeg(), caption="Our own caption", credit="Staff")

    editor_client.post(ADD, form)

    picture = Picture.objects.get()
    assert (picture.caption, picture.credit) == ("Our own caption", "Staff")
    assert picture.creator == "Jane Doe"


def test_alt_text_is_required(editor_client, media):
    response = editor_client.post(ADD, picture_form(images.agency_jpeg(), alt_text=""))

    assert response.status_code == 200
    assert "This field is required" in str(response.context["adminform"].form.errors["alt_text"])
    assert not Picture.objects.exists()
    assert stored_files(media) == []


BAD_INPUT = {
    "decompression bomb": (images.bomb_png(), "huge.png", "image/png", "decompression bomb"),
    "svg with a script": (images.SVG_WITH_SCRIPT, "logo.svg", "image/svg+xml", "can carry scripts"),
    "content not the type claimed": (
        images.plain("PNG"),
        "photo.jpg",
        "image/jpeg",
        "named as a JPEG picture but its content is PNG",
    ),
    "truncated": (images.agency_jpeg()[:30_000], "cut.jpg", "image/jpeg", "damaged or incomplete"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_files_are_refused_in_the_form_and_nothing_is_stored(editor_client, media, case):
    data, name, content_type, message = BAD_INPUT[case]

    response = editor_client.post(ADD, picture_form(data, name, content_type))

    assert response.status_code == 200
    assert escape(message) in str(response.context["adminform"].form.errors["image"])
    assert escape(message) in response.content.decode()
    assert Picture.objects.count() == 0
    assert stored_files(media) == []


def test_an_upload_over_the_size_limit_is_refused_as_it_arrives(editor_client, media, settings):
    settings.PICTURE_MAX_BYTES = 100_000
    data = images.agency_jpeg(3000, 2000)
    assert len(data) > 100_000

    response = editor_client.post(ADD, picture_form(data))

    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["image"])
    assert "The file is larger than 0.0954 MB, the most a picture may be." in errors
    # The form got a stand-in, not the file: nothing of it was kept past the limit.
    assert isinstance(response.wsgi_request.FILES["image"], RefusedUpload)
    assert Picture.objects.count() == 0
    assert stored_files(media) == []


def test_the_form_reads_metadata_as_soon_as_a_file_is_chosen(editor_client, media):
    response = editor_client.post(METADATA, {"image": upload(images.agency_jpeg())})

    assert response.json() == {
        "caption": "Rescuers search the rubble in Antakya, Turkey, on Feb. 7, 2023.",
        "creator": "Jane Doe",
        "credit": "Newsroom Wire/Jane Doe",
        "copyright": "© 2023 Newsroom Wire",
        "width": 2400,
        "height": 1600,
    }
    assert stored_files(media) == []


def test_the_metadata_reader_refuses_what_the_form_would(editor_client, media):
    response = editor_client.post(
        METADATA, {"image": upload(images.SVG_WITH_SCRIPT, "x.svg", "image/svg+xml")}
    )

    assert response.status_code == 400
    assert "can carry scripts" in response.json()["error"]


def test_the_metadata_reader_is_for_those_who_may_upload(client, media):
    response = client.post(METADATA, {"image": upload(images.agency_jpeg())})

    assert response.status_code == 302  # to the login page


def test_the_library_searches_filters_and_says_where_each_picture_is_used(editor_client, media):
    editor_client.post(ADD, picture_form(images.agency_jpeg()))
    editor_client.post(
        ADD, picture_form(images.plain("PNG"), "chart.png", "image/png", credit="Staff graphic")
    )
    used = Picture.objects.get(credit="Newsroom Wire/Jane Doe")
    story = ArticleFactory(headline="Quake toll rises", lead_picture=used)

    found = editor_client.get(CHANGELIST, {"q": "Staff graphic"})
    usable = editor_client.get(CHANGELIST, {"rights": "usable"})
    change = editor_client.get(f"{CHANGELIST}{used.pk}/change/")

    assert [p.credit for p in found.context["cl"].result_list] == ["Staff graphic"]
    assert len(usable.context["cl"].result_list) == 2
    assert story.headline in change.content.decode()
    assert f"/admin/articles/article/{story.pk}/change/" in change.content.decode()


def test_editing_a_caption_drops_every_page_showing_the_picture(editor_client, media):
    editor_client.post(ADD, picture_form(images.agency_jpeg()))
    picture = Picture.objects.get()
    before = PageChange.objects.count()

    editor_client.post(
        f"{CHANGELIST}{picture.pk}/change/",
        {
            "alt_text": "New alt",
            "caption": "New caption",
            "creator": "",
            "credit": "C",
            "copyright": "",
        },
    )

    picture.refresh_from_db()
    assert (picture.alt_text, picture.caption) == ("New alt", "New caption")
    assert f"picture-{picture.pk}" in PageChange.objects.order_by("seq")[before].keys.split()


def test_withdrawal_deletes_the_renditions_and_drops_the_pages(
    editor_client, media, django_capture_on_commit_callbacks
):
    editor_client.post(ADD, picture_form(images.agency_jpeg()))
    picture = Picture.objects.get()
    story = ArticleFactory(published=True, lead_picture=picture)
    public, private = media

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            CHANGELIST, {"action": "withdraw_selected", "_selected_action": [picture.pk]}
        )

    assert response.status_code == 302
    picture.refresh_from_db()
    assert picture.is_withdrawn
    assert not any((public / picture.folder).iterdir())
    assert list(private.rglob("*.jpg"))  # the original stays, privately
    assert f"picture-{picture.pk}" in PageChange.objects.latest("seq").keys.split()
    story.refresh_from_db()
    assert story.lead_picture == picture  # the story keeps its link, and its versions


def test_pictures_are_withdrawn_not_deleted(editor_client, media):
    editor_client.post(ADD, picture_form(images.agency_jpeg()))
    picture = Picture.objects.get()

    response = editor_client.get(f"{CHANGELIST}{picture.pk}/delete/")

    assert response.status_code == 403


def test_the_size_limit_counts_the_bytes_when_the_request_does_not_say(media, settings):
    settings.PICTURE_MAX_BYTES = 1000
    handler = SizeLimitUploadHandler()
    handler.new_file("image", "photo.jpg", "image/jpeg", None)

    passed_on = [
        handler.receive_data_chunk(b"x" * 600, 0),
        handler.receive_data_chunk(b"x" * 600, 600),
    ]

    assert passed_on == [b"x" * 600, None]
    refused = handler.file_complete(1200)
    assert isinstance(refused, RefusedUpload)
    assert refused.size > 1000


def test_the_story_form_offers_usable_pictures_by_caption(editor_client, media):
    editor_client.post(ADD, picture_form(images.agency_jpeg()))
    editor_client.post(ADD, picture_form(images.agency_jpeg(caption="Antakya at night")))
    withdrawn = Picture.objects.get(caption="Antakya at night")
    withdraw_picture(withdrawn)

    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "term": "Antakya",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "lead_picture",
        },
    )

    [offered] = response.json()["results"]
    assert offered["text"].startswith("Rescuers search the rubble in Antakya")
