"""An editor's picture in headless Chromium: uploaded with its embedded caption and credit,
given alt text, made a story's lead picture and published; then read at a phone's and a
laptop's width, and found in the card, JSON-LD and ninjs that machines read."""

import json

import pytest
from playwright.sync_api import expect

from articles.models import Article, Picture
from tests.helpers import DESKTOP, PHONE, member_of
from tests.pictures import images

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CAPTION = "Rescuers search the rubble in Antakya, Turkey, on Feb. 7, 2023."
CREDIT = "Newsroom Wire/Jane Doe"
ALT = "Two rescuers in orange helmets lift a slab of concrete"


def choose(page, field_id, typed, option):
    """Pick a value in one of the admin's autocomplete (select2) boxes."""
    page.locator(f"#{field_id} + .select2 .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).click()


def log_in(page, base):
    editor = member_of("Editors", "picture-editor")
    editor.set_password("correct horse battery staple")
    editor.save()
    page.goto(f"{base}/admin/")
    page.get_by_label("Username").fill("picture-editor")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Log in").click()


def test_an_editor_uploads_a_picture_and_readers_see_it_everywhere(
    browser, page, live_server, media, artefacts_dir
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, live_server.url)

    # The upload: caption and credit come from the file's IPTC as soon as it is chosen.
    page.goto(f"{live_server.url}/admin/articles/picture/add/")
    page.locator("#id_image").set_input_files(
        {"name": "AP23038.jpg", "mimeType": "image/jpeg", "buffer": images.agency_jpeg()}
    )
    expect(page.locator("#id_caption")).to_have_value(CAPTION)
    expect(page.locator("#id_credit")).to_have_value(CREDIT)
    expect(page.locator("#id_creator")).to_have_value("Jane Doe")
    expect(page.locator(".picture-metadata-status")).to_contain_text("2400 by 1600 pixels")
    page.screenshot(path=f"{artefacts_dir}/admin-picture-upload.png", full_page=True)

    # Alt text is required: the browser asks for it before sending, and the file stays chosen.
    page.get_by_role("button", name="Save", exact=True).click()
    alt_text = page.locator("#id_alt_text")
    assert alt_text.evaluate("field => field.validity.valueMissing")
    assert alt_text.evaluate("field => field === document.activeElement")
    assert page.locator("#id_image").evaluate("input => input.files.length") == 1
    assert Picture.objects.count() == 0
    page.get_by_label("Alt text").fill(ALT)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    picture = Picture.objects.get()
    assert (picture.caption, picture.credit, picture.alt_text) == (CAPTION, CREDIT, ALT)

    # The story: the picture chosen from the library, then published.
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Quake survivors pulled from rubble")
    page.get_by_label("Body").fill("Rescuers worked through the night.\n\nMore were found.")
    choose(page, "id_lead_picture", "Antakya", "Rescuers search the rubble")
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".messagelist")).to_contain_text("is published")
    story = Article.objects.get()
    assert story.lead_picture == picture
    assert story.lead_picture_caption == CAPTION

    # Readers: the responsive picture at a phone's and a laptop's width.
    for name, viewport, width in (("phone", PHONE, 640), ("desktop", DESKTOP, 1024)):
        context = browser.new_context(viewport=viewport)
        reader = context.new_page()
        reader.goto(live_server.url + story.get_absolute_url())
        image = reader.locator(".story-picture img")
        expect(image).to_have_attribute("alt", ALT)
        image.evaluate("img => img.decode()")
        chosen = image.evaluate("img => [img.currentSrc, img.naturalWidth, img.clientWidth]")
        assert chosen[0].endswith(f"/w{width}.webp"), chosen  # the narrowest that fills it
        # Loaded (srcset gives the slot's width as its natural one), and no wider than the page.
        assert chosen[1] == chosen[2]
        assert 0 < chosen[2] <= viewport["width"]
        expect(reader.locator(".story-picture figcaption")).to_contain_text(CREDIT)
        reader.screenshot(path=f"{artefacts_dir}/story-picture-{name}.png", full_page=True)
        context.close()

    # Machines: Open Graph, Twitter, JSON-LD and ninjs, each parsed.
    reader = browser.new_page()
    reader.goto(live_server.url + story.get_absolute_url())

    def meta(attribute, name):
        return reader.locator(f'meta[{attribute}="{name}"]').get_attribute("content")

    share = meta("property", "og:image")
    assert share.startswith(live_server.url)
    assert share.endswith("/16x91200.jpg")
    assert (meta("property", "og:image:width"), meta("property", "og:image:height")) == (
        "1200",
        "675",
    )
    assert meta("property", "og:image:alt") == ALT
    assert meta("name", "twitter:card") == "summary_large_image"
    assert meta("name", "twitter:image") == share
    json_ld = json.loads(reader.locator('script[type="application/ld+json"]').text_content())
    assert [(i["width"], i["height"]) for i in json_ld["image"]] == [
        (1200, 1200),
        (1200, 900),
        (1200, 675),
    ]
    assert {i["creditText"] for i in json_ld["image"]} == {CREDIT}
    assert reader.request.get(share).status == 200
    ninjs = reader.request.get(f"{live_server.url}/api/ninjs/stories/{story.pk}/").json()
    [association] = ninjs["associations"]
    assert association["type"] == "picture"
    assert {d["role"]: d["value"] for d in association["descriptions"]}["caption"] == CAPTION
    for rendition in association["renditions"]:
        assert reader.request.get(rendition["href"]).status == 200
    reader.close()
    assert not [e for e in errors if "Content Security Policy" in e], errors
