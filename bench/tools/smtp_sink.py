"""A local SMTP server for bench/load.py: accepts every message and appends its Message-ID to a
file, one line per message received (a message received twice is two lines).

    .venv/bin/python bench/tools/smtp_sink.py PORT FILE   (not a benchmark: `make bench` runs bench/*.py only)
"""

from __future__ import annotations

import email
import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Recorder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ARG002 - aiosmtpd's hook
        message_id = email.message_from_bytes(envelope.content)["Message-ID"] or ""
        with self.lock, open(self.path, "a") as out:
            out.write(message_id.strip() + "\n")
        return "250 OK"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    stopped.wait()
    controller.stop()


if __name__ == "__main__":
    main()
