"""The programme's team at the console: who may sign in (`mentorat operator add`), the
single-use login links sent by email, and the sessions they open.

Secrets are never stored: the link and the cookie carry a random secret, the database its
SHA-256. A login link is also signed (HMAC with MENTORAT_SECRET_KEY, any of the rotated keys),
so a forged or damaged one is refused before any query; it is consumed by a conditional
UPDATE, so two clicks racing each other open one session only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from mentorat.outbox import Letter, enqueue
from mentorat.services import ServiceError, audit
from mentorat.settings import Settings
from models import Operator, OperatorLogin, OperatorSession, Programme

ROLES = ("operator", "supervisor", "admin")
LOGIN_LIFETIME = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)
# A session's last visit is written at most this often (not on every page).
TOUCH_EVERY = timedelta(minutes=1)
# At most this many login links per person in one link lifetime (an inbox is not a target).
LOGINS_PER_LIFETIME = 3
LOGIN_KIND = "operator_login"


@dataclass(frozen=True)
class Viewer:
    """The signed-in operator, as the console pages need them (no ORM object leaks out)."""

    id: int
    email: str
    display_name: str
    role: str
    programme_id: int

    @property
    def sees_all_programmes(self) -> bool:
        return self.role == "admin"

    @property
    def sees_bounces(self) -> bool:
        return self.role != "supervisor"

    @property
    def acts_on_pairs(self) -> bool:
        """Fixes after the approval are the operators' (a supervisor records attendance)."""
        return self.role != "supervisor"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _mac(key: str, secret: str) -> str:
    digest = hmac.new(key.encode(), f"operator-login|{secret}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def add_operator(
    session: Session,
    email: str,
    *,
    programme_slug: str,
    role: str,
    name: str = "",
    now: datetime,
    actor: str,
) -> tuple[Operator, bool]:
    """Add someone to the console, or change their role, programme or name; returns the
    operator and whether they are new."""
    address = email.strip().lower()
    if "@" not in address.strip("@") or len(address) > 320 or any(c.isspace() for c in address):
        raise ServiceError(f"adresse « {email} » invalide")
    if role not in ROLES:
        raise ServiceError(f"rôle « {role} » inconnu (operator, supervisor ou admin)")
    programme = session.scalar(select(Programme).where(Programme.slug == programme_slug))
    if programme is None:
        raise ServiceError(f"programme « {programme_slug} » inconnu")
    display = name.strip() or address.split("@", 1)[0]
    operator = session.scalar(select(Operator).where(Operator.email == address))
    new = operator is None
    if operator is None:
        operator = Operator(email=address, created_at=now)
        session.add(operator)
    operator.display_name, operator.role, operator.programme_id = display, role, programme.id
    operator.disabled_at = None
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor,
        action="operator.added" if new else "operator.updated",
        entity="operator",
        entity_id=operator.id,
        role=role,
        programme=programme.slug,
    )
    return operator, new


def request_login(session: Session, settings: Settings, address: str, now: datetime) -> bool:
    """Write a login link for `address` to the outbox if it names an active operator;
    returns whether one was written. Never says more: the page answers the same anyway."""
    operator = session.scalar(
        select(Operator).where(
            Operator.email == address.strip().lower(), Operator.disabled_at.is_(None)
        )
    )
    if operator is None:
        return False
    recent = session.scalars(
        select(OperatorLogin.id).where(
            OperatorLogin.operator_id == operator.id,
            OperatorLogin.created_at > now - LOGIN_LIFETIME,
        )
    ).all()
    if len(recent) >= LOGINS_PER_LIFETIME:
        return False
    secret = secrets.token_urlsafe(32)
    login = OperatorLogin(
        operator_id=operator.id,
        secret_hash=_hash(secret),
        created_at=now,
        expires_at=now + LOGIN_LIFETIME,
    )
    session.add(login)
    session.flush()
    token = f"{secret}.{_mac(settings.secret_key.get_secret_value(), secret)}"
    first, _, last = operator.display_name.partition(" ")
    programme = operator.programme
    letter = Letter(
        kind=LOGIN_KIND,
        step=LOGIN_KIND,
        occurrence=login.id,
        to_addr=operator.email,
        recipient={"first_name": first, "last_name": last},
        recipient_ref=f"o{operator.id}",
        ctx={
            "login_url": f"{settings.public_url.rstrip('/')}/gestion/connexion/{token}",
            "expires_at": login.expires_at,
        },
    )
    base = {
        "programme": {
            "name": programme.name,
            "short_name": programme.short_name,
            "slug": programme.slug,
        },
        "cohort": {"code": "", "label": "Console de gestion"},
        "operator": {"name": f"L’équipe {programme.short_name}", "email": settings.sender_address},
        "public_url": settings.public_url,
    }
    enqueue(session, None, [letter], now=now, settings=settings, base_context=base)
    audit.record(
        session,
        at=now,
        actor="system",
        action="operator.login_sent",
        entity="operator",
        entity_id=operator.id,
    )
    return True


def open_session(session: Session, settings: Settings, token: str, now: datetime) -> str | None:
    """Consume a login link and open a session; returns the session's cookie secret, or
    None for a link that is forged, unknown, expired or used already."""
    secret, _, mac = token.partition(".")
    if not secret or not any(
        hmac.compare_digest(_mac(key, secret), mac) for key in settings.secret_keys()
    ):
        return None
    login = session.scalar(select(OperatorLogin).where(OperatorLogin.secret_hash == _hash(secret)))
    if login is None:
        return None
    consumed = session.execute(
        update(OperatorLogin)
        .where(
            OperatorLogin.id == login.id,
            OperatorLogin.used_at.is_(None),
            OperatorLogin.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(consumed, "rowcount", 0) != 1:  # another click used it first
        return None
    operator = session.get(Operator, login.operator_id)
    if operator is None or operator.disabled_at is not None:
        return None
    cookie = secrets.token_urlsafe(32)
    session.add(
        OperatorSession(
            operator_id=operator.id, secret_hash=_hash(cookie), created_at=now, last_seen_at=now
        )
    )
    audit.record(
        session, at=now, actor=f"operator:{operator.id}", action="operator.signed_in",
        entity="operator", entity_id=operator.id,
    )  # fmt: skip
    return cookie


def _live_session(session: Session, cookie: str, now: datetime) -> OperatorSession | None:
    if not cookie:
        return None
    row = session.scalar(
        select(OperatorSession).where(OperatorSession.secret_hash == _hash(cookie))
    )
    if row is None or row.ended_at is not None or row.last_seen_at + SESSION_IDLE <= now:
        return None
    return row


def viewer_of(session: Session, cookie: str, now: datetime) -> Viewer | None:
    """The operator of a live session (and the session's last visit moved to `now`)."""
    row = _live_session(session, cookie, now)
    if row is None:
        return None
    operator = session.get(Operator, row.operator_id)
    if operator is None or operator.disabled_at is not None:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return Viewer(
        operator.id, operator.email, operator.display_name, operator.role, operator.programme_id
    )


def end_session(session: Session, cookie: str, now: datetime) -> None:
    row = _live_session(session, cookie, now)
    if row is None:
        return
    row.ended_at = now
    audit.record(
        session, at=now, actor=f"operator:{row.operator_id}", action="operator.signed_out",
        entity="operator", entity_id=row.operator_id,
    )  # fmt: skip
