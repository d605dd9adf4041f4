"""A throwaway Dovecot IMAP server on 127.0.0.1 for the tests: its own configuration, mail and
runtime folders in a temporary directory, one user in a passwd-file, no TLS.

Debian's dovecot-imapd provides /usr/sbin/dovecot (scripts/setup installs it). As root, the
login processes must run as Dovecot's own unprivileged users (dovenull, dovecot) and the mail
belongs to `dovecot`; as another user, everything runs as that user.
"""

from __future__ import annotations

import getpass
import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from tests.web.live import free_port

DOVECOT = "/usr/sbin/dovecot"
SKIP_REASON = (
    "Dovecot is not installed (/usr/sbin/dovecot): run scripts/setup --imap as root, or "
    "apt-get install dovecot-imapd"
)
USER, PASSWORD = "mentorat", "boite-de-test-7f3a"
# Without IDLE and MOVE: the polling path and the COPY + \Deleted + EXPUNGE move.
PLAIN_CAPABILITY = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS NAMESPACE"

CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
imap_idle_notify_interval = 1 secs
{capability}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service auth {{
  user = {auth_user}
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
"""


class Dovecot:
    def __init__(self, root: Path, port: int, process: subprocess.Popen[bytes]) -> None:
        self.root, self.port, self.process = root, port, process
        self.host, self.user, self.password = "127.0.0.1", USER, PASSWORD

    def client(self) -> imaplib.IMAP4:
        """A mail client of our own, logged in (to APPEND mail and look at the folders)."""
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(self.user, self.password)
        return client

    def env(self) -> dict[str, str]:
        """The MENTORAT_IMAP_* settings that read this server."""
        return {
            "MENTORAT_IMAP_HOST": self.host,
            "MENTORAT_IMAP_PORT": str(self.port),
            "MENTORAT_IMAP_USER": self.user,
            "MENTORAT_IMAP_PASSWORD": self.password,
            "MENTORAT_IMAP_SECURITY": "none",
        }

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""


def _wait_ready(port: int, process: subprocess.Popen[bytes], root: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text(errors="replace")
            raise RuntimeError(f"dovecot exited ({process.returncode}):\n{log}")
        with suppress(OSError, imaplib.IMAP4.error):
            imaplib.IMAP4("127.0.0.1", port, timeout=2).logout()
            return
        time.sleep(0.1)
    raise RuntimeError("dovecot did not answer within 20 s")


@contextmanager
def running_dovecot(*, capability: str | None = None, port: int | None = None) -> Iterator[Dovecot]:
    """Start Dovecot, yield it, stop it and remove its folder. `capability` replaces the
    CAPABILITY the server announces (IDLE and MOVE left out, for the fallbacks); `port`, to
    start a server again where a stopped one listened."""
    # Not under pytest's tmp_path: Dovecot's unprivileged processes must reach the folder.
    root = Path(tempfile.mkdtemp(prefix="mentorat-dovecot-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        mail = pwd.getpwnam("dovecot")
        names = {"internal": "dovecot", "login": "dovenull", "auth_user": "root"}
    else:
        mail = pwd.getpwuid(os.getuid())
        me = getpass.getuser()
        names = {"internal": me, "login": me, "auth_user": me}
    for sub in ("run", "state", "mail", "home"):
        (root / sub).mkdir()
    for sub in ("mail", "home"):
        os.chown(root / sub, mail.pw_uid, mail.pw_gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = port or free_port()
    (root / "dovecot.conf").write_text(
        CONFIG.format(
            root=root,
            port=port,
            uid=mail.pw_uid,
            gid=mail.pw_gid,
            capability=f"imap_capability = {capability}" if capability else "",
            **names,
        )
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_ready(port, process, root)
        yield Dovecot(root, port, process)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def available() -> bool:
    return (
        Path(DOVECOT).is_file() and shutil.which("doveconf", path="/usr/bin:/usr/sbin") is not None
    )
