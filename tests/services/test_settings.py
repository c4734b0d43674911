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
