"""Hands deliveries to the broker in batches, from a thread of the process's own.

A web process that has called `start(linger)` (citymgmt/wsgi.py does) no longer
publishes a delivery task inside the request that wrote the message. The commit
hook only adds the new rows' ids to this process's list; a thread of the
process's own wakes, waits `linger` seconds so the messages committed meanwhile
join them, and publishes them all as one task (`tasks.enqueue` for one id,
`tasks.enqueue_many` for more). Under load, one publish carries the messages of
many filings instead of one each, and none of it is in a citizen's wait.

Nothing can be lost that the sweep would not find: the rows are committed before
their ids reach the list. A broker that is down, or a process that dies with ids
still in hand, leaves those rows pending, and the sweep queues them again, as it
does after a publish that fails inline. No task carries an ETA: a worker never
holds a message it has not started.

Where `start` was never called (workers, commands, the tests), the commit hook
publishes inline, as before.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Iterable

logger = logging.getLogger(__name__)


class Publisher:
    """One process's list of ids waiting to be published, and the thread that does."""

    def __init__(self, linger: float) -> None:
        self.linger = linger
        self._lock = threading.Lock()
        self._pending: list[int] = []
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    def submit(self, ids: Iterable[int]) -> None:
        """Take committed rows' ids; the thread publishes them within `linger`."""
        with self._lock:
            self._pending.extend(ids)
            closed = self._closing.is_set()
            if not closed and (self._thread is None or not self._thread.is_alive()):
                self._thread = threading.Thread(
                    target=self._run, name="notify-publisher", daemon=True
                )
                self._thread.start()
        if closed:
            # Taken from a request that read the publisher before it stopped.
            self.flush()
            return
        self._wake.set()

    @property
    def running(self) -> bool:
        """Whether the publishing thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def flush(self) -> int:
        """Publish every id waiting now; return how many were queued."""
        with self._lock:
            ids, self._pending = self._pending, []
        return _send(ids)

    def close(self) -> None:
        """Publish what is waiting; the thread ends without waiting out its linger."""
        self._closing.set()
        self._wake.set()
        self.flush()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            # Let the messages committed in the next moments join this batch;
            # a close meanwhile has published them and ends the thread.
            if self._closing.wait(self.linger):
                return
            self._wake.clear()
            try:
                self.flush()
            except Exception:
                # enqueue and enqueue_many already turn a broker failure into a
                # warning; anything else must not end the thread either. The
                # rows stay pending for the sweep.
                logger.exception("Publishing queued notifications failed")


_publisher: Publisher | None = None


def start(linger: float) -> None:
    """Publish this process's deliveries in batches from now on (see the module)."""
    global _publisher
    _publisher = Publisher(linger) if linger > 0 else None


def stop() -> None:
    """Publish what is waiting, then go back to publishing inline."""
    global _publisher
    publisher, _publisher = _publisher, None
    if publisher is not None:
        publisher.close()


def current() -> Publisher | None:
    return _publisher


def _send(ids: list[int]) -> int:
    """Queue the ids' delivery: one task for one id, batches for more."""
    from citymgmt.notifications.tasks import enqueue, enqueue_many

    if not ids:
        return 0
    if len(ids) == 1:
        return int(enqueue(ids[0]))
    return enqueue_many(ids)


def publish(ids: list[int]) -> None:
    """The commit hook: hand the ids to the batch, or publish them now."""
    publisher = _publisher
    if publisher is not None:
        publisher.submit(ids)
    else:
        _send(ids)


def _drain_at_exit() -> None:
    if _publisher is not None:
        _publisher.flush()


def _forget_in_child() -> None:
    # The ids belong to the parent, which publishes them; its thread and its
    # lock did not come along. The child starts with an empty list of its own.
    global _publisher
    if _publisher is not None:
        _publisher = Publisher(_publisher.linger)


atexit.register(_drain_at_exit)
os.register_at_fork(after_in_child=_forget_in_child)
