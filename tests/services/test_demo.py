"""The demo data a newcomer logs into."""
from services.billing.wallet import wallet_of
from services.demo import DEMO_USERS, load_demo_data
from services.platform.users import find_user
from services.voice.licences import licensed_agents


def test_demo_tenant_has_its_team_licences_and_credit(demo_data):
    tenant_id = find_user("admin@demo-sarl.cm").tenant_id
    assert all(find_user(email).tenant_id == tenant_id for _, email, _, _ in DEMO_USERS)
    assert licensed_agents(tenant_id) == 5
    assert wallet_of(tenant_id).balance >= 0
    assert load_demo_data() is False  # loaded once: a second run changes nothing


def test_demo_wallet_starts_credited(demo_data):
    wallet = wallet_of(find_user("admin@demo-sarl.cm").tenant_id)
    assert wallet.currency == "XAF"
    assert 0 < wallet.balance <= 250_000
