"""Settings read from the environment (and an optional `.env` file).

Every secret comes from the environment. The only secret with a fallback is the JWT key on
the embedded (in-memory) store, where a random per-process key is generated: nothing outlives the
process there anyway. Against a real MongoDB the process refuses to start without a strong key.
"""

import contextlib
import secrets
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Values that appear in documentation or tutorials; never accepted as a real key.
_PLACEHOLDER_SECRETS = {"changethis", "changeme", "secret", "your-secret-key", "jwt-secret"}
MIN_SECRET_BYTES = 32


class Settings(BaseSettings):
    """Every setting the service reads; names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", case_sensitive=False)

    MONGO_DB_URI: str | None = None
    MONGO_DB_NAME: str = "hosthome"
    DB_TIMEOUT_MS: int = Field(default=5000, ge=100, le=60000)

    JWT_SECRET_KEY: SecretStr | None = None
    ACCESS_TOKEN_MINUTES: int = Field(default=15, ge=1, le=24 * 60)
    REFRESH_TOKEN_DAYS: int = Field(default=14, ge=1, le=365)

    CORS_ORIGINS: Annotated[list[str], NoDecode] = []
    FRONTEND_URL: str | None = None
    # The web app's built files, served at `/` beside the API (routes/http/webapp.py).
    WEBAPP_DIR: str | None = None

    SMTP_HOST: str | None = None
    SMTP_PORT: int = 587
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: SecretStr | None = None
    SMTP_STARTTLS: bool = True
    SMTP_FROM: str = "Host Home Program <no-reply@localhost>"
    EMAIL_OUTBOX_DIR: str = "./outbox"

    LOG_LEVEL: str = "INFO"
    ENVIRONMENT: Literal["development", "test", "production"] = "development"

    SEED_DEMO_DATA: bool | None = None
    DEMO_USER_PASSWORD: SecretStr | None = None

    # Rate limits: tries per minute per e-mail and per client address.
    RATE_LIMIT_PER_EMAIL: int = Field(default=10, ge=1)
    RATE_LIMIT_PER_IP: int = Field(default=120, ge=1)

    # Wrong code guesses a day per account, across every code it is sent.
    CODE_GUESSES_PER_DAY: int = Field(default=20, ge=1)
    # Sign-ups a minute per client address (each hashes a password and sends an e-mail).
    RATE_LIMIT_SIGNUP_PER_IP: int = Field(default=20, ge=1)

    # Proxies whose X-Forwarded-For is believed ("*": any peer, e.g. Heroku's router).
    FORWARDED_ALLOW_IPS: str = "127.0.0.1"
    # Slow clients: the headers must arrive within this many seconds, the body within that many.
    HEADER_TIMEOUT_SECONDS: float = Field(default=10.0, gt=0, le=300)
    BODY_TIMEOUT_SECONDS: float = Field(default=30.0, gt=0, le=600)

    MAX_JSON_BYTES: int = 1024 * 1024
    MAX_UPLOAD_BYTES: int = 5 * 1024 * 1024

    @field_validator("CORS_ORIGINS", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Accept a comma-separated list, as environment variables usually carry it."""
        if isinstance(value, str):
            return [item.strip().rstrip("/") for item in value.split(",") if item.strip()]
        return value

    @field_validator("CORS_ORIGINS")
    @classmethod
    def _no_wildcard(cls, value: list[str]) -> list[str]:
        """Credentials are allowed, so a wildcard origin would let any site act as the user."""
        if "*" in value:
            raise ValueError("CORS_ORIGINS must list origins; '*' is not allowed with credentials")
        return value

    @field_validator("WEBAPP_DIR")
    @classmethod
    def _webapp_build(cls, value: str | None) -> str | None:
        """A web app build to serve must be there at start-up, not fail on the first page load."""
        if value and not (Path(value) / "index.html").is_file():
            raise ValueError(f"{value} is not a directory holding the web app's index.html")
        return str(Path(value).resolve()) if value else None

    @model_validator(mode="after")
    def _require_real_secret(self) -> "Settings":
        """Refuse a missing, short or placeholder JWT key when data outlives the process."""
        key = self.JWT_SECRET_KEY.get_secret_value() if self.JWT_SECRET_KEY else ""
        if key.lower() in _PLACEHOLDER_SECRETS:
            raise ValueError("JWT_SECRET_KEY is a placeholder value; generate a real one")
        if self.MONGO_DB_URI and len(key.encode()) < MIN_SECRET_BYTES:
            raise ValueError(
                f"JWT_SECRET_KEY must be set to at least {MIN_SECRET_BYTES} bytes when MONGO_DB_URI"
                " is set (python -c 'import secrets;print(secrets.token_urlsafe(48))' makes one)"
            )
        if not key:
            # Embedded store only: data dies with the process, so may the key.
            self.JWT_SECRET_KEY = SecretStr(secrets.token_urlsafe(48))
        return self

    @property
    def embedded(self) -> bool:
        """True when the in-memory store is used instead of a MongoDB server."""
        return not self.MONGO_DB_URI

    @property
    def jwt_key(self) -> str:
        """The signing key for access tokens (always set after validation)."""
        assert self.JWT_SECRET_KEY is not None
        return self.JWT_SECRET_KEY.get_secret_value()

    @property
    def seed_demo_data(self) -> bool:
        """Demo users are seeded on the embedded store, and on a real one only when asked."""
        if self.SEED_DEMO_DATA is None:
            return self.embedded
        return self.SEED_DEMO_DATA


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()


_active: list[Settings] = []


@contextlib.contextmanager
def activated(settings: Settings) -> Iterator[None]:
    """Make these the settings `active_settings()` returns while an app runs (tests nest apps)."""
    _active.append(settings)
    try:
        yield
    finally:
        _active.remove(settings)


def active_settings() -> Settings:
    """The settings of the running app (the environment's when no app runs)."""
    return _active[-1] if _active else get_settings()
