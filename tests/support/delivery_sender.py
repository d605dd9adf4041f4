"""A sender to kill with SIGKILL: `python -m tests.support.delivery_sender`.

Imports once, then for each line read on stdin forks a child that runs `send_pending` with
the settings of the environment, prints `pid <n>`, waits for it and prints `exit <code>`
(`exit -9` when killed). Forking keeps each delivering process cheap to start, so a test can
kill twenty of them in a few seconds. The parent opens no database connection.
"""

from __future__ import annotations

import os
import sys

from mentorat.db import session_factory
from mentorat.delivery import send_pending
from mentorat.settings import get_settings


def main() -> None:
    for _ in sys.stdin:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                settings = get_settings()
                send_pending(session_factory(settings.database_url), settings)
            except BaseException:  # noqa: BLE001 — the exit code is the whole report
                code = 1
            os._exit(code)
        print(f"pid {pid}", flush=True)
        _, status = os.waitpid(pid, 0)
        print(f"exit {os.waitstatus_to_exitcode(status)}", flush=True)


if __name__ == "__main__":
    main()
