"""Run the SMTP sink in its own process (so it does not share the GIL with the sender).

Prints the port on stdout, then serves until killed. Counts messages in a file on exit.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

from demo.smtp_sink import SmtpSink


def main() -> None:
    count_file = Path(sys.argv[1])
    sink = SmtpSink().start()
    print(sink.port, flush=True)

    def stop(*_: object) -> None:
        count_file.write_text(str(len(sink.handler.messages)))
        sink.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
