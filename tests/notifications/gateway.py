"""A stand-in SMS gateway on 127.0.0.1 that counts requests and answers as told."""

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
}


@dataclass
class Gateway:
    mode: str = "ok"
    slow_seconds: float = 3.0
    requests: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def per_id(self) -> Counter:
        with self.lock:
            return Counter(request["json"]["id"] for request in self.requests)

    def start(self) -> ThreadingHTTPServer:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with gateway.lock:
                    gateway.requests.append(
                        {
                            "path": self.path,
                            "authorization": self.headers.get("Authorization"),
                            "json": json.loads(raw),
                        }
                    )
                    mode = gateway.mode
                if mode == "slow":
                    time.sleep(gateway.slow_seconds)
                status, body = ANSWERS[mode]
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the client gave up (timeout)

            def log_message(self, format, *args) -> None:  # noqa: A002
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.url = f"http://127.0.0.1:{server.server_address[1]}/sms/send"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server
