"""Newsroom settings: one module, read from the environment.

Every variable is documented in `.env.example`. The defaults are the safe production ones
(DEBUG off, HTTPS only, a required SECRET_KEY); the embedded default database is an SQLite
file in the project folder so that a new user needs no server at all.
"""

import os
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from articles.importer.format import DEFAULT_TIME_ZONES
from articles.importer.sources import (
    DEFAULT_MAX_ARCHIVE_BYTES,
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MEMORY_BUDGET_BYTES,
)

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    value = env_str(name).lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Comma-separated IP networks in CIDR form ("10.0.0.0/8", "2001:db8::/32", "192.0.2.7")."""
    networks = env_list(name)
    for network in networks:
        try:
            ip_network(network, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be IP networks such as 10.0.0.0/8, separated by commas; "
                f"{network!r} is not one."
            ) from None
    return networks


def env_mapping(name: str) -> dict[str, str]:
    """`KEY=value,KEY=value` pairs."""
    pairs = [item.partition("=") for item in env_list(name)]
    if any(not key.strip() or not value.strip() for key, _, value in pairs):
        raise ImproperlyConfigured(f"{name} must be KEY=value pairs separated by commas.")
    return {key.strip(): value.strip() for key, _, value in pairs}


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string (see .env.example), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_filters",
    "csp",
    "axes",
    "articles",
    "articles.wires",
]

MIDDLEWARE = [
    # First, so that it sees every response as it leaves, Content-Length set.
    "newsroom.middleware.HeadWithoutBodyMiddleware",
    "newsroom.middleware.ErrorsNotKeptMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "newsroom.nul_bytes.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before what an anonymous reader's page does not need: a kept page is served from here.
    "articles.site.caching.KeptPagesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a refusal.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.site.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file by default; PostgreSQL (psycopg 3) in production via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DATABASE_POOL", False):
        # psycopg's pool replaces Django's persistent connections; the two do not mix.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 2),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 10),
        }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; IMMEDIATE avoids "database is locked"
    # when a read transaction later tries to write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer must cost a page little: it is skipped, not waited on.
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Admin logins are throttled by django-axes: after 5 failed attempts for one username from one
# address, that username is refused (HTTP 429) from it for an hour; after 20 from one address
# whatever the usernames, every login from it is. A successful login resets that username's count.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "newsroom.login_throttling.PerAddressLimitHandler"
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURE_LIMIT_PER_ADDRESS = 20
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A refused attempt is answered at once (429) and not counted: the hour runs from the lockout,
# and the per-address limit (checked before each attempt) refuses like the per-username one.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "newsroom.proxies.client_ip"
# The networks of the load balancers in front of the app: only a request from one of them has
# its X-Forwarded-For believed (see newsroom/proxies.py). Default: none, so the client is the
# connection's address.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# The newsroom's zone: readers see times in it (Asia/Kolkata shows as IST); instants are UTC.
TIME_ZONE = env_str("NEWSROOM_TIME_ZONE", "Asia/Kolkata")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Pictures: the renditions readers get are in "default" (public); the uploaded originals, which
# keep the photographer's metadata (GPS too), in "picture_originals", never served. Local folders
# by default; an S3-compatible bucket when PICTURE_BUCKET is set (credentials from the usual
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, read by boto3). The bucket's policy must make the
# "pictures/" prefix readable by all and "originals/" by nobody (docs/pictures.md).
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
PICTURE_ORIGINALS_ROOT = Path(env_str("PICTURE_ORIGINALS_ROOT") or BASE_DIR / "picture-originals")
PICTURE_BUCKET = env_str("PICTURE_BUCKET")


def picture_storages(bucket: str) -> dict:
    """The two picture storages on an S3-compatible bucket, from the environment."""
    bucket_options = {
        "bucket_name": bucket,
        "endpoint_url": env_str("PICTURE_S3_ENDPOINT_URL") or None,
        "region_name": env_str("PICTURE_S3_REGION") or None,
        "custom_domain": env_str("PICTURE_S3_CUSTOM_DOMAIN") or None,
        "addressing_style": env_str("PICTURE_S3_ADDRESSING_STYLE") or None,
        "file_overwrite": False,
    }
    backend = "storages.backends.s3.S3Storage"
    return {
        "default": {
            "BACKEND": backend,
            "OPTIONS": {**bucket_options, "location": "pictures", "querystring_auth": False},
        },
        "picture_originals": {
            "BACKEND": backend,
            "OPTIONS": {**bucket_options, "location": "originals", "custom_domain": None},
        },
    }


def picture_origin(bucket: str) -> str:
    """Where readers' browsers fetch the renditions from, for the Content-Security-Policy."""
    if domain := env_str("PICTURE_S3_CUSTOM_DOMAIN"):
        return f"https://{domain.split('/')[0]}"
    if endpoint := env_str("PICTURE_S3_ENDPOINT_URL"):
        parts = urlsplit(endpoint)
        return f"{parts.scheme}://{parts.netloc}"
    return f"https://{bucket}.s3.amazonaws.com"


STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    },
    "picture_originals": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PICTURE_ORIGINALS_ROOT, "base_url": None},
    },
    **(picture_storages(PICTURE_BUCKET) if PICTURE_BUCKET else {}),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads: a file larger than this is refused as it arrives, before it is read whole; a picture
