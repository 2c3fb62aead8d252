"""Configuration chosen by CARECOORD_ENV: development (default), test or production."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
INSTANCE_DIR = ROOT / "instance"
KEY_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


class ConfigurationError(RuntimeError):
    """A setting is missing or malformed; the message names the CARECOORD_ setting."""


def _setting(name: str) -> str | None:
    """Read `name` from the environment, or from the file named by `name`_FILE."""
    if value := os.environ.get(name):
        return value.strip()
    if path := os.environ.get(f"{name}_FILE"):
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(f"{name}_FILE cannot be read: {exc.strerror}") from None
    return None


def decode_key(name: str, value: str) -> bytes:
    """A 32-byte key from url-safe base64; raises naming the setting when it is not one."""
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ConfigurationError(f"{name} is malformed: expected url-safe base64") from None
    if len(raw) != 32:
        raise ConfigurationError(f"{name} is malformed: expected a 32-byte key")
    return raw


def parse_data_keys(name: str, value: str) -> list[tuple[str, bytes]]:
    """`id:key,id:key`; the first is the newest and encrypts, all of them decrypt."""
    keys: list[tuple[str, bytes]] = []
    for item in value.split(","):
        key_id, sep, encoded = item.strip().partition(":")
        if not sep or not KEY_ID_PATTERN.match(key_id):
            raise ConfigurationError(f"{name} is malformed: expected id:key[,id:key…]")
        if any(key_id == known for known, _ in keys):
            raise ConfigurationError(f"{name} is malformed: key id {key_id} appears twice")
        keys.append((key_id, decode_key(name, encoded)))
    return keys


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")


def new_key_id() -> str:
    return f"k{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(2)}"


class Config:
    ENV_NAME = "base"
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SECRET_KEY: str | None = None
    DATA_KEYS: list[tuple[str, bytes]] = []
    BLIND_INDEX_KEY: bytes = b""
    PSEUDONYM_KEY: bytes = b""
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    DEFAULT_LANGUAGE = "nl"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "carecoord_session"
    # Session timeouts (SECURITY.md); the cookie lives exactly as long as the absolute one.
    SESSION_IDLE_MINUTES = 15
    SESSION_ABSOLUTE_HOURS = 8
    PERMANENT_SESSION_LIFETIME = timedelta(hours=SESSION_ABSOLUTE_HOURS)
    # The session timeouts bound a token's life; a time limit of its own would only lose what a
    # user typed into a form opened long ago in a session that is still valid.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Argon2id (RFC 9106 second recommended option: 64 MiB, t=3, p=4).
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 64 * 1024
    ARGON2_PARALLELISM = 4
    SQLITE_BUSY_TIMEOUT_MS = 10_000
    KEY_ROTATION_BATCH = 500
    SUPPRESSION_THRESHOLD = 5
    # Years a client file is kept after its last closure (docs/privacy.md "Retention").
    RETENTION_YEARS = 7
    # Where export files go; None means instance/exports (see reporting/exports.py).
    EXPORT_DIR: str | None = None
    PAGE_SIZE = 25
    # Reverse proxies in front of the app (CARECOORD_PROXY_HOPS); 0 trusts no forwarded header.
    PROXY_HOPS = 0
    # Bare endpoints for benchmarks/ only (CARECOORD_BENCHMARK_ENDPOINTS; refused in production).
    BENCHMARK_ENDPOINTS = False
    # Sign-in throttling (SECURITY.md): Flask-Limiter's storage; with Redis the account lock
    # holds across processes and servers, memory:// is per process.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_KEY_PREFIX = "carecoord"
    RATELIMIT_HEADERS_ENABLED = False
    SIGN_IN_FAILURES_ALLOWED = 5
    SIGN_IN_FAILURE_WINDOW = 60  # seconds
    SIGN_IN_LOCK_SECONDS = 900
    # Per source address, on each POST of the sign-in steps (a limits string).
    SIGN_IN_ADDRESS_LIMIT = "30 per minute"
    # Two-factor sign-in: how long the step between password and code may take.
    TWO_FACTOR_PENDING_SECONDS = 300
    TWO_FACTOR_ENROL_SECONDS = 900
    TWO_FACTOR_ISSUER = "carecoord"


def _database_url(default: str | None) -> str | None:
    url = _setting("CARECOORD_DATABASE_URL") or default
    if url and url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    DEBUG = False  # the Werkzeug debugger would expose a console; `make run` keeps it off


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    # Cheap hashing in tests only.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 8
    ARGON2_PARALLELISM = 1
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
    DATA_KEYS = [("test-1", b"\x01" * 32)]
    BLIND_INDEX_KEY = b"\x02" * 32
    PSEUDONYM_KEY = b"\x03" * 32
    KEY_ROTATION_BATCH = 7
    # Memory storage, reset per test (tests/conftest.py); many sign-ins from one test address.
    RATELIMIT_STORAGE_URI = "memory://"
    SIGN_IN_ADDRESS_LIMIT = "1000 per minute"


def _load_secrets_from_environment(cfg: dict) -> None:
    """Fill the keys from CARECOORD_ settings; raise naming the first missing one."""
    secret = _setting("CARECOORD_SECRET_KEY")
    if not secret:
        raise ConfigurationError("CARECOORD_SECRET_KEY is missing")
    if len(secret) < 32:
        raise ConfigurationError("CARECOORD_SECRET_KEY is malformed: use at least 32 characters")
    cfg["SECRET_KEY"] = secret
    data_keys = _setting("CARECOORD_DATA_KEYS")
    if not data_keys:
        raise ConfigurationError("CARECOORD_DATA_KEYS is missing")
    cfg["DATA_KEYS"] = parse_data_keys("CARECOORD_DATA_KEYS", data_keys)
    for setting, field in (
        ("CARECOORD_BLIND_INDEX_KEY", "BLIND_INDEX_KEY"),
        ("CARECOORD_PSEUDONYM_KEY", "PSEUDONYM_KEY"),
    ):
        value = _setting(setting)
        if not value:
            raise ConfigurationError(f"{setting} is missing")
        cfg[field] = decode_key(setting, value)


def development_keys_file(instance_dir: Path = INSTANCE_DIR) -> Path:
    """Create instance/keys.json once (mode 0600) and never overwrite it."""
    path = instance_dir / "keys.json"
    instance_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        content = {
            "CARECOORD_SECRET_KEY": secrets.token_urlsafe(48),
            "CARECOORD_DATA_KEYS": f"{new_key_id()}:{new_key()}",
            "CARECOORD_BLIND_INDEX_KEY": new_key(),
            "CARECOORD_PSEUDONYM_KEY": new_key(),
        }
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(content, handle, indent=2)
    return path


# The bounds of carecoord.retention.rules (MIN_YEARS, MAX_YEARS); config imports no app module.
RETENTION_YEARS_RANGE = (1, 20)


def _retention_settings(cfg: dict) -> None:
    """Whole years from 1 to 20: 0 would purge every closed file at once (docs/privacy.md)."""
    if (years := _setting("CARECOORD_RETENTION_YEARS")) is not None:
        low, high = RETENTION_YEARS_RANGE
        if not (years.isascii() and years.isdigit()) or not low <= int(years) <= high:
            raise ConfigurationError(
                f"CARECOORD_RETENTION_YEARS is malformed: use a whole number of years "
                f"from {low} to {high}"
            )
        cfg["RETENTION_YEARS"] = int(years)


def _reporting_settings(cfg: dict) -> None:
    """The suppression threshold (never below 3, SECURITY.md) and the export folder."""
    if threshold := _setting("CARECOORD_SUPPRESSION_THRESHOLD"):
        if not threshold.isdigit() or int(threshold) < 3:
            raise ConfigurationError(
                "CARECOORD_SUPPRESSION_THRESHOLD is malformed: use a whole number of at least 3"
            )
        cfg["SUPPRESSION_THRESHOLD"] = int(threshold)
    if export_dir := _setting("CARECOORD_EXPORT_DIR"):
        cfg["EXPORT_DIR"] = export_dir


RATE_LIMIT_SCHEMES = ("redis://", "rediss://", "memory://")
PROXY_HOPS_MAX = 5


def _proxy_settings(cfg: dict) -> None:
    """How many reverse proxies stand before the app; their X-Forwarded-For/-Proto are trusted."""
    if (hops := _setting("CARECOORD_PROXY_HOPS")) is not None:
        if not (hops.isascii() and hops.isdigit()) or int(hops) > PROXY_HOPS_MAX:
            raise ConfigurationError(
                f"CARECOORD_PROXY_HOPS is malformed: use a whole number from 0 to {PROXY_HOPS_MAX}"
            )
        cfg["PROXY_HOPS"] = int(hops)


def _rate_limit_settings(cfg: dict) -> None:
    """Where the sign-in throttle keeps its counters: Redis to share them, else memory."""
    if url := _setting("CARECOORD_RATELIMIT_STORAGE_URL"):
        if not url.startswith(RATE_LIMIT_SCHEMES):
            raise ConfigurationError(
                "CARECOORD_RATELIMIT_STORAGE_URL is malformed: use redis://, rediss:// or memory://"
            )
        cfg["RATELIMIT_STORAGE_URI"] = url


SESSION_ABSOLUTE_HOURS_MAX = 24


def _replica_settings(cfg: dict) -> None:
    """A read replica for the dashboard and the export (docs/deployment.md); never written."""
    if url := _setting("CARECOORD_DATABASE_REPLICA_URL"):
        if url.startswith(("postgresql://", "postgres://")):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        cfg["SQLALCHEMY_BINDS"] = {"replica": url}


def _benchmark_settings(cfg: dict, env_name: str) -> None:
    """The bare endpoints of benchmarks/ (carecoord.benchmarking): never in production."""
    if _setting("CARECOORD_BENCHMARK_ENDPOINTS") in ("1", "true"):
        if env_name == "production":
            raise ConfigurationError(
                "CARECOORD_BENCHMARK_ENDPOINTS is refused in production: it serves client data "
                "without the access checks"
            )
        cfg["BENCHMARK_ENDPOINTS"] = True


def _session_settings(cfg: dict) -> None:
    """Idle minutes and absolute hours: whole numbers, the idle one never the longer."""
    for setting, field, high in (
        ("CARECOORD_SESSION_IDLE_MINUTES", "SESSION_IDLE_MINUTES", None),
        ("CARECOORD_SESSION_ABSOLUTE_HOURS", "SESSION_ABSOLUTE_HOURS", SESSION_ABSOLUTE_HOURS_MAX),
    ):
        if (value := _setting(setting)) is None:
            continue
        number = int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 0
        if number < 1 or (high is not None and number > high):
            bounds = f"from 1 to {high}" if high else "of at least 1"
            raise ConfigurationError(f"{setting} is malformed: use a whole number {bounds}")
        cfg[field] = number
    if cfg["SESSION_IDLE_MINUTES"] > cfg["SESSION_ABSOLUTE_HOURS"] * 60:
        raise ConfigurationError(
            "CARECOORD_SESSION_IDLE_MINUTES is malformed: "
            "the idle timeout cannot be longer than the absolute timeout"
        )
    cfg["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=cfg["SESSION_ABSOLUTE_HOURS"])


def load_config(env_name: str | None = None) -> dict:
    """The settings for CARECOORD_ENV as a dict for `app.config.from_mapping`."""
    env_name = env_name or os.environ.get("CARECOORD_ENV", "development")
    classes = {"development": DevelopmentConfig, "production": ProductionConfig, "test": TestConfig}
    if env_name not in classes:
        raise ConfigurationError("CARECOORD_ENV is malformed: use development, test or production")
    base = classes[env_name]
    cfg = {key: getattr(base, key) for key in dir(base) if key.isupper()}
    if env_name == "development":
        stored = json.loads(development_keys_file().read_text(encoding="utf-8"))
        for name, value in stored.items():
            os.environ.setdefault(name, value)
        cfg["SQLALCHEMY_DATABASE_URI"] = _database_url(f"sqlite:///{INSTANCE_DIR / 'carecoord.db'}")
        _load_secrets_from_environment(cfg)
    elif env_name == "production":
        cfg["SQLALCHEMY_DATABASE_URI"] = _database_url(None)
        if not cfg["SQLALCHEMY_DATABASE_URI"]:
            raise ConfigurationError("CARECOORD_DATABASE_URL is missing")
        _load_secrets_from_environment(cfg)
    else:
        cfg["SQLALCHEMY_DATABASE_URI"] = _database_url("sqlite://")
    _reporting_settings(cfg)
    _session_settings(cfg)
    _retention_settings(cfg)
    _proxy_settings(cfg)
    _replica_settings(cfg)
    _benchmark_settings(cfg, env_name)
    if env_name != "test":
        _rate_limit_settings(cfg)
    return cfg


if __name__ == "__main__":
    # `python config.py`: a fresh set of production settings, without a configured app.
    print(f"CARECOORD_SECRET_KEY={secrets.token_urlsafe(48)}")
    print(f"CARECOORD_DATA_KEYS={new_key_id()}:{new_key()}")
    print(f"CARECOORD_BLIND_INDEX_KEY={new_key()}")
    print(f"CARECOORD_PSEUDONYM_KEY={new_key()}")
