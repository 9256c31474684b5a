"""Agency pictures taken into the library and made a story's lead picture with their credit:
fetched from a real local agency server or beside the item's file, checked as uploads are,
bounded in where they may come from, and withdrawn by the agency's kill."""

import contextlib
import json
import shutil
import socket
import threading
import time

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from articles.desk.models import Notice
from articles.editorial.actions import publish_article, save_article
from articles.models import PageChange, Picture
from articles.pictures.files import PictureRefused
from articles.pictures.library import withdraw_picture
from articles.wires.ingest import ingest_documents, ingest_paths
from articles.wires.models import WireItem, WireSource
from articles.wires.pictures import is_public
from articles.wires.reading import read_wire_file
from articles.wires.use import add_item_picture, use_item
from tests.factories import UserFactory
from tests.pictures import images
from tests.site.servers import port
from tests.wires.helpers import AGENCY, SAMPLES, TT_PICTURE, agency_files, jpeg, ninjs, tt_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_server():
    with agency_files() as server:
        yield server


@pytest.fixture
def feed(db):
    """The agency's feed, pulled over HTTP from the same host as its pictures."""
    return WireSource.objects.create(name="Agency feed", kind="url", location=f"{AGENCY}/feed.json")


def ingest(data: bytes, source=None, name="f.json") -> WireItem:
    [result] = ingest_documents([(name, read_wire_file(name, data))], source=source)
    return WireItem.objects.get(uri=result.reading.uri)


def test_use_this_story_makes_the_agencys_picture_the_lead_with_its_credit(
    agency_server, feed, editor, media
):
    agency_server.routes = jpeg(hires=images.agency_jpeg(2400, 1600, credit="TT file credit"))

    story, problem = use_item(ingest(tt_item(), feed), by=editor)

    picture = story.lead_picture
    assert problem == ""
    assert picture.agency_uri == TT_PICTURE
    assert picture.credit == "Karl Melander/TT"  # the agency's word, before the file's
    assert picture.caption.startswith("En stor internationell försvarsövning planeras 2023")
    assert picture.alt_text == picture.caption[:300]
    assert (picture.width, picture.height) == (2400, 1600)
    assert agency_server.requested == ["/hires.jpg"]  # the narrowest file wide enough
    public, _ = media
    assert {r["width"] for r in picture.renditions} >= {320, 1600}
    assert all((public / r["name"]).exists() for r in picture.renditions)
    assert story.revisions.latest("number").lead_picture == picture  # a versioned field


def test_the_file_metadata_fills_what_the_agency_left_out(agency_server, feed, editor, media):
    agency_server.routes = jpeg(hires=images.agency_jpeg(copyright="© 2021 TT Nyhetsbyrån"))

    picture = use_item(ingest(tt_item(), feed), by=editor).story.lead_picture

    assert picture.copyright == "© 2021 TT Nyhetsbyrån"


def test_the_same_agency_picture_is_one_library_picture(agency_server, feed, editor, media):
    agency_server.routes = jpeg(hires=images.agency_jpeg())
    first = use_item(ingest(tt_item("urn:tt:1"), feed), by=editor).story
    second = use_item(ingest(tt_item("urn:tt:2"), feed), by=editor).story

    assert first.lead_picture == second.lead_picture
    assert Picture.objects.count() == 1
    assert agency_server.requested == ["/hires.jpg"]


def test_the_next_best_file_is_fetched_when_one_fails(agency_server, feed, editor, media):
    agency_server.routes = jpeg(preview=images.agency_jpeg(1024, 683))  # hires: 404

    picture = use_item(ingest(tt_item(), feed), by=editor).story.lead_picture

    assert agency_server.requested == ["/hires.jpg", "/preview.jpg"]
    assert picture.width == 1024


@override_settings(PICTURE_MAX_BYTES=5_000_000)
def test_files_declared_over_the_size_limit_are_not_fetched(agency_server, feed, editor, media):
    agency_server.routes = jpeg(preview=images.agency_jpeg(1024, 683))  # hires says 10 MB

    use_item(ingest(tt_item(), feed), by=editor)

    assert agency_server.requested == ["/preview.jpg"]


