"""A stand-in SMS gateway on 127.0.0.1 that counts requests and answers as told.

Like a real gateway, it sends a message once per Idempotency-Key: a request
with a key it has already accepted is answered with success and sends
nothing. `requests` is every request it got; `sent` the SMS that went out.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ANSWERS = {
    "ok": (200, b'{"ok": true, "message_id": "m-1"}'),
    "error": (500, b'{"ok": false, "error": "upstream busy"}'),
    "garbage": (200, b"<html>Service Temporarily Unavailable</html>"),
    "refused": (400, b'{"ok": false, "permanent": true, "error": "invalid number"}'),
    "slow": (200, b'{"ok": true}'),
    # Sends the SMS, then answers only once `release` is set.
    "hold": (200, b'{"ok": true}'),
}
# The modes in which the gateway takes the message and sends it.
SENDING = {"ok", "slow", "hold"}
DUPLICATE = (200, b'{"ok": true, "duplicate": true}')
HOLD_SECONDS = 120


@dataclass
class Gateway:
    mode: str = "ok"
    slow_seconds: float = 3.0
    requests: list[dict] = field(default_factory=list)
    sent: list[dict] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def per_id(self) -> Counter:
        """Requests per notification id."""
        with self.lock:
            return Counter(request["json"]["id"] for request in self.requests)

    def start(self) -> ThreadingHTTPServer:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                key = self.headers.get("Idempotency-Key")
                request = {
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "idempotency_key": key,
                    "json": json.loads(raw),
                }
                with gateway.lock:
                    gateway.requests.append(request)
                    mode = gateway.mode
                    repeat = key is not None and any(
                        sms["key"] == key for sms in gateway.sent
                    )
                    if not repeat and mode in SENDING:
                        gateway.sent.append({**request["json"], "key": key})
                if repeat:
                    status, body = DUPLICATE
                else:
                    if mode == "slow":
                        time.sleep(gateway.slow_seconds)
                    elif mode == "hold":
                        gateway.release.wait(HOLD_SECONDS)
                    status, body = ANSWERS[mode]
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout) or died

            def log_message(self, format, *args) -> None:  # noqa: A002
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
