"""Settings read from the environment: the ones the product must not guess.

Each provider's signing secret (or key) has a well-known default that only its sandbox twin may
use: pointed at the real provider, the product refuses to start without the real one."""
import pytest

from services.settings import SettingsError, get_settings


def _fresh_settings():
    return get_settings.__wrapped__()  # read the environment again, leave the cache alone


def _sendgrid_twin_key() -> str:
    from services.sandbox.sendgrid.events import sandbox_public_key

    return sandbox_public_key()


# (where the real provider is, its variable, the secret's variable, the twin's published value,
#  the setting that carries it)
PROVIDER_SECRETS = [
    ("STRIPE_API_BASE", "https://api.stripe.com", "STRIPE_WEBHOOK_SECRET", "whsec_sandbox",
     "stripe_webhook_secret"),
    ("TWILIO_API_BASE", "https://api.twilio.com", "TWILIO_AUTH_TOKEN", "sandbox-auth-token",
     "twilio_auth_token"),
    ("SENDGRID_HOST", "https://api.sendgrid.com", "SENDGRID_WEBHOOK_PUBLIC_KEY", _sendgrid_twin_key,
     "sendgrid_webhook_public_key"),
    ("WHATSAPP_API_BASE", "https://graph.facebook.com", "WHATSAPP_APP_SECRET",
     "sandbox-app-secret", "whatsapp_app_secret"),
    ("WHATSAPP_API_BASE", "https://graph.facebook.com", "WHATSAPP_VERIFY_TOKEN",
     "sandbox-verify-token", "whatsapp_verify_token"),
    ("WHATSAPP_API_BASE", "https://graph.facebook.com", "WHATSAPP_ACCESS_TOKEN",
     "sandbox-access-token", "whatsapp_access_token"),
]
_ALL_SECRETS = {secret for _, _, secret, _, _ in PROVIDER_SECRETS}


@pytest.fixture
def real_values_elsewhere(monkeypatch):
    """Every other secret set, so that only the one under test can be missing."""
    for name in _ALL_SECRETS:
        monkeypatch.setenv(name, f"real-{name.lower()}")


@pytest.mark.parametrize("base, real, secret, twin_value, setting", PROVIDER_SECRETS,
                         ids=[p[2] for p in PROVIDER_SECRETS])
def test_a_real_provider_without_its_own_secret_refuses_to_start(
        monkeypatch, real_values_elsewhere, base, real, secret, twin_value, setting):
    twin_value = twin_value() if callable(twin_value) else twin_value
    monkeypatch.setenv(base, real)
    monkeypatch.delenv(secret)
    with pytest.raises(SettingsError, match=secret):
        _fresh_settings()
    monkeypatch.setenv(secret, twin_value)  # the published default: anyone could sign with it
    with pytest.raises(SettingsError, match=secret):
        _fresh_settings()
    monkeypatch.setenv(secret, "from-the-providers-console")
    assert getattr(_fresh_settings(), setting) == "from-the-providers-console"


@pytest.mark.parametrize("base, real, secret, twin_value, setting", PROVIDER_SECRETS,
                         ids=[p[2] for p in PROVIDER_SECRETS])
def test_the_sandbox_twin_keeps_its_default(monkeypatch, base, real, secret, twin_value, setting):
    twin_value = twin_value() if callable(twin_value) else twin_value
    monkeypatch.delenv(base, raising=False)
    monkeypatch.delenv(secret, raising=False)
    assert getattr(_fresh_settings(), setting) == twin_value


def test_smtp_defaults_to_the_sandbox_sink(monkeypatch):
    monkeypatch.delenv("SMTP_HOST", raising=False)
    monkeypatch.delenv("SMTP_PORT", raising=False)
    monkeypatch.setenv("BGC_SMTP_PORT", "2626")
    s = _fresh_settings()
    assert (s.smtp_host, s.smtp_port, s.smtp_is_sink) == ("127.0.0.1", 2626, True)
    monkeypatch.setenv("SMTP_HOST", "smtp.relais.cm")
    monkeypatch.setenv("SMTP_PORT", "587")
    assert _fresh_settings().smtp_is_sink is False
