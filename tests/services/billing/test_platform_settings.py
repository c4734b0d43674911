"""Super admin console services: the price list editor and the platform switches."""
import pytest

from services.audience.remote import RemoteSourceError, checked_address
from services.billing.prices import price_grid, price_list, quote, save_price_list
from services.identity.access import AccessDenied
from services.models.platform import Role
from services.onboarding.options import (
    FREE_MAIL, PRIVATE_DB_SOURCES, platform_switches, set_platform_switch,
)
from services.onboarding.signup import free_mail_allowed
from services.settings import get_settings
from tests.support.accounts import context_for, new_tenant
from tests.support.platform_options import restored_prices, restored_switch


@pytest.fixture
def root():
    return context_for(None, Role.SUPER_ADMIN)


@pytest.fixture
def eur_prices():
    with restored_prices("EUR") as saved:
        yield
    assert price_list("EUR") == saved


def test_a_saved_price_list_is_used_by_the_next_quote(root, eur_prices):
    values = {"seat": "19,90", "voice_minute": "0,04", "sms": "0,07", "email": "0",
              "whatsapp": "0,11"}
    assert save_price_list(root, "eur", values) == {}
    assert price_grid(root)["EUR"] == {**values, "email": "0,00"}
    q = quote("EUR", "FR", ["sms"], 3, {"sms": 1000})
    assert (q.subscription_total, q.consumption_total) == (3 * 1990, 1000 * 7)


def test_invalid_prices_are_reported_per_field_and_nothing_is_saved(root, eur_prices):
    before = price_list("EUR")
    errors = save_price_list(root, "EUR", {"seat": "-3", "voice_minute": "abc", "sms": "0,123",
                                           "email": "", "whatsapp": "1"})
    assert set(errors) == {"seat", "voice_minute", "sms", "email"}
    assert "deux décimales" in errors["sms"]
    assert price_list("EUR") == before
    xaf = save_price_list(root, "XAF", {"seat": "10,5", "voice_minute": "1", "sms": "1",
                                        "email": "1", "whatsapp": "1"})
    assert set(xaf) == {"seat"} and "francs entiers" in xaf["seat"]


def test_only_the_super_admin_edits_prices_and_switches():
    admin = context_for(new_tenant(), Role.ADMIN)
    with pytest.raises(AccessDenied):
        save_price_list(admin, "XAF", {})
    with pytest.raises(AccessDenied):
        set_platform_switch(admin, FREE_MAIL, True)


def test_free_mail_switch_is_read_by_sign_up(root):
    with restored_switch(FREE_MAIL):
        set_platform_switch(root, FREE_MAIL, True)
        assert free_mail_allowed() and platform_switches(root)[FREE_MAIL]
        set_platform_switch(root, FREE_MAIL, False)
        assert not free_mail_allowed()


def test_private_sources_switch_overrides_the_environment_default(root, monkeypatch):
    with restored_switch(PRIVATE_DB_SOURCES):
        with pytest.raises(RemoteSourceError, match="interne"):
            checked_address("127.0.0.1", 5432)  # default: refused
        monkeypatch.setenv("BGC_ALLOW_PRIVATE_DB_SOURCES", "1")
        get_settings.cache_clear()
        try:
            assert checked_address("127.0.0.1", 5432) == "127.0.0.1"  # env as the default
            set_platform_switch(root, PRIVATE_DB_SOURCES, False)  # the stored switch wins
            with pytest.raises(RemoteSourceError):
                checked_address("127.0.0.1", 5432)
        finally:
            monkeypatch.undo()
            get_settings.cache_clear()
        set_platform_switch(root, PRIVATE_DB_SOURCES, True)
        assert checked_address("127.0.0.1", 5432) == "127.0.0.1"
