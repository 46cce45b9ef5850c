"""Settings for the test suite: the same environment reading as local."""

import tempfile
from pathlib import Path

from citymgmt.env import read_str

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = False
SECRET_KEY = SECRET_KEY or "test-only-key-0123456789-abcdefghijklmnopqrstuvwxyz"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
# Serve static files from the app folders, as `make run` does, without collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Uploaded photos from tests go to a throwaway folder, not var/media.
MEDIA_ROOT = tempfile.mkdtemp(prefix="citydesk-test-media-")
# Uploads kept between an import's preview and its confirmation, likewise.
TALLY_IMPORT_DIR = tempfile.mkdtemp(prefix="citydesk-test-imports-")
# Export files too; a test's worker process is given the folder to share.
EXPORT_ROOT = read_str("EXPORT_ROOT") or str(Path(MEDIA_ROOT) / "exports")

# The test database's connection lives through the run: on PostgreSQL the
# suite runs the compiled queries prepared, as a server with kept connections.
PREPARED_QUERIES = True

# On SQLite the test database is a file, not Django's in-memory default. With
# an in-memory database a live server's request threads share the test's one
# connection, and two requests at once (a page and its chart fetches) can
# deadlock inside sqlite3: one thread holds the connection waiting for the
# interpreter lock to run a date function, the other holds that lock waiting
# for the connection, and no timer fires. A file gives each thread its own.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.mkdtemp(prefix="citydesk-test-db-")) / "test.sqlite3")
    }
