"""The voice slot's retry rules are checked when a campaign is saved (UC-VO-01: busy -> 15 or 30 minutes)."""
import pytest

from services.campaigns.config import default_config
from services.campaigns.lifecycle import create_campaign
from services.campaigns.store import CampaignError
from services.models.platform import Role
from tests.support.accounts import context_for, new_tenant


def test_busy_retry_is_15_or_30_minutes_and_attempts_are_bounded():
    sup = context_for(new_tenant(), Role.SUPERVISOR)
    config = default_config("Relance")
    config["channels"]["voice"].update(busy_retry_minutes=20, max_attempts=0, retry_minutes=0)
    with pytest.raises(CampaignError) as refused:
        create_campaign(sup, config)
    assert str(refused.value) == ("Un numéro occupé est rappelé après 15 ou 30 minutes. "
                                  "Le nombre de tentatives va de 1 à 10. "
                                  "Le délai avant un nouvel essai est d'au moins une minute.")
    config["channels"]["voice"].update(busy_retry_minutes=30, max_attempts=5, retry_minutes=120)
    saved = create_campaign(sup, config)
    assert saved.config["channels"]["voice"]["busy_retry_minutes"] == 30


def test_a_callers_maximum_wait_is_bounded_and_the_mode_known():
    sup = context_for(new_tenant(), Role.SUPERVISOR)
    config = default_config("Ligne clients")
    config["channels"]["voice"].update(mode="ENTRANT", max_wait_seconds="30 s")
    with pytest.raises(CampaignError) as refused:
        create_campaign(sup, config)
    assert str(refused.value) == ("L'attente maximale d'un appelant va de 10 à 900 secondes. "
                                  "Choisissez un mode d'appel.")
    config["channels"]["voice"].update(mode="INBOUND", max_wait_seconds=45, skill="Anglais", vip_field="VIP")
    voice = create_campaign(sup, config).config["channels"]["voice"]
    assert (voice["mode"], voice["max_wait_seconds"], voice["skill"], voice["vip_field"]) == (
        "INBOUND", 45, "Anglais", "VIP")
