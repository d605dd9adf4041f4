"""One settings object, read from MENTORAT_* environment variables.

A wrong value stops start-up with a message that names the variable (see `load_settings`).
"""

from __future__ import annotations

import ipaddress
import math
from collections import Counter
from datetime import datetime
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me-0123456789"
# A key signs every participant link: outside development it must be long and varied enough
# that nobody guesses it (secrets.token_urlsafe(48) gives ~290 bits by this estimate).
SECRET_MIN_LENGTH, SECRET_MIN_DISTINCT, SECRET_MIN_BITS = 32, 8, 80


def secret_weakness(key: str) -> str | None:
    """Why `key` is too weak to sign links, or None. It refuses short keys, a pattern
    repeated ("0123456701234567…"), and what the text's own Shannon entropy times its length
    puts under SECRET_MIN_BITS (near-constant keys such as 32 × "a")."""
    if key == DEV_SECRET:
        return "is the public development value"
    if len(key) < SECRET_MIN_LENGTH:
        return f"is shorter than {SECRET_MIN_LENGTH} characters"
    counts = Counter(key)
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    repeated = any(key == key[:p] * (len(key) // p) + key[: len(key) % p] for p in range(1, 17))
    if repeated or len(counts) < SECRET_MIN_DISTINCT or bits < SECRET_MIN_BITS:
        return "is too regular (repeated characters): use a random value"
    return None


class SettingsError(RuntimeError):
    """Raised at start-up when an environment variable holds a wrong value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MENTORAT_", extra="ignore")

    # Unset means production: only an explicit "development" or "test" relaxes the checks.
    environment: str = Field("production", pattern="^(development|test|production)$")
    database_url: str = "sqlite:///var/mentorat.db"
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = Field(30.0, gt=0)
    smtp_connections: int = Field(4, ge=1, le=32)
    mail_from: str = "Mentorat <mentorat@mentorat.test>"
    public_url: str = "http://localhost:8000"
    secret_key: SecretStr = SecretStr(DEV_SECRET)
    # The key before the last rotation: links and reply addresses it signed stay valid.
    secret_key_previous: SecretStr | None = None
    # The reverse proxies whose X-Forwarded-For / -Proto are believed (addresses or networks).
    trusted_proxies: str = "127.0.0.1,::1"
    link_max_age_days: int = Field(45, ge=1, le=365)
    send_batch_size: int = Field(500, ge=1, le=10_000)
    send_lease_seconds: int = Field(300, ge=1)
    send_retries: int = Field(5, ge=0, le=50)
    send_retry_delay_seconds: float = Field(2.0, ge=0)
    # A recipient refused for now (4xx) for longer than this is reported to the operator.
    defer_alert_hours: float = Field(24.0, gt=0)
    deployment_name: str = "cohort-lifecycle/cohort"
    # An answer wakes its cohort through a Prefect event (mentorat.events); off where the
    # caller drives the flow itself (the demo, the tests).
    emit_events: bool = True
    # Accelerated real time, for tests and demonstrations (refused in production): every
    # process reads now = ORIGIN + SPEED × (real now − ORIGIN), and Prefect runs each due date
    # at the real instant that matches it (mentorat.clock).
    clock_speed: float = Field(1.0, gt=0, le=10_000_000)
    clock_origin: datetime | None = None
    # A run that fails or crashes schedules the next one this many minutes later.
    retry_after_failure_minutes: float = Field(15.0, gt=0)
    # Answers that need action soon wake their cohort at most once per this many seconds.
    wake_window_seconds: int = Field(120, ge=0, le=3600)
    # ... and at most once per this many hours of the cohort's clock (mentorat.events).
    wake_min_gap_hours: float = Field(24.0, gt=0)
    # Replies read from an IMAP mailbox (`mentorat inbound --imap`, mentorat.inbound.imap):
    # handled mail is moved to the done folder, mail the handling refuses to the error folder.
    # Folder names use « / » between levels, whatever the server's own separator.
    imap_host: str | None = None
    imap_port: int | None = Field(None, ge=1, le=65535)  # 993 with ssl, else 143
    imap_user: str | None = None
    imap_password: SecretStr | None = None
    imap_security: str = Field("ssl", pattern="^(ssl|starttls|none)$")
    imap_folder: str = "INBOX"
    imap_done_folder: str = "Mentorat/Traités"
    imap_error_folder: str = "Mentorat/Erreurs"
    # Without IDLE, the mailbox is read this often; with IDLE, also (a safety net), and IDLE
    # is renewed well before the 29 minutes of RFC 2177.
    imap_poll_seconds: float = Field(60.0, ge=1, le=1500)
    imap_timeout: float = Field(30.0, gt=0)

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError("only sqlite:// and postgresql+psycopg:// URLs are supported")
        if value.startswith("postgresql://"):
            # psycopg 3 is the driver we install; spell it out for SQLAlchemy.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("mail_from")
    @classmethod
    def _valid_sender(cls, value: str) -> str:
        address = value.rsplit("<", 1)[-1].rstrip(">").strip()
        try:
            validate_email(address, check_deliverability=False, test_environment=True)
        except EmailNotValidError as exc:
            raise ValueError(f"not an email address ({exc})") from None
        return value

    @field_validator("public_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("secret_key_previous", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        parts = []
        for part in (part.strip() for part in value.split(",") if part.strip()):
            # Written as uvicorn reads it: there, 10.0.0.1/8 would silently be a literal.
            try:
                if "/" in part:
                    parts.append(str(ipaddress.ip_network(part, strict=False)))
                else:
                    parts.append(str(ipaddress.ip_address(part)))
            except ValueError:
                raise ValueError(f"{part!r} is not an IP address or network") from None
        return ",".join(parts)

    @model_validator(mode="after")
    def _real_secret_outside_development(self) -> Settings:
        if self.environment in {"development", "test"}:
            return self
        if self.secret_key.get_secret_value() == DEV_SECRET:
            raise ValueError(
                "MENTORAT_SECRET_KEY must be set to a random value of 32 characters or more "
                "(or set MENTORAT_ENVIRONMENT=development on a development machine)"
            )
        for name, key in (("", self.secret_key), ("_PREVIOUS", self.secret_key_previous)):
            problem = secret_weakness(key.get_secret_value()) if key is not None else None
            if problem:
                raise ValueError(f"MENTORAT_SECRET_KEY{name} {problem}")
        return self

    @model_validator(mode="after")
    def _accelerated_clock_outside_production(self) -> Settings:
        if self.clock_speed != 1.0:
            if self.environment == "production":
                raise ValueError("MENTORAT_CLOCK_SPEED is for tests and demonstrations only")
            if self.clock_origin is None:
                raise ValueError("MENTORAT_CLOCK_SPEED needs MENTORAT_CLOCK_ORIGIN (ISO instant)")
        return self

    @model_validator(mode="after")
    def _imap_password_never_in_clear_over_the_network(self) -> Settings:
        local = {"127.0.0.1", "::1", "localhost"}
        if (
            self.imap_security == "none"
            and self.environment == "production"
            and self.imap_host
            and self.imap_host not in local
        ):
            raise ValueError(
                "MENTORAT_IMAP_SECURITY=none enverrait le mot de passe en clair\u00a0: "
                "choisissez ssl ou starttls (none est réservé à un serveur local)"
            )
        folders = {self.imap_folder, self.imap_done_folder, self.imap_error_folder}
        if len(folders) < 3:
            raise ValueError(
                "MENTORAT_IMAP_FOLDER, MENTORAT_IMAP_DONE_FOLDER et MENTORAT_IMAP_ERROR_FOLDER "
                "doivent être trois dossiers différents"
            )
        return self

    @property
    def imap_port_or_default(self) -> int:
        return self.imap_port or (993 if self.imap_security == "ssl" else 143)

    def secret_keys(self) -> list[str]:
        """The keys that verify a signature: the current one (the only one that signs) first,
        then the previous one."""
        current, previous = self.secret_key.get_secret_value(), self.secret_key_previous
        return [current, previous.get_secret_value()] if previous else [current]

    @property
    def trusted_proxy_list(self) -> list[str]:
        return self.trusted_proxies.split(",") if self.trusted_proxies else []

    @property
    def sender_address(self) -> str:
        return self.mail_from.rsplit("<", 1)[-1].rstrip(">").strip()

    @property
    def mail_domain(self) -> str:
        return self.sender_address.rsplit("@", 1)[-1]


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = ".".join(str(part) for part in error["loc"])
            # A check across fields (no location) names its variables in its message.
            message = str(error["msg"]).removeprefix("Value error, ")
            problems.append(f"MENTORAT_{field.upper()}: {message}" if field else message)
        raise SettingsError("Invalid setting(s):\n  " + "\n  ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
