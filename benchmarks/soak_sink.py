"""The soak test's SMTP server: accepts every mail and appends its Message-ID to a file.

``python -m benchmarks.soak_sink PORT FILE`` — runs until killed (the soak kills it with
SIGKILL to make an outage, and starts it again on the same port).
"""

from __future__ import annotations

import re
import signal
import sys
import threading
from typing import Any

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]+>)", re.MULTILINE | re.IGNORECASE)


class Recorder:
    def __init__(self, path: str) -> None:
        self.path = path

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        found = _MESSAGE_ID.search(envelope.content)
        with open(self.path, "ab") as out:
            out.write((found.group(1) if found else b"<none>") + b"\n")
            out.flush()
        return "250 OK"


def main() -> None:
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        print(__doc__)
        raise SystemExit(0 if sys.argv[1:2] in (["-h"], ["--help"]) else 2)
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Recorder(path), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