@pytest.mark.parametrize(
    ("routes", "reason"),
    [
        ({}, "the server answered 404"),
        (jpeg(hires=images.SVG_WITH_SCRIPT, preview=b"<html>", watermark=b"\xff\xd8\xff"),
         "SVG and other markup files are refused"),
        (jpeg(hires=images.bomb_png()), "pixels"),
    ],
)  # fmt: skip
def test_a_picture_that_cannot_be_taken_leaves_a_draft_without_it(
    agency_server, feed, editor, media, routes, reason
):
    agency_server.routes = routes

    story, problem = use_item(ingest(tt_item(), feed), by=editor)

    assert story.pk is not None
    assert story.lead_picture is None
    assert reason in problem
    assert Picture.objects.count() == 0
    assert not any(path.is_file() for folder in media for path in folder.rglob("*"))
    assert len(agency_server.requested) <= 3


@override_settings(PICTURE_MAX_BYTES=50_000)
def test_a_response_over_the_limit_is_refused_unread(agency_server, feed, editor, media):
    big = images.agency_jpeg(2400, 1600)
    agency_server.routes = {
        "/hires.jpg": (200, {"Content-Type": "image/jpeg"}, big),
        # Says nothing of its size: refused after the limit's bytes, never read whole.
        "/preview.jpg": (200, {"Content-Length": "", "Transfer-Encoding": ""}, big),
    }
    item = ingest(tt_item(), feed)
    item.pictures[0]["renditions"] = [
        {**r, "size": None} for r in item.pictures[0]["renditions"][:2]
    ]

    _, problem = use_item(item, by=editor)

    assert "over the limit of 50,000" in problem
    assert Picture.objects.count() == 0


def test_an_agency_address_may_not_reach_the_newsrooms_own_network(agency_server, editor, media):
    agency_server.routes = jpeg(hires=images.agency_jpeg())

    # No feed names this host: 127.0.0.1 is the newsroom's own machine.
    _, problem = use_item(ingest(tt_item()), by=editor)

    assert "cannot fetch from 127.0.0.1: it is not a public address" in problem
    assert agency_server.requested == []


def test_a_redirect_into_the_newsrooms_network_is_refused(agency_server, feed, editor, media):
    moved = (302, {"Location": "http://169.254.169.254/latest/meta-data/"}, b"")
    agency_server.routes = {"/hires.jpg": moved}

    _, problem = use_item(ingest(tt_item(preview="ftp://x/", watermark="", thumb=""), feed),
                          by=editor)  # fmt: skip

    assert "cannot fetch from 169.254.169.254: it is not a public address" in problem
    assert Picture.objects.count() == 0


def test_a_newsml_g2_picture_beside_its_item_in_the_agencys_folder(tmp_path, editor, media):
    shutil.copy(SAMPLES / "newsml-g2/LISTING_3_Photo_in_NewsML-G2.xml", tmp_path)
    (tmp_path / "GYI0062134533.jpg").write_bytes(images.agency_jpeg(1500, 1001, xmp=False))
    source = WireSource.objects.create(name="Getty", kind="folder", location=str(tmp_path))
    list(ingest_paths([str(tmp_path)], source=source))
    item = WireItem.objects.get(kind="picture")

    picture = add_item_picture(item, 0, by=editor)

    assert (picture.creator, picture.credit, picture.copyright) == (
        "Spencer Platt", "Spencer Platt/Getty Images", "Getty Images North America"
    )  # fmt: skip
    assert picture.agency_uri == "tag:gettyimages.com,2010:GYI0062134533"
    assert picture.caption.startswith("A general view of part of downtown")
    assert (picture.width, picture.height) == (1500, 1001)


