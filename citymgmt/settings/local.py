"""Settings for `make run`: the embedded default on one machine."""

from citymgmt.env import read_bool

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = read_bool("DJANGO_DEBUG", True)
# A fixed development key keeps sessions across restarts; production refuses it.
SECRET_KEY = (
    SECRET_KEY or "local-development-only-key-do-not-use-in-production-0123456789"
)
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
