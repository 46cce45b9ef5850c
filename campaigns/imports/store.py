"""An uploaded file kept between its preview and the confirmation.

The file is written under `TALLY_IMPORT_DIR/<user id>/<token>.<kind>` (outside
MEDIA_ROOT: nothing serves it) with a small JSON note of the campaign it was
uploaded for; the token is random, so only the user who uploaded it, on the
campaign they uploaded it for, finds it again. Files older than
`TALLY_IMPORT_KEEP_SECONDS` are deleted whenever a file is kept or looked up.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
CHUNK = 64 * 1024


class TooBig(Exception):
    pass


@dataclass(frozen=True)
class Kept:
    token: str
    path: Path
    name: str  # the name the file was uploaded with


def _root() -> Path:
    return Path(settings.TALLY_IMPORT_DIR)


def _folder(user_id: int) -> Path:
    return _root() / str(int(user_id))


def keep(*, user_id: int, campaign_id: int, name: str, chunks: Iterable[bytes]) -> Kept:
    """Write an upload to a new token's file; `TooBig` past the size limit."""
    clean_expired()
    folder = _folder(user_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(24)
    path = folder / f"{token}.upload"
    written = 0
    try:
        with path.open("xb") as handle:
            for chunk in chunks:
                written += len(chunk)
                if written > settings.TALLY_IMPORT_MAX_BYTES:
                    raise TooBig
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    name = name[:200]
    note = {"campaign": campaign_id, "name": name, "at": time.time()}
    (folder / f"{token}.json").write_text(json.dumps(note), encoding="utf-8")
    return Kept(token, path, name)


def find(*, user_id: int, campaign_id: int, token: str) -> Kept | None:
    """The file this user kept for this campaign under the token, if still there."""
    clean_expired()
    if not TOKEN.match(token or ""):
        return None
    folder = _folder(user_id)
    path = folder / f"{token}.upload"
    try:
        note = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if note.get("campaign") != campaign_id or not path.exists():
        return None
    return Kept(token, path, str(note.get("name", "")))


def discard(*, user_id: int, token: str) -> None:
    if not TOKEN.match(token or ""):
        return
    folder = _folder(user_id)
    for suffix in (".upload", ".json"):
        (folder / f"{token}{suffix}").unlink(missing_ok=True)


def clean_expired(*, now: float | None = None) -> int:
    """Delete the kept files past their time; how many uploads were deleted."""
    root = _root()
    if not root.is_dir():
        return 0
    cutoff = (now if now is not None else time.time()) - (
        settings.TALLY_IMPORT_KEEP_SECONDS
    )
    removed = 0
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)
                    removed += path.suffix == ".upload"
            except FileNotFoundError:
                continue
        try:
            folder.rmdir()  # only when empty
        except OSError:
            pass
    return removed
