"""Email settings read from the environment: SendGrid's Event Webhook key and the SMTP relay."""
import pytest

from services.settings import SettingsError, get_settings


def _fresh_settings():
    return get_settings.__wrapped__()  # read the environment again, leave the cache alone


def test_real_sendgrid_needs_its_own_event_webhook_key(monkeypatch):
    from services.sandbox.sendgrid.events import sandbox_public_key

    assert _fresh_settings().sendgrid_webhook_public_key == sandbox_public_key()  # the twin
    monkeypatch.setenv("SENDGRID_HOST", "https://api.sendgrid.com")
    monkeypatch.delenv("SENDGRID_WEBHOOK_PUBLIC_KEY", raising=False)
    with pytest.raises(SettingsError, match="SENDGRID_WEBHOOK_PUBLIC_KEY"):
        _fresh_settings()
    monkeypatch.setenv("SENDGRID_WEBHOOK_PUBLIC_KEY", sandbox_public_key())  # anyone can sign
    with pytest.raises(SettingsError, match="SENDGRID_WEBHOOK_PUBLIC_KEY"):
        _fresh_settings()
    monkeypatch.setenv("SENDGRID_WEBHOOK_PUBLIC_KEY", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE")
    assert _fresh_settings().sendgrid_webhook_public_key.startswith("MFkwEwYH")


def test_smtp_defaults_to_the_sandbox_sink(monkeypatch):
    monkeypatch.delenv("SMTP_HOST", raising=False)
    monkeypatch.delenv("SMTP_PORT", raising=False)
    monkeypatch.setenv("BGC_SMTP_PORT", "2626")
    s = _fresh_settings()
    assert (s.smtp_host, s.smtp_port, s.smtp_is_sink) == ("127.0.0.1", 2626, True)
    monkeypatch.setenv("SMTP_HOST", "smtp.relais.cm")
    monkeypatch.setenv("SMTP_PORT", "587")
    assert _fresh_settings().smtp_is_sink is False