def test_a_path_may_not_lead_outside_the_agencys_folder(tmp_path, editor, media):
    drop_box = tmp_path / "drop-box"
    drop_box.mkdir()
    (tmp_path / "secret.jpg").write_bytes(images.agency_jpeg())
    xml = (SAMPLES / "newsml-g2/LISTING_3_Photo_in_NewsML-G2.xml").read_text()
    for href in ("./GYI0062134533.jpg", "file:///./ GYI0062134533-web.jpg"):
        xml = xml.replace(f'href="{href}"', 'href="../secret.jpg"')
    (drop_box / "photo.xml").write_text(xml)
    source = WireSource.objects.create(name="Getty", kind="folder", location=str(drop_box))
    list(ingest_paths([str(drop_box)], source=source))

    with pytest.raises(PictureRefused, match="leads outside the agency's folder"):
        add_item_picture(WireItem.objects.get(), 0, by=editor)
    assert Picture.objects.count() == 0


def test_a_text_item_linking_to_a_picture_item_takes_that_items_files(
    agency_server, feed, editor, media
):
    agency_server.routes = jpeg(main=images.agency_jpeg(2400, 1600))
    photo = json.loads((SAMPLES / "ninjs/3.0-ap_image.json").read_text())
    photo["renditions"][0]["href"] = f"{AGENCY}/main.jpg"
    story_item = ninjs(associations=[{"type": "picture", "uri": photo["uri"]}])

    _, early = use_item(ingest(story_item, feed), by=editor)
    ingest(json.dumps(photo).encode(), feed)
    story, problem = use_item(ingest(ninjs(uri="urn:test:story-2", associations=[
        {"type": "picture", "uri": photo["uri"]}]), feed), by=editor)  # fmt: skip

    assert "has not arrived in the queue yet" in early
    assert problem == ""
    assert story.lead_picture.credit == "ASSOCIATED PRESS"
    assert agency_server.requested == ["/main.jpg"]


def test_a_picture_item_is_not_made_a_story(editor):
    item = ingest((SAMPLES / "ninjs/3.0-ap_image.json").read_bytes())

    with pytest.raises(Exception, match="This is a picture"):
        use_item(item, by=editor)


def test_a_withdrawn_library_picture_is_not_taken_again(agency_server, feed, editor, media):
    agency_server.routes = jpeg(hires=images.agency_jpeg())
    first = use_item(ingest(tt_item("urn:tt:1"), feed), by=editor).story
    withdraw_picture(first.lead_picture, reason="Rights expired")

    story, problem = use_item(ingest(tt_item("urn:tt:2"), feed), by=editor)

    assert story.lead_picture is None
    assert "withdrawn from the library (Rights expired)" in problem


def picture_item(status="usable", version="1") -> bytes:
    photo = json.loads((SAMPLES / "ninjs/3.0-ap_image.json").read_text())
    photo["renditions"][0]["href"] = f"{AGENCY}/main.jpg"
    photo.update(version=version, pubStatus=status, edNote="KILL. Wrong person identified.")
    return json.dumps(photo).encode()


