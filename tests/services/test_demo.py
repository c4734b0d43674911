"""The demo data a newcomer logs into."""
from sqlmodel import select

from services.billing.wallet import wallet_of
from services.db.engine import platform_session
from services.models.billing import WalletEntry
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
    tenant_id = find_user("admin@demo-sarl.cm").tenant_id
    assert wallet_of(tenant_id).currency == "XAF"
    with platform_session() as s:
        credit = s.exec(select(WalletEntry).where(WalletEntry.tenant_id == tenant_id,
                                                  WalletEntry.reference == "demo-credit")).one()
    assert credit.amount == 250_000


def test_demo_tenant_has_a_contact_list_and_a_live_campaign(demo_data):
    from services.campaigns.lifecycle import list_campaigns
    from services.identity.system import system_context
    from services.supervision import supervision_overview

    supervisor = find_user("superviseur@demo-sarl.cm")
    ctx = system_context(supervisor.tenant_id, supervisor.id)
    campaigns = {row.name: row for row in list_campaigns(ctx)}
    assert campaigns["Relance impayés"].status == "LIVE" and campaigns["Relance impayés"].contacts == 40
    assert campaigns["Fidélisation fin d'année"].status == "BROUILLON"
    live = supervision_overview(ctx).campaigns
    demo_agents = {find_user(email).id for _, email, _, role in DEMO_USERS if role.value == "AGENT"}
    assert [c.name for c in live] == ["Relance impayés"]
    from services.teams import list_teams
    assert [t.name for t in list_teams(ctx)] == ["Recouvrement"]
    assert live[0].agents and set(live[0].agents) <= demo_agents     # e2e tests may move agents around
