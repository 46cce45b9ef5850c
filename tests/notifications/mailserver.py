"""A stand-in SMTP server on 127.0.0.1 that keeps what it is sent.

It speaks just enough SMTP for smtplib (EHLO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT). With `hold_quit` it answers QUIT only once `release` is set, so a
test can look at the outbox between the message being accepted and the
session ending.
"""

from __future__ import annotations

import email
import socketserver
import threading
from dataclasses import dataclass, field
from email.message import Message

HOLD_SECONDS = 60


@dataclass
class MailServer:
    hold_quit: bool = False
    messages: list[Message] = field(default_factory=list)
    quit_seen: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    def start(self) -> socketserver.ThreadingTCPServer:
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(f"{line}\r\n".encode())
                self.wfile.flush()

            def handle(self) -> None:
                self.reply("220 mail.test ESMTP")
                while raw := self.rfile.readline():
                    command = raw.decode("ascii", "replace").strip().upper()
                    if command.startswith(("EHLO", "HELO")):
                        self.reply("250 mail.test")
                    elif command == "DATA":
                        self.reply("354 end with <CR><LF>.<CR><LF>")
                        lines = []
                        while (line := self.rfile.readline()) not in (b".\r\n", b""):
                            lines.append(line[1:] if line.startswith(b"..") else line)
                        server.messages.append(
                            email.message_from_bytes(b"".join(lines))
                        )
                        self.reply("250 queued")
                    elif command == "QUIT":
                        server.quit_seen.set()
                        if server.hold_quit:
                            server.release.wait(HOLD_SECONDS)
                        self.reply("221 bye")
                        return
                    else:  # MAIL, RCPT, RSET, NOOP
                        self.reply("250 OK")

        tcp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        tcp.daemon_threads = True
        self.port = tcp.server_address[1]
        threading.Thread(target=tcp.serve_forever, daemon=True).start()
        return tcp
