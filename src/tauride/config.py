"""Settings from the environment (prefix TAURIDE_), built lazily and cached."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///./tauride.db"
DEVELOPMENT_SECRET = "development-only-secret-key"  # noqa: S105 — refused outside development


class Settings(BaseSettings):
    """Everything Tauride reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="TAURIDE_", env_file=None, extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = DEFAULT_DATABASE_URL
    secret_key: SecretStr | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    sqlite_busy_timeout_ms: int = 5000
    # Web sessions: lifetime, and whether cookies need HTTPS (unset: everywhere but development).
    session_hours: float = 12
    cookie_secure: bool | None = None
    # Requests per minute allowed per client address before 429 (login) and per account (cast).
    login_rate_per_minute: int = 10
    cast_rate_per_minute: int = 120
    # Notices by e-mail: with no SMTP host the secretariat prints them instead.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_timeout_s: float = 30
    mail_from: str = "tauride@localhost"
    # The zone of sittings' times written without one (an IANA name such as Europe/Moscow).
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone '{value}' (an IANA name such as Europe/Berlin)"
            ) from None
        return value

    @model_validator(mode="after")
    def _secret_required_outside_development(self) -> Settings:
        # A forgotten secret in production would sign sessions with a public string.
        if self.environment != "development" and (
            self.secret_key is None
            or self.secret_key.get_secret_value() in ("", DEVELOPMENT_SECRET)
        ):
            raise ValueError(
                "TAURIDE_SECRET_KEY must be set to a private value when "
                "TAURIDE_ENVIRONMENT is not development"
            )
        return self

    @property
    def secure_cookies(self) -> bool:
        """Whether session cookies are sent over HTTPS only."""
        return (
            self.cookie_secure
            if self.cookie_secure is not None
            else (self.environment != "development")
        )

    @property
    def zone(self) -> ZoneInfo:
        """The zone of sittings' times written without one."""
        return ZoneInfo(self.timezone)

    @property
    def effective_secret_key(self) -> str:
        """The key that signs things: the configured one, or the development key."""
        if self.secret_key is not None and self.secret_key.get_secret_value():
            return self.secret_key.get_secret_value()
        return DEVELOPMENT_SECRET


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Build the settings on first use, not at import time."""
    return Settings()
