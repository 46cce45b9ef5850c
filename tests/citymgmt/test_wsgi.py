"""The web process moves what it keeps for good out of the collector's reach:
once at start-up, and once more after its first requests have warmed it."""

from __future__ import annotations

import json

from tests.citymgmt.test_settings import PRODUCTION, run

SERVE = (
    "import gc, json; import citymgmt.wsgi as w; from django.test import Client; "
    "c = Client(); started = gc.get_freeze_count(); counts = []\n"
    "for i in range(w.WARM_AFTER_REQUESTS + 5):\n"
    "    assert c.get('/i18n/setlang/').status_code == 302\n"
    "    counts.append(gc.get_freeze_count())\n"
    "print(json.dumps({'started': started, 'counts': counts, "
    "'after': w.WARM_AFTER_REQUESTS}))"
)


def test_the_process_freezes_at_start_up_and_once_more_when_warm():
    env = {
        **PRODUCTION,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
    }
    result = run(env, "-c", SERVE)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    counts, after = seen["counts"], seen["after"]

    assert seen["started"] > 10_000  # Django and the apps, frozen on import
    # Frozen objects can still be freed, so the count only shrinks while the
    # process warms up; the request that warms it adds the survivors, and no
    # later request freezes again.
    warming, warm, later = counts[: after - 1], counts[after - 1], counts[after:]
    assert max(warming) <= seen["started"]
    assert warm > max(warming) + 1_000
    assert max(later) <= warm
