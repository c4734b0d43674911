"""Rating by destination: the minute price of a called number comes from its country and line type
(phonenumbers), the most precise line of the price list first; the usage line names the destination."""
import pytest
from sqlmodel import select

from services.billing.destinations import (
    destination_of, destination_prices, minute_price, remove_destination_price, set_destination_price)
from services.billing.prices import save_price_list
from services.billing.wallet import wallet_of
from services.db.engine import platform_session
from services.identity.access import AccessDenied
from services.models.billing import WalletEntry
from services.models.interactions import Interaction
from services.models.platform import Role
from services.voice.call_outcomes import rate
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import fund
from tests.support.platform_options import restored_prices

CM_MOBILE, CM_FIXED, FR_MOBILE, US_ANY, UNKNOWN = (
    "+237671234511", "+237222123456", "+33612345678", "+12015550123", "+15550001000")


@pytest.fixture
def prices():
    root = context_for(None, Role.SUPER_ADMIN)
    with restored_prices("XAF") as saved:
        save_price_list(root, "XAF", {**{k: str(v) for k, v in saved.items() if ":" not in k},
                                      "seat": "1000", "sms": "20", "email": "1", "whatsapp": "30",
                                      "voice_minute": "50"})
        assert set_destination_price(root, "XAF", "cm", "mobile", "40") == {}
        assert set_destination_price(root, "XAF", "CM", "", "35") == {}
        assert set_destination_price(root, "XAF", "FR", "fixed", "90") == {}
        yield root


def test_destination_of_a_number():
    assert (destination_of(CM_MOBILE).country, destination_of(CM_MOBILE).kind) == ("CM", "mobile")
    assert destination_of(CM_FIXED).label == "Cameroun fixe"
    assert destination_of(FR_MOBILE).label == "France mobile"
    assert destination_of(UNKNOWN).label == "destination inconnue"


def test_the_most_precise_line_rates_the_number(prices):
    assert minute_price("XAF", CM_MOBILE)[0] == 40      # voice:CM:mobile
    assert minute_price("XAF", CM_FIXED)[0] == 35       # voice:CM (no fixed line for Cameroon)
    assert minute_price("XAF", FR_MOBILE)[0] == 50      # only France fixed is priced: the general minute
    assert minute_price("XAF", "+33145678901")[0] == 90
    assert minute_price("XAF", UNKNOWN)[0] == 50
    listed = {p.item: (p.label, p.amount) for p in destination_prices(prices, "XAF")}
    assert listed == {"voice:CM": ("Cameroun", "35"), "voice:CM:mobile": ("Cameroun mobile", "40"),
                      "voice:FR:fixed": ("France fixe", "90")}
    remove_destination_price(prices, "XAF", "voice:CM:mobile")
    assert minute_price("XAF", CM_MOBILE)[0] == 35


def test_destination_prices_are_validated_and_for_the_super_admin_only(prices):
    errors = set_destination_price(prices, "XAF", "XX", "satellite", "-3")
    assert set(errors) == {"country", "kind", "amount"}
    tenant = new_tenant()
    for role in (Role.ADMIN, Role.SUPERVISOR):
        with pytest.raises(AccessDenied):
            set_destination_price(context_for(tenant, role), "XAF", "CM", "", "1")
        with pytest.raises(AccessDenied):
            destination_prices(context_for(tenant, role), "XAF")


def test_an_answered_call_is_rated_per_started_minute_at_its_destinations_price(prices):
    tenant = new_tenant()
    fund(tenant.id)
    before = wallet_of(tenant.id).balance
    call = Interaction(id=987654, channel="VOIX", address=CM_MOBILE, status="ANSWERED")
    assert rate(tenant.id, call, 61) == (80, "XAF")                 # 2 started minutes at 40
    assert wallet_of(tenant.id).balance == before - 80
    with platform_session() as s:
        line = s.exec(select(WalletEntry).where(WalletEntry.tenant_id == tenant.id,
                                                WalletEntry.kind == "voice_minute")).one()
    assert (line.quantity, line.amount) == (2, -80)
    assert line.description == f"Appel {CM_MOBILE}, Cameroun mobile (2 min)"
