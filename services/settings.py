"""Settings read from the environment, with defaults that need nothing installed.

Without DATABASE_URL / REDIS_URL the run and test commands start embedded servers
under the data folder and export these variables before any process reads them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


class SettingsError(RuntimeError):
    """A setting the product cannot run without; the message says which and why."""


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str
    web_port: int
    backend_port: int
    sandbox_port: int
    pbx_port: int
    public_url: str
    platform_domain: str
    sendgrid_api_key: str
    sendgrid_host: str
    email_sender: str
    session_idle_minutes: int
    session_max_hours: int
    login_max_failures_account: int
    login_max_failures_address: int
    login_window_seconds: int
    reset_token_minutes: int
    demo_password: str = field(repr=False, default="")
    # Key for encrypting stored credentials (e.g. remote databases); from the environment.
    secret_key: str = field(repr=False, default="")
    # Remote contact databases (audience): private/loopback hosts only when the platform allows.
    allow_private_db_sources: bool = False
    db_source_timeout_seconds: int = 10
    # Payments (Stripe, or its sandbox twin at sandbox_url/stripe).
    stripe_api_key: str = field(repr=False, default="sk_test_sandbox")
    stripe_api_base: str = ""
    stripe_webhook_secret: str = field(repr=False, default="")
    # SMS (Twilio, or its sandbox twin at sandbox_url/twilio); the sender when a campaign has none.
    twilio_account_sid: str = "AC00000000000000000000000000000000"
    twilio_auth_token: str = field(repr=False, default="sandbox-auth-token")
    twilio_api_base: str = ""
    sms_sender: str = "BGOTOCALL"
    # Messages per second per provider account and sender (0 = no limit), shared by all workers.
    sms_rate_per_sender: float = 0.0
    email_rate_per_sender: float = 0.0
    # WhatsApp (Meta Cloud API, or its sandbox twin at sandbox_url/meta): the platform's Meta
    # app (secret, webhook verify token) and the default business number; a tenant may have
    # its own number (services/providers/whatsapp/account.py).
    whatsapp_api_base: str = ""
    whatsapp_app_secret: str = field(repr=False, default="sandbox-app-secret")
    whatsapp_verify_token: str = field(repr=False, default="sandbox-verify-token")
    whatsapp_access_token: str = field(repr=False, default="sandbox-access-token")
    whatsapp_phone_number_id: str = "100000000000001"
    whatsapp_waba_id: str = "200000000000001"
    whatsapp_rate_per_sender: float = 0.0

    @property
    def stripe_webhook_url(self) -> str:
        """Where Stripe (or the twin) POSTs its events: an HTTP route of the web app."""
        return f"{self.public_url}/api/billing/stripe/webhook"

    @property
    def twilio_status_url(self) -> str:
        """Where Twilio (or the twin) POSTs message status callbacks."""
        return f"{self.public_url}/api/messaging/twilio/status"

    @property
    def twilio_inbound_url(self) -> str:
        """The SMS webhook of our numbers: inbound messages ("STOP", a question)."""
        return f"{self.public_url}/api/messaging/twilio/inbound"

    @property
    def whatsapp_webhook_url(self) -> str:
        """The callback URL of our Meta app: verification (GET), then every webhook (POST)."""
        return f"{self.public_url}/api/messaging/whatsapp/webhook"

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"


def _stripe_webhook_secret(sandbox_port: int) -> str:
    """The secret Stripe signs its webhooks with. Only the sandbox twin (STRIPE_API_BASE
    unset or pointing at it) may use the well-known default: with real Stripe, a default
    anyone can read would let forged payment events in."""
    secret = _env("STRIPE_WEBHOOK_SECRET")
    sandbox = _env("STRIPE_API_BASE", _sandbox_stripe(sandbox_port)) == _sandbox_stripe(sandbox_port)
    if sandbox:
        return secret or "whsec_sandbox"
    if not secret or secret == "whsec_sandbox":
        raise SettingsError("STRIPE_WEBHOOK_SECRET is not set while STRIPE_API_BASE points at a "
                            "real Stripe API: set it to the signing secret of the webhook endpoint.")
    return secret


def _sandbox_meta(sandbox_port: int) -> str:
    return f"http://127.0.0.1:{sandbox_port}/meta"


_WHATSAPP_SANDBOX = {"WHATSAPP_APP_SECRET": "sandbox-app-secret",
                     "WHATSAPP_VERIFY_TOKEN": "sandbox-verify-token",
                     "WHATSAPP_ACCESS_TOKEN": "sandbox-access-token"}


def _whatsapp_secrets(sandbox_port: int) -> dict[str, str]:
    """The Meta app secret (webhook signatures), the verify token and the access token. The
    well-known defaults serve only the sandbox twin (WHATSAPP_API_BASE unset or pointing at
    it): against the real Graph API they would let anyone forge Meta's webhooks."""
    sandbox = _env("WHATSAPP_API_BASE", _sandbox_meta(sandbox_port)) == _sandbox_meta(sandbox_port)
    values = {}
    for name, default in _WHATSAPP_SANDBOX.items():
        value = _env(name)
        if sandbox:
            value = value or default
        elif not value or value == default:
            raise SettingsError(f"{name} is not set while WHATSAPP_API_BASE points at the real "
                                "Graph API: set it from the Meta app's settings.")
        values[name] = value
    return values