def test_the_agencys_kill_of_a_picture_withdraws_it_from_every_page(
    agency_server, feed, editor, media, client, django_capture_on_commit_callbacks
):
    agency_server.routes = jpeg(main=images.agency_jpeg())
    picture = add_item_picture(ingest(picture_item(), feed), 0, by=editor)
    story = use_item(ingest(ninjs(), feed), by=editor).story
    story.lead_picture = picture
    save_article(story, by=editor)
    publish_article(story, by=editor)
    rendition = picture.renditions[0]["name"]
    assert rendition in client.get(story.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        ingest(picture_item("canceled", version="2"), feed)

    picture.refresh_from_db()
    assert picture.is_withdrawn
    assert picture.withdrawal_reason == (
        "This picture was withdrawn at the request of Agency feed. Wrong person identified."
    )
    assert rendition not in client.get(story.get_absolute_url()).content.decode()
    assert f"picture-{picture.pk}" in PageChange.objects.latest("seq").keys.split()
    notice = Notice.objects.get(kind=Notice.Kind.WIRE_KILL)
    assert (notice.recipient, notice.article) == (editor, story)


def test_a_withheld_picture_is_flagged_and_stays(agency_server, feed, editor, media):
    agency_server.routes = jpeg(main=images.agency_jpeg())
    picture = add_item_picture(ingest(picture_item(), feed), 0, by=editor)
    story = use_item(ingest(ninjs(), feed), by=editor).story
    story.lead_picture = picture
    save_article(story, by=editor)

    ingest(picture_item("withheld", version="2"), feed)

    picture.refresh_from_db()
    assert not picture.is_withdrawn
    assert Notice.objects.get(kind=Notice.Kind.WIRE_HELD).article == story


def test_a_kill_is_only_flagged_where_the_source_says_so(agency_server, feed, editor, media):
    agency_server.routes = jpeg(main=images.agency_jpeg())
    picture = add_item_picture(ingest(picture_item(), feed), 0, by=editor)
    WireSource.objects.filter(pk=feed.pk).update(withdraw_on_kill=False)
    feed.refresh_from_db()

    ingest(picture_item("canceled", version="2"), feed)

    picture.refresh_from_db()
    assert not picture.is_withdrawn


# The queue's item page


def test_the_item_page_lists_its_pictures_with_a_button_to_take_each(
    agency_server, feed, editor_client, media
):
    item = ingest(tt_item(), feed)

    page = editor_client.get(reverse("admin:wires_wireitem_change", args=[item.pk]))

    text = page.content.decode()
    assert "Pictures sent with it" in text
    assert "Karl Melander/TT" in text
    assert "4724\N{MULTIPLICATION SIGN}3149 image/jpeg" in text
    assert reverse("admin:wires_wireitem_add_picture", args=[item.pk, 0]) in text


def test_adding_a_picture_opens_it_in_the_library(agency_server, feed, editor_client, media):
    agency_server.routes = jpeg(main=images.agency_jpeg())
    item = ingest(picture_item(), feed)
    add = reverse("admin:wires_wireitem_add_picture", args=[item.pk, 0])

    response = editor_client.post(add)

    picture = Picture.objects.get()
    assert response.url == reverse("admin:articles_picture_change", args=[picture.pk])
    assert editor_client.get(add).status_code == 405
    page = editor_client.get(reverse("admin:wires_wireitem_change", args=[item.pk]))
    assert "In the picture library" in page.content.decode()


def test_a_refused_picture_is_told_on_the_item_page(agency_server, feed, editor_client, media):
    item = ingest(picture_item(), feed)  # the server has no file

    response = editor_client.post(
        reverse("admin:wires_wireitem_add_picture", args=[item.pk, 0]), follow=True
    )

    assert "could not be taken" in response.content.decode()
    assert Picture.objects.count() == 0


def test_use_this_story_says_why_the_picture_was_not_attached(
    agency_server, feed, editor_client, media
):
    item = ingest(tt_item(), feed)  # the server has no file

    response = editor_client.post(reverse("admin:wires_wireitem_use", args=[item.pk]), follow=True)

    assert "Its picture was not attached" in response.content.decode()
    assert WireItem.objects.get(pk=item.pk).story.lead_picture is None


def test_only_those_who_may_upload_take_agency_pictures(agency_server, feed, media):
    agency_server.routes = jpeg(main=images.agency_jpeg())
    item = ingest(picture_item(), feed)
    nobody = UserFactory(is_staff=True)  # in no group

    with pytest.raises(Exception, match="may not add pictures"):
        add_item_picture(item, 0, by=nobody)
    assert agency_server.requested == []


def test_a_picture_the_agency_killed_is_not_taken_from_a_text_item(
    agency_server, feed, editor, media
):
    agency_server.routes = jpeg(hires=images.agency_jpeg())
    killed = json.loads(picture_item("canceled"))
    killed["uri"] = TT_PICTURE
    ingest(json.dumps(killed).encode(), feed)

    story, problem = use_item(ingest(tt_item(), feed), by=editor)

    assert story.lead_picture is None
    assert problem == "The agency marked this picture canceled."
    assert agency_server.requested == []


def test_use_this_story_by_someone_who_may_not_upload_leaves_the_picture_out(
    agency_server, feed, media
):
    agency_server.routes = jpeg(hires=images.agency_jpeg())
    writer = UserFactory(is_staff=True)
    writer.user_permissions.add(Permission.objects.get(codename="add_article"))

    story, problem = use_item(ingest(tt_item(), feed), by=writer)

    assert story.lead_picture is None
    assert problem == "Your role may not add pictures to the library."
    assert agency_server.requested == []


# What the reviewers of agency files found: addresses, replies and timings an agency can send.


def test_a_file_whose_address_has_no_extension_is_named_by_its_type(
    agency_server, feed, editor, media
):
    """AP's files end in `/download`."""
    agency_server.routes = {
        "/media/download": (200, {"Content-Type": "image/png"}, images.plain("PNG", 1800, 1200))
    }
    photo = json.loads(picture_item())
    photo["renditions"][0].update(href=f"{AGENCY}/media/download", contentType="")

    picture = add_item_picture(ingest(json.dumps(photo).encode(), feed), 0, by=editor)

    assert picture.image.name.endswith(".png")
    assert picture.width == 1800


@pytest.mark.parametrize(
    ("href", "reason"),
    [
        ("http://1.1.1.1:abc/x.jpg", "cannot fetch"),
        ("http://[::1/x.jpg", "is not a valid address"),
        ("ftp://agency.example/x.jpg", "is not an http(s) address"),
    ],
)
def test_an_address_that_is_not_one_leaves_a_draft_without_the_picture(
    feed, editor, media, href, reason
):
    story, problem = use_item(ingest(tt_item(hires=href, preview=href, watermark=href), feed),
                              by=editor)  # fmt: skip

    assert story.pk is not None
    assert reason in problem


@pytest.fixture
def raw_server():
    """A server that answers each connection with `reply` (bytes, or a callable given the
    socket), for replies no HTTP server would send."""
    listener = socket.create_server(("127.0.0.1", port(71)))
    listener.settimeout(0.1)
    state = {"reply": b""}
    stopping = threading.Event()

    def serve():
        while not stopping.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection, contextlib.suppress(OSError):
                connection.recv(65536)
                reply = state["reply"]
                reply(connection) if callable(reply) else connection.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield state
    stopping.set()
    thread.join()
    listener.close()


def raw_feed() -> WireSource:
    location = f"http://127.0.0.1:{port(71)}/feed.json"
    return WireSource.objects.create(name="Odd agency", kind="url", location=location)


def test_a_reply_that_is_not_http_is_a_reason_not_an_error(raw_server, editor, media):
    raw_server["reply"] = b"HELLO\r\n\r\n"
    address = f"http://127.0.0.1:{port(71)}/x.jpg"

    story, problem = use_item(ingest(tt_item(hires=address), raw_feed()), by=editor)

    assert story.lead_picture is None
    assert "BadStatusLine" in problem


@override_settings(WIRE_FETCH_TIMEOUT_SECONDS=0.3)
def test_a_reply_sent_a_byte_at_a_time_is_given_up(raw_server, editor, media):
    def drip(connection):
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\n\r\n")
        for byte in images.agency_jpeg()[:40]:
            connection.sendall(bytes([byte]))
            time.sleep(0.1)

    raw_server["reply"] = drip
    address = f"http://127.0.0.1:{port(71)}/x.jpg"

    _, problem = use_item(ingest(tt_item(hires=address), raw_feed()), by=editor)

    assert "the reply took over 0.9 s" in problem  # each byte came well within the timeout


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "fd00::1", "::ffff:10.0.0.1",
     "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1"],
)  # fmt: skip
def test_private_addresses_however_written_are_not_public(address):
    assert not is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1"])
