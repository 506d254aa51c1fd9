"""One Settings object, read from INSPRAAK_* environment variables."""

import os
import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="INSPRAAK_", env_file=None, extra="ignore")

    var_dir: Path = ROOT / "var"
    database_url: str = ""
    # Never a hard-coded default: when unset, one is generated into var/ (see secret()).
    secret_key: str = ""
    # The address printed in QR codes; defaults to http://host:port.
    public_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    # Sent as Secure cookies when the public URL is https.
    default_locale: str = "nl"
    # Rate limits count failures only (see the README): a wrong code, a wrong password.
    join_rate_limit: int = Field(default=50, description="wrong codes per client address per window")
    join_rate_window: int = Field(default=900, description="seconds")
    join_global_limit: int = Field(default=5000, description="wrong codes from all addresses together per hour")
    login_rate_limit: int = Field(default=10, description="wrong passwords per staff account per window")
    login_address_limit: int = Field(default=100, description="wrong passwords per client address per window")
    login_rate_window: int = Field(default=900, description="seconds")
    # Staff sessions end after this much inactivity, and at the latest after staff_session_hours.
    staff_idle_minutes: int = 60
    staff_session_hours: int = 12
    # Bodies over this are refused (413) before they are read: the longest form is well below.
    max_body_bytes: int = 1_000_000
    redis_url: str = ""
    # Addresses of a reverse proxy whose X-Forwarded-For is trusted (uvicorn's forwarded_allow_ips).
    forwarded_allow_ips: str = ""
    debug: bool = False

    @model_validator(mode="after")
    def _default_public_url(self) -> "Settings":
        if not self.public_url:
            self.public_url = f"http://{self.host}:{self.port}"
        return self

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'inspraak.db'}"

    @property
    def secure_cookies(self) -> bool:
        return self.public_url.startswith("https://")

    def secret(self) -> bytes:
        """The server secret K. Generated once into var/secret_key (mode 0600) when not set."""
        if self.secret_key:
            return self.secret_key.encode()
        path = self.var_dir / "secret_key"
        if not path.exists():
            self.var_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
        return path.read_text().strip().encode()


@lru_cache
def get_settings() -> Settings:
    return Settings()
