"""Paramètres: operating settings (time zone, country, pause reasons, wrap-up, retention) and the
company profile with its legal identifiers; the agent's break follows the tenant's reasons."""
import pytest

from services.billing.profile import billing_profile
from services.identity.access import AccessDenied
from services.models.platform import Role
from services.tenant_settings import (
    company_profile, operating_settings, pause_reasons, save_company_profile,
    save_operating_settings,
)
from services.voice.availability import take_break
from tests.support.accounts import context_for, new_tenant


@pytest.fixture
def tenant():
    return new_tenant()


def test_defaults_follow_the_tenant_country(tenant):
    settings = operating_settings(context_for(tenant, Role.ADMIN))
    assert (settings.timezone, settings.default_country) == ("Africa/Douala", "CM")
    assert settings.pause_reasons == ["Déjeuner", "Formation", "Réunion", "Pause courte"]


def test_invalid_settings_get_one_clear_message_per_field_and_nothing_is_saved(tenant):
    admin = context_for(tenant, Role.ADMIN)
    errors = save_operating_settings(admin, "Mars/Olympus", "ZZ", "Déjeuner\ndéjeuner", "-5", "0")
    assert set(errors) == {"timezone", "default_country", "pause_reasons", "max_wrapup_seconds",
                           "recording_retention_days"}
    assert "deux fois" in errors["pause_reasons"]
    assert operating_settings(admin).timezone == "Africa/Douala"


def test_saved_settings_are_read_at_once_and_the_break_uses_the_new_reasons(tenant):
    admin, agent = context_for(tenant, Role.ADMIN), context_for(tenant, Role.AGENT)
    assert save_operating_settings(admin, "Africa/Abidjan", "ci", "Prière\n Pause café \n", "45", "30") == {}
    settings = operating_settings(agent)
    assert (settings.timezone, settings.default_country, settings.max_wrapup_seconds,
            settings.recording_retention_days) == ("Africa/Abidjan", "CI", 45, 30)
    assert pause_reasons(agent) == ["Prière", "Pause café"]
    with pytest.raises(ValueError, match="Motif de pause inconnu"):
        take_break(agent, "Déjeuner")
    with pytest.raises(AccessDenied):
        save_operating_settings(agent, "Africa/Abidjan", "CI", "Prière", "45", "30")


def test_company_profile_with_niu_and_rccm_is_the_billing_profile(tenant):
    admin = context_for(tenant, Role.ADMIN)
    errors = save_company_profile(admin, "Acme SARL", "Rue 1.234 Akwa", "Douala", "12", "x", "")
    assert "NIU invalide" in errors["niu"] and "RCCM invalide" in errors["rccm"]
    assert save_company_profile(admin, "Acme SARL", "Rue 1.234 Akwa", "Douala", "m012345678901a",
                                "RC/DLA/2019/B/1234", "") == {}
    profile = company_profile(admin)
    assert (profile.niu, profile.rccm) == ("M012345678901A", "RC/DLA/2019/B/1234")
    assert billing_profile(admin).legal_name == "Acme SARL"