def test_public_addresses_are(address):
    assert is_public(address)


def test_a_picture_withheld_after_it_was_taken_is_not_taken_again(
    agency_server, feed, editor, media
):
    agency_server.routes = jpeg(main=images.agency_jpeg())
    first = add_item_picture(ingest(picture_item(), feed), 0, by=editor)
    ingest(picture_item("withheld", version="2"), feed)
    story_item = ninjs(associations=[{"type": "picture", "uri": json.loads(picture_item())["uri"]}])

    story, problem = use_item(ingest(story_item, feed), by=editor)

    assert story.lead_picture is None
    assert problem == "The agency marked this picture withheld."
    first.refresh_from_db()
    assert not first.is_withdrawn  # withheld: flagged, not withdrawn


def test_a_kill_arriving_as_the_pictures_first_item_withdraws_it(
    agency_server, feed, editor, media
):
    """The library took the picture from a text item's associations; the picture's own item
    first reaches the queue as a kill."""
    agency_server.routes = jpeg(hires=images.agency_jpeg())
    picture = use_item(ingest(tt_item(), feed), by=editor).story.lead_picture
    killed = json.loads(picture_item("canceled"))
    killed["uri"] = TT_PICTURE

    ingest(json.dumps(killed).encode(), feed)

    picture.refresh_from_db()
    assert picture.is_withdrawn


