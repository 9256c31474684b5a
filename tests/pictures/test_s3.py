"""Pictures on an S3-compatible bucket: a real server (moto's server mode) that the test starts.

The editor uploads through the admin in this process, configured from the environment as
production is; the site is served by gunicorn workers configured the same way. Renditions must
be in the bucket and linked from the pages; a withdrawal must delete them and leave no page, on
any worker, still showing the picture.
"""

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from articles.models import Picture
from articles.pictures.library import withdraw_picture
from newsroom import settings as project_settings
from tests.factories import ArticleFactory
from tests.helpers import use_picture_storages
from tests.pictures import images
from tests.site.servers import Gunicorn, MotoS3, fetch, fetch_file, port

pytestmark = pytest.mark.django_db(transaction=True)

BUCKET = "newsroom-pictures"
PUBLIC_RENDITIONS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadersGetRenditions",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::{BUCKET}/pictures/*",
        }
    ],
}
ROUNDS = 6  # each page this many times, on new connections, so that every worker answers


@pytest.fixture(scope="module")
def s3(django_db_setup):
    server = MotoS3(port(150))
    client = server.client()
    client.create_bucket(Bucket=BUCKET)
    # As docs/pictures.md tells operators: renditions readable by all, originals by nobody.
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_RENDITIONS))
    yield server
    server.stop()


@pytest.fixture
def bucket_storages(s3, settings, monkeypatch):
    """The storages the settings build from the environment, pointing at the test's server."""
    for name, value in s3.environment(BUCKET).items():
        monkeypatch.setenv(name, value)
    configured = project_settings.picture_storages(BUCKET)
    use_picture_storages(settings, configured["default"], configured["picture_originals"])


@pytest.fixture
def site(s3, bucket_storages):
    server = Gunicorn(port(151), workers=3, **s3.environment(BUCKET))
    yield server
    server.stop()


def bucket_names(s3, prefix: str) -> list[str]:
    listed = s3.client().list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def upload(editor_client) -> Picture:
    photo = SimpleUploadedFile("quake.jpg", images.agency_jpeg(), content_type="image/jpeg")
    response = editor_client.post(
        "/admin/articles/picture/add/",
        {"image": photo, "alt_text": "Rescuers lift a slab of concrete"},
    )
    assert response.status_code == 302
    return Picture.objects.get()


def test_renditions_go_to_the_bucket_and_the_original_stays_private(
    editor_client, s3, bucket_storages
):
    picture = upload(editor_client)

    renditions = bucket_names(s3, f"pictures/{picture.folder}/")
    assert len(renditions) == len(picture.renditions) == 11
    [original] = bucket_names(s3, "originals/")
    assert original == f"originals/{picture.image.name}"
    assert fetch_file(f"{s3.url}/{BUCKET}/{original}")[0] == 403
    for key in renditions:
        body = s3.client().get_object(Bucket=BUCKET, Key=key)["Body"].read()
        assert not Image.open(io.BytesIO(body)).getexif()  # no GPS, no camera, nothing


def test_pages_link_the_bucket_and_a_withdrawal_leaves_no_stale_page(
    editor_client, s3, site, django_capture_on_commit_callbacks
):
    picture = upload(editor_client)
    story = ArticleFactory(published=True, headline="Quake toll rises", lead_picture=picture)
    pages = [
        story.get_absolute_url(),
        "/",
        f"/api/ninjs/stories/{story.pk}/",
        "/api/ninjs/latest/",
        "/feeds/latest.rss",
        "/feeds/latest.atom",
    ]
    status, headers, body = fetch(site.url + story.get_absolute_url())
    assert status == 200
    linked = sorted(set(re.findall(rf"{re.escape(s3.url)}/{BUCKET}/pictures/[^\s\"',]+", body)))
    assert len(linked) == 11  # the srcsets (fallback among them), the crops of JSON-LD and cards
    for url in linked:
        assert fetch_file(url)[0] == 200  # readers fetch them from the bucket itself
    assert s3.url in headers["Content-Security-Policy"]
    for url in pages:
        assert picture.folder in fetch(site.url + url)[2], url

    with django_capture_on_commit_callbacks(execute=True):
        withdraw_picture(picture, reason="The agency withdrew it.")

    stale = [
        url for _ in range(ROUNDS) for url in pages if picture.folder in fetch(site.url + url)[2]
    ]
    assert stale == []
    assert bucket_names(s3, f"pictures/{picture.folder}/") == []
    assert all(fetch_file(url)[0] == 404 for url in linked)