# declaring more pixels than this is refused before it is decoded (the memory an upload may take
# follows from it: docs/pictures.md).
PICTURE_MAX_BYTES = env_int("PICTURE_MAX_BYTES", 30 * 1024 * 1024)
PICTURE_MAX_PIXELS = env_int("PICTURE_MAX_PIXELS", 60_000_000)
FILE_UPLOAD_HANDLERS = [
    "articles.pictures.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# HTTPS and browser protections. A TLS-terminating load balancer must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# No inline script anywhere: the policy allows only the site's own files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:", *([picture_origin(PICTURE_BUCKET)] if PICTURE_BUCKET else [])],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Legacy archive import (manage.py import_legacy). Zone abbreviations the old site printed,
# mapped to IANA zones; an abbreviation not listed rejects the file rather than guessing.
LEGACY_DUMP_TIME_ZONES = {**DEFAULT_TIME_ZONES, **env_mapping("LEGACY_DUMP_TIME_ZONES")}
LEGACY_IMPORT_MAX_FILE_BYTES = env_int("LEGACY_IMPORT_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES)
LEGACY_IMPORT_MAX_ARCHIVE_BYTES = env_int(
    "LEGACY_IMPORT_MAX_ARCHIVE_BYTES", DEFAULT_MAX_ARCHIVE_BYTES
)
# Bytes of dumps the import holds at once (being parsed, waiting to be stored), whatever the
# size and number of files; the processes' own baseline comes on top (docs/legacy-import.md).
LEGACY_IMPORT_MEMORY_BUDGET_BYTES = env_int(
    "LEGACY_IMPORT_MEMORY_BUDGET_BYTES", DEFAULT_MEMORY_BUDGET_BYTES
)

# The public site.
# Absolute links in feeds, sitemaps, JSON-LD and canonical tags start with SITE_URL when it is
# set ("https://news.example.org"); otherwise they are built from the request's host.
SITE_URL = env_str("SITE_URL").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "Newsroom")
# Cities the style book lets stand alone in a dateline ("BEIRUT —" rather than "BEIRUT, Lebanon —").
DATELINE_STANDALONE_CITIES = env_list(
    "DATELINE_STANDALONE_CITIES",
    "Beirut,Jerusalem,London,Paris,Tokyo,Singapore,Hong Kong,Geneva,Washington,New York",
)
# How long the site keeps public pages (seconds), and shared caches too when a purger tells them
# what to drop. A save or a withdrawal shows on the next request whatever these are: every app
# server checks the database's record of changes before it serves a kept page.
CACHE_LIST_SECONDS = env_int("CACHE_LIST_SECONDS", 60)
CACHE_STORY_SECONDS = env_int("CACHE_STORY_SECONDS", 300)
# How long a reader's browser keeps a page before it revalidates (with the ETag).
CACHE_BROWSER_SECONDS = env_int("CACHE_BROWSER_SECONDS", 0)
# Pages each worker keeps in memory (0: none), and whether Redis keeps them for all workers.
PAGE_CACHE_LOCAL_PAGES = env_int("PAGE_CACHE_LOCAL_PAGES", 500)
PAGE_CACHE_SHARED = bool(REDIS_URL)
# Seconds a worker serves without Redis after Redis failed to answer, before it tries again.
PAGE_CACHE_RETRY_SECONDS = 2
# Shared caches in front (Varnish): the purger class told of every change, and its addresses.
VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS")
PAGE_PURGER = env_str("PAGE_PURGER", "articles.purge.VarnishPurger" if VARNISH_PURGE_URLS else "")
# A page rendered just before a commit may reach Varnish just after its purge: purge again.
PAGE_PURGE_REPEAT_SECONDS = 2
# A cache node that missed purges is tried again after 1 s, then twice as long each time, up to
# this, until it has had every one (articles/purge.py).
PAGE_PURGE_RETRY_MAX_SECONDS = 60
# The wire desk. A story of urgency 1 or 2 is labelled "Breaking" this long after it is published;
# "Developing" goes by itself once the story has been quiet this long.
NEWSROOM_BREAKING_SECONDS = env_int("NEWSROOM_BREAKING_SECONDS", 6 * 3600)
NEWSROOM_DEVELOPING_QUIET_SECONDS = env_int("NEWSROOM_DEVELOPING_QUIET_SECONDS", 3 * 3600)

# E-mail for the desk's notices, with Django's own setting names. Nothing is sent anywhere until
# EMAIL_BACKEND names the SMTP backend; the console backend writes mails to the log.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
# Seconds before a silent mail server is given up on (the notice's e-mail is then retried).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 5)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "newsroom@localhost")
# Notices' e-mails are sent on a thread of their own after the commit: a slow mail server never
# holds up the editor's save.
NOTICE_MAIL_IN_BACKGROUND = True
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# The text search configuration of the stored search vector (PostgreSQL only).
SEARCH_CONFIG = "english"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes announces its configuration each time Django starts (every command, every
    # worker): noise before a command's own output. Its warnings and lockouts still show.
    "loggers": {"axes.apps": {"level": "WARNING"}},
}

# Agency wires (manage.py ingest_wires): the largest file or feed response read; a feed URL
# must answer within the timeout.
WIRE_MAX_FILE_BYTES = env_int("WIRE_MAX_FILE_BYTES", 5 * 1024 * 1024)
WIRE_FETCH_TIMEOUT_SECONDS = 10
