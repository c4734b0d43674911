"""Settings read from the environment: the ones the product must not guess."""
import pytest

from services.settings import SettingsError, get_settings


def _fresh_settings():
    return get_settings.__wrapped__()  # read the environment again, leave the cache alone


def test_real_stripe_without_a_webhook_secret_refuses_to_start(monkeypatch):
    monkeypatch.setenv("STRIPE_API_BASE", "https://api.stripe.com")
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    with pytest.raises(SettingsError, match="STRIPE_WEBHOOK_SECRET"):
        _fresh_settings()
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_sandbox")  # the published default
    with pytest.raises(SettingsError, match="STRIPE_WEBHOOK_SECRET"):
        _fresh_settings()
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_from_the_dashboard")
    assert _fresh_settings().stripe_webhook_secret == "whsec_from_the_dashboard"


def test_the_sandbox_twin_keeps_its_default_secret(monkeypatch):
    monkeypatch.delenv("STRIPE_API_BASE", raising=False)
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    assert _fresh_settings().stripe_webhook_secret == "whsec_sandbox"


def test_real_twilio_without_its_auth_token_refuses_to_start(monkeypatch):
    monkeypatch.setenv("TWILIO_API_BASE", "https://api.twilio.com")
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="TWILIO_AUTH_TOKEN"):
        _fresh_settings()
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "sandbox-auth-token")  # the twin's published token
    with pytest.raises(SettingsError, match="TWILIO_AUTH_TOKEN"):
        _fresh_settings()
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "token-from-the-console")
    assert _fresh_settings().twilio_auth_token == "token-from-the-console"


def test_the_twilio_twin_keeps_its_default_token(monkeypatch):
    monkeypatch.delenv("TWILIO_API_BASE", raising=False)
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    assert _fresh_settings().twilio_auth_token == "sandbox-auth-token"
def test_real_meta_without_its_secrets_refuses_to_start(monkeypatch):
    monkeypatch.setenv("WHATSAPP_API_BASE", "https://graph.facebook.com")
    for name in ("WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SettingsError, match="WHATSAPP_APP_SECRET"):
        _fresh_settings()
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "sandbox-app-secret")  # the published default
    with pytest.raises(SettingsError, match="WHATSAPP_APP_SECRET"):
        _fresh_settings()
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "from-the-meta-app")
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", "our-verify-token")
    with pytest.raises(SettingsError, match="WHATSAPP_ACCESS_TOKEN"):
        _fresh_settings()
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-system-user-token")
    s = _fresh_settings()
    assert (s.whatsapp_app_secret, s.whatsapp_access_token) == ("from-the-meta-app",
                                                                "EAAG-system-user-token")


def test_the_meta_twin_keeps_its_default_secrets(monkeypatch):
    for name in ("WHATSAPP_API_BASE", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN",
                 "WHATSAPP_ACCESS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    s = _fresh_settings()
    assert s.whatsapp_api_base.endswith("/meta")
    assert s.whatsapp_app_secret == "sandbox-app-secret"
