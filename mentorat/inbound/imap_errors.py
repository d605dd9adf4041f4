"""What goes wrong with an IMAP server, said in French for the operator: the setting to check
is named, and neither the password nor the server's own words are repeated."""

from __future__ import annotations

import imaplib
import logging
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager

from imap_tools.errors import ImapToolsError, MailboxLoginError

from mentorat.settings import Settings

log = logging.getLogger(__name__)


class ImapError(Exception):
    """What the operator reads (in French, without the password nor the server's words).
    `permanent`: a setting to fix (login, folder), not a network that may come back."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def login_refused(settings: Settings) -> ImapError:
    return ImapError(
        f"Le serveur IMAP {settings.imap_host}:{settings.imap_port_or_default} a refusé "
        "l’identifiant ou le mot de passe (MENTORAT_IMAP_USER, MENTORAT_IMAP_PASSWORD).",
        permanent=True,
    )


@contextmanager
def translated(settings: Settings) -> Iterator[None]:
    """IMAP and network failures as French messages that name the setting to check."""
    where = f"{settings.imap_host}:{settings.imap_port_or_default}"
    try:
        yield
    except ImapError:
        raise
    except MailboxLoginError:
        raise login_refused(settings) from None
    except socket.gaierror:
        raise ImapError(
            f"Serveur IMAP introuvable\u00a0: le nom «\u00a0{settings.imap_host}\u00a0» est "
            "inconnu (MENTORAT_IMAP_HOST)."
        ) from None
    except ssl.SSLCertVerificationError:
        raise ImapError(
            f"Le certificat du serveur IMAP {where} n’est pas reconnu (MENTORAT_IMAP_HOST).",
            permanent=True,
        ) from None
    except ssl.SSLError:
        raise ImapError(
            f"La connexion chiffrée au serveur IMAP {where} a échoué\u00a0: vérifiez "
            "MENTORAT_IMAP_SECURITY (ssl ou starttls) et MENTORAT_IMAP_PORT.",
            permanent=True,
        ) from None
    except ConnectionRefusedError:
        raise ImapError(f"Le serveur IMAP {where} est injoignable (connexion refusée).") from None
    except (imaplib.IMAP4.abort, ConnectionError, EOFError):
        raise ImapError(f"La connexion au serveur IMAP {where} a été perdue.") from None
    except TimeoutError:
        raise ImapError(f"Le serveur IMAP {where} ne répond pas (délai dépassé).") from None
    except OSError:
        raise ImapError(f"Le serveur IMAP {where} est injoignable.") from None
    except (imaplib.IMAP4.error, ImapToolsError) as exc:
        log.warning("imap command failed: %s", type(exc).__name__)
        raise ImapError(
            f"Le serveur IMAP {where} a refusé une commande de Mentorat.", permanent=True
        ) from None
