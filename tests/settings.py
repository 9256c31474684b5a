"""The project's settings, with only what the test run must change."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
# Pictures the tests upload go to folders of their own (the tests' servers read them too).
_TEST_MEDIA = Path(__file__).resolve().parent.parent / ".test-media"
os.environ.setdefault("MEDIA_ROOT", str(_TEST_MEDIA / "public"))
os.environ.setdefault("PICTURE_ORIGINALS_ROOT", str(_TEST_MEDIA / "originals"))

from newsroom.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
# Tests do not run collectstatic: no manifest of hashed names, and no STATIC_ROOT to serve.
STATIC_ROOT = None
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory, so that the tests' own gunicorn workers share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".test-db.sqlite3")}  # noqa: F405
