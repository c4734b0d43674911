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
    # The PBX simulator's SIP over WebSocket (the browser's phone in sandbox; Asterisk serves wss:// on 8089).
    sip_ws_port: int = 8088
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
    # SendGrid's signed Event Webhook: the verification key (base64 DER of an ECDSA P-256 key).
    sendgrid_webhook_public_key: str = ""
    # SMTP relay, the second email adapter (default: the sandbox's SMTP sink).
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 2525
    smtp_username: str = ""
    smtp_password: str = field(repr=False, default="")
    smtp_starttls: bool = False
    smtp_sink_port: int = 2525
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
    def sendgrid_event_url(self) -> str:
        """Where SendGrid (or the twin) POSTs its signed Event Webhook."""
        return f"{self.public_url}/api/messaging/sendgrid/events"

    @property
    def smtp_is_sink(self) -> bool:
        """The SMTP relay is the sandbox's sink, which can be asked what it received."""
        return self.smtp_host in ("127.0.0.1", "localhost") and self.smtp_port == self.smtp_sink_port

    @property
    def whatsapp_webhook_url(self) -> str:
        """The callback URL of our Meta app: verification (GET), then every webhook (POST)."""
        return f"{self.public_url}/api/messaging/whatsapp/webhook"

    @property
    def sandbox_url(self) -> str:
        return f"http://127.0.0.1:{self.sandbox_port}"


def _provider_secret(secret_var: str, base_var: str, twin_base: str, twin_secret: str) -> str:
    """A provider's signing secret. Only its sandbox twin (`base_var` unset or pointing at it)
    may use the well-known default: with the real provider, a default anyone can read would let
    forged events in (payments, message statuses, inbound STOPs)."""
    secret = _env(secret_var)
    if _env(base_var, twin_base) == twin_base:
        return secret or twin_secret
    if not secret or secret == twin_secret:
        raise SettingsError(f"{secret_var} is not set while {base_var} points at the real provider: "
                            "set it to the secret the provider signs its requests with.")
    return secret


def _sendgrid_webhook_public_key(sandbox_port: int) -> str:
    """The key SendGrid's events are verified with; the twin's key pair is derived from a public
    seed (services/sandbox/sendgrid/events.py), so only the twin may use it."""
    from services.sandbox.sendgrid.events import sandbox_public_key

    return _provider_secret("SENDGRID_WEBHOOK_PUBLIC_KEY", "SENDGRID_HOST",
                            f"http://127.0.0.1:{sandbox_port}/sendgrid", sandbox_public_key())


def _sandbox_meta(sandbox_port: int) -> str:
    return f"http://127.0.0.1:{sandbox_port}/meta"


def _sandbox_stripe(sandbox_port: int) -> str:
    return f"http://127.0.0.1:{sandbox_port}/stripe"


def _sandbox_twilio(sandbox_port: int) -> str:
    return f"http://127.0.0.1:{sandbox_port}/twilio"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    data_dir = Path(_env("BGC_DATA_DIR", str(REPO_ROOT / ".data"))).resolve()
    web_port = _env_int("BGC_WEB_PORT", 3000)
    sandbox_port = _env_int("BGC_SANDBOX_PORT", 8025)
    sendgrid_host = _env("SENDGRID_HOST", f"http://127.0.0.1:{sandbox_port}/sendgrid")
    smtp_sink_port = _env_int("BGC_SMTP_PORT", 2525)
    meta = _sandbox_meta(sandbox_port)
    return Settings(
        data_dir=data_dir,
        database_url=_env("DATABASE_URL"),
        redis_url=_env("REDIS_URL"),
        web_port=web_port,
        backend_port=_env_int("BGC_BACKEND_PORT", 8000),
        sandbox_port=sandbox_port,
        pbx_port=_env_int("BGC_PBX_PORT", 5038),
        sip_ws_port=_env_int("BGC_SIP_WS_PORT", 8088),
        public_url=_env("BGC_PUBLIC_URL", f"http://localhost:{web_port}"),
        platform_domain=_env("BGC_PLATFORM_DOMAIN", "b-gotocall.localhost"),
        sendgrid_api_key=_env("SENDGRID_API_KEY", "SG.sandbox-key"),
        sendgrid_host=sendgrid_host,
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
        stripe_webhook_secret=_provider_secret("STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE",
                                               _sandbox_stripe(sandbox_port), "whsec_sandbox"),
        twilio_account_sid=_env("TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"),
        twilio_auth_token=_provider_secret("TWILIO_AUTH_TOKEN", "TWILIO_API_BASE",
                                           _sandbox_twilio(sandbox_port), "sandbox-auth-token"),
        twilio_api_base=_env("TWILIO_API_BASE", _sandbox_twilio(sandbox_port)),
        sms_sender=_env("BGC_SMS_SENDER", "BGOTOCALL"),
        sms_rate_per_sender=float(_env("BGC_SMS_RATE_PER_SENDER", "0")),
        email_rate_per_sender=float(_env("BGC_EMAIL_RATE_PER_SENDER", "0")),
        sendgrid_webhook_public_key=_sendgrid_webhook_public_key(sandbox_port),
        smtp_host=_env("SMTP_HOST", "127.0.0.1"),
        smtp_port=_env_int("SMTP_PORT", smtp_sink_port),
        smtp_username=_env("SMTP_USERNAME"),
        smtp_password=_env("SMTP_PASSWORD"),
        smtp_starttls=_env("SMTP_STARTTLS").lower() in ("1", "true", "yes"),
        smtp_sink_port=smtp_sink_port,
        whatsapp_api_base=_env("WHATSAPP_API_BASE", meta),
        whatsapp_app_secret=_provider_secret("WHATSAPP_APP_SECRET", "WHATSAPP_API_BASE", meta,
                                             "sandbox-app-secret"),
        whatsapp_verify_token=_provider_secret("WHATSAPP_VERIFY_TOKEN", "WHATSAPP_API_BASE", meta,
                                               "sandbox-verify-token"),
        whatsapp_access_token=_provider_secret("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_API_BASE", meta,
                                               "sandbox-access-token"),
        whatsapp_phone_number_id=_env("WHATSAPP_PHONE_NUMBER_ID", "100000000000001"),
        whatsapp_waba_id=_env("WHATSAPP_WABA_ID", "200000000000001"),
        whatsapp_rate_per_sender=float(_env("BGC_WHATSAPP_RATE_PER_SENDER", "0")),
    )