def _sandbox_stripe(sandbox_port: int) -> str:
    return f"http://127.0.0.1:{sandbox_port}/stripe"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    data_dir = Path(_env("BGC_DATA_DIR", str(REPO_ROOT / ".data"))).resolve()
    web_port = _env_int("BGC_WEB_PORT", 3000)
    sandbox_port = _env_int("BGC_SANDBOX_PORT", 8025)
    whatsapp = _whatsapp_secrets(sandbox_port)
    return Settings(
        data_dir=data_dir,
        database_url=_env("DATABASE_URL"),
        redis_url=_env("REDIS_URL"),
        web_port=web_port,
        backend_port=_env_int("BGC_BACKEND_PORT", 8000),
        sandbox_port=sandbox_port,
        pbx_port=_env_int("BGC_PBX_PORT", 5038),
        public_url=_env("BGC_PUBLIC_URL", f"http://localhost:{web_port}"),
        platform_domain=_env("BGC_PLATFORM_DOMAIN", "b-gotocall.localhost"),
        sendgrid_api_key=_env("SENDGRID_API_KEY", "SG.sandbox-key"),
        sendgrid_host=_env("SENDGRID_HOST", f"http://127.0.0.1:{sandbox_port}/sendgrid"),
        email_sender=_env("BGC_EMAIL_SENDER", "no-reply@b-gotocall.com"),
        session_idle_minutes=_env_int("BGC_SESSION_IDLE_MINUTES", 120),
        session_max_hours=_env_int("BGC_SESSION_MAX_HOURS", 12),
        login_max_failures_account=_env_int("BGC_LOGIN_MAX_FAILURES_ACCOUNT", 5),
        login_max_failures_address=_env_int("BGC_LOGIN_MAX_FAILURES_ADDRESS", 20),
        login_window_seconds=_env_int("BGC_LOGIN_WINDOW_SECONDS", 900),
        reset_token_minutes=_env_int("BGC_RESET_TOKEN_MINUTES", 30),
        demo_password=_env("BGC_DEMO_PASSWORD", "Demo-2026!"),
        secret_key=_env("BGC_SECRET_KEY"),
        allow_private_db_sources=_env("BGC_ALLOW_PRIVATE_DB_SOURCES").lower() in ("1", "true", "yes"),
        db_source_timeout_seconds=_env_int("BGC_DB_SOURCE_TIMEOUT_SECONDS", 10),
        stripe_api_key=_env("STRIPE_API_KEY", "sk_test_sandbox"),
        stripe_api_base=_env("STRIPE_API_BASE", _sandbox_stripe(sandbox_port)),
        stripe_webhook_secret=_stripe_webhook_secret(sandbox_port),
        twilio_account_sid=_env("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"),
        twilio_auth_token=_env("TWILIO_AUTH_TOKEN", "sandbox-auth-token"),
        twilio_api_base=_env("TWILIO_API_BASE", f"http://127.0.0.1:{sandbox_port}/twilio"),
        sms_sender=_env("BGC_SMS_SENDER", "BGOTOCALL"),
        sms_rate_per_sender=float(_env("BGC_SMS_RATE_PER_SENDER", "0")),
        email_rate_per_sender=float(_env("BGC_EMAIL_RATE_PER_SENDER", "0")),
        whatsapp_api_base=_env("WHATSAPP_API_BASE", _sandbox_meta(sandbox_port)),
        whatsapp_app_secret=whatsapp["WHATSAPP_APP_SECRET"],
        whatsapp_verify_token=whatsapp["WHATSAPP_VERIFY_TOKEN"],
        whatsapp_access_token=whatsapp["WHATSAPP_ACCESS_TOKEN"],
        whatsapp_phone_number_id=_env("WHATSAPP_PHONE_NUMBER_ID", "100000000000001"),
        whatsapp_waba_id=_env("WHATSAPP_WABA_ID", "200000000000001"),
        whatsapp_rate_per_sender=float(_env("BGC_WHATSAPP_RATE_PER_SENDER", "0")),
    )
