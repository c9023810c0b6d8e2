"""Settings: read lazily from the environment; a secret is required outside development."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tauride.config import DEFAULT_DATABASE_URL, DEVELOPMENT_SECRET, Settings


def test_defaults_are_an_embedded_sqlite_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TAURIDE_DATABASE_URL", raising=False)
    settings = Settings()
    assert settings.database_url == DEFAULT_DATABASE_URL == "sqlite:///./tauride.db"
    assert settings.effective_secret_key == DEVELOPMENT_SECRET


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize("secret", [None, "", DEVELOPMENT_SECRET])
def test_secret_is_required_outside_development(
    monkeypatch: pytest.MonkeyPatch, environment: str, secret: str | None
) -> None:
    monkeypatch.setenv("TAURIDE_ENVIRONMENT", environment)
    if secret is None:
        monkeypatch.delenv("TAURIDE_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("TAURIDE_SECRET_KEY", secret)
    with pytest.raises(ValidationError, match="TAURIDE_SECRET_KEY must be set"):
        Settings()


def test_configured_secret_is_used_and_not_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TAURIDE_ENVIRONMENT", "production")
    monkeypatch.setenv("TAURIDE_SECRET_KEY", "s3cr3t-value")
    settings = Settings()
    assert settings.effective_secret_key == "s3cr3t-value"  # noqa: S105 — a test value
    assert "s3cr3t-value" not in repr(settings)
