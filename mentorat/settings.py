"""One settings object, read from MENTORAT_* environment variables.

A wrong value stops start-up with a message that names the variable (see `load_settings`).
"""

from __future__ import annotations

from functools import lru_cache

from email_validator import EmailNotValidError, validate_email
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-only-secret-change-me-0123456789"


class SettingsError(RuntimeError):
    """Raised at start-up when an environment variable holds a wrong value."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MENTORAT_", extra="ignore")

    environment: str = Field("development", pattern="^(development|test|production)$")
    database_url: str = "sqlite:///var/mentorat.db"
    smtp_host: str | None = None
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_timeout: float = Field(30.0, gt=0)
    smtp_connections: int = Field(4, ge=1, le=32)
    mail_from: str = "Mentorat <mentorat@mentorat.test>"
    public_url: str = "http://localhost:8000"
    secret_key: str = DEV_SECRET
    link_max_age_days: int = Field(45, ge=1, le=365)
    send_batch_size: int = Field(500, ge=1, le=10_000)
    send_lease_seconds: int = Field(300, ge=1)
    send_retries: int = Field(5, ge=0, le=50)
    send_retry_delay_seconds: float = Field(2.0, ge=0)
    deployment_name: str = "cohort-lifecycle/cohort"

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

    @model_validator(mode="after")
    def _real_secret_outside_development(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key == DEV_SECRET or len(self.secret_key) < 32
        ):
            raise ValueError(
                "MENTORAT_SECRET_KEY must be set to a random value of 32 characters or more "
                "in production"
            )
        return self

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
            field = ".".join(str(part) for part in error["loc"]) or "secret_key"
            problems.append(f"MENTORAT_{field.upper()}: {error['msg']}")
        raise SettingsError("Invalid setting(s):\n  " + "\n  ".join(problems)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