def test_a_picture_without_a_uri_is_named_by_its_file(agency_server, feed, editor, media):
    agency_server.routes = jpeg(hires=images.agency_jpeg())
    first = use_item(ingest(tt_item("urn:tt:1", picture_uri=""), feed), by=editor).story
    second = use_item(ingest(tt_item("urn:tt:2", picture_uri=""), feed), by=editor).story

    assert first.lead_picture == second.lead_picture
    assert first.lead_picture.agency_uri == f"file:{AGENCY}/hires.jpg"
    assert agency_server.requested == ["/hires.jpg"]


def test_alt_text_taken_from_a_caption_loses_what_alt_text_refuses(
    agency_server, feed, editor, media
):
    agency_server.routes = jpeg(hires=images.agency_jpeg())
    item = json.loads(tt_item())
    item["associations"][0]["descriptions"][0]["value"] = "Ami\u200cable \u2067crowd\u2069"

    picture = use_item(ingest(json.dumps(item).encode(), feed), by=editor).story.lead_picture

    assert picture.caption == "Ami\u200cable \u2067crowd\u2069"  # a caption keeps them
    assert picture.alt_text == "Amiable crowd"
    picture.full_clean()


def test_the_queues_picture_pages_are_for_those_who_may_read_the_queue(
    agency_server, feed, client, media
):
    item = ingest(picture_item(), feed)
    client.force_login(UserFactory(is_staff=True))  # staff, in no group

    response = client.post(reverse("admin:wires_wireitem_add_picture", args=[item.pk, 0]))

    assert response.status_code == 403
    assert agency_server.requested == []


@pytest.mark.django_db(transaction=True)
def test_a_kill_arriving_while_the_file_is_fetched_withdraws_it_once_stored(
    agency_server, feed, editor, media
):
    item = ingest(picture_item(), feed)

    def kill_then_answer():
        """The agency's kill reaches the queue while its server sends the file."""
        try:
            ingest(picture_item("canceled", version="2"), feed)
        finally:
            connection.close()  # the server thread's own
        return images.agency_jpeg()

    agency_server.routes = {"/main.jpg": (200, {"Content-Type": "image/jpeg"}, kill_then_answer)}

    with pytest.raises(PictureRefused, match="marked this picture canceled"):
        add_item_picture(item, 0, by=editor)
    assert Picture.objects.get().is_withdrawn


def test_a_picture_items_page_shows_its_caption_once(feed, editor_client):
    item = ingest(picture_item(), feed)

    page = editor_client.get(reverse("admin:wires_wireitem_change", args=[item.pk]))

    text = page.content.decode()
    assert "The agency\N{RIGHT SINGLE QUOTATION MARK}s picture" in text
    assert "wire-body-heading" not in text
    assert text.count("a man identified by Turkish media") == 2  # the picture, and its field
