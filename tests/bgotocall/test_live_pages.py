"""Live pages as tabs see them over their websocket (tests/support/reflex_socket.py): a closed tab
stops being served, a supervisor's agent cards stay right through a storm of changes, and a
broadcast reaches a tab that was away when it was sent."""
import asyncio
import random
import time

import aiohttp
import pytest

from bgotocall.state.agent_call import AgentCallState
from bgotocall.state.campaigns_agent import AgentCampaignsState
from bgotocall.state.voice import VoiceState
from services.campaigns.lifecycle import create_campaign, get_campaign, launch_campaign
from services.campaigns.versions import save_campaign
from services.identity.sessions import open_session
from services.infra.redis import get_redis
from services.live import publish, supervision_topic, user_topic
from services.live.subscriptions import RENEW_SECONDS, _key
from services.models.platform import Role
from services.platform.users import find_user
from services.voice.presence import AgentState, agent_states, set_agent_state
from tests.support.accounts import context_for, new_tenant, new_user
from tests.support.campaigns import fund, launchable_config, new_agent, ready_list
from tests.support.reflex_socket import Tab
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

VOICE = VoiceState.get_full_name()
CAMPAIGNS = AgentCampaignsState.get_full_name()
CALL = AgentCallState.get_full_name()


def _signed_in(email: str) -> str:
    """A session as the product's login opens it once the password is checked."""
    return open_session(find_user(email).id, "127.0.0.1")


async def _agent_panel(http, url: str, email: str, client_token: str | None = None, on_delta=None) -> Tab:
    tab = Tab(url, "/bandeau", _signed_in(email), client_token=client_token, on_delta=on_delta)
    await tab.open(http, [(f"{VOICE}.load_my_state", {}), (f"{CAMPAIGNS}.load_agent_campaigns", {})])
    await tab.wait_for(lambda t: t.loaded() and t.value(VoiceState, "me"))
    return tab


async def test_a_closed_tab_is_no_longer_renewed_so_it_stops_receiving_within_a_minute(product):
    tenant = new_tenant()
    kept_email, closed_email = new_user(tenant, Role.AGENT), new_user(tenant, Role.AGENT)
    async with aiohttp.ClientSession() as http:
        kept = await _agent_panel(http, product.public_url, kept_email)
        closed = await _agent_panel(http, product.public_url, closed_email)
        closed_topic = user_topic(tenant.id, find_user(closed_email).id)
        kept_topic = user_topic(tenant.id, find_user(kept_email).id)
        assert get_redis().zscore(_key(closed_topic), closed.client_token) is not None
        await closed.close()
        closed_at = time.time()

        def renewed_since_close(topic, tab):
            score = get_redis().zscore(_key(topic), tab.client_token)
            return score is not None and score > closed_at

        # The web worker's renewal round (every RENEW_SECONDS) keeps the open tab and not the other.
        deadline = time.monotonic() + 3 * RENEW_SECONDS
        while not renewed_since_close(kept_topic, kept):
            assert time.monotonic() < deadline, "the open tab's subscriptions were not renewed"
            await asyncio.sleep(0.5)    # waiting for the product's own timer, not synchronising
        assert not renewed_since_close(closed_topic, closed)
        set_agent_state(tenant.id, find_user(kept_email).id, AgentState.READY)
        await kept.wait_for(lambda t: t.value(VoiceState, "my_state") == "READY")
        await kept.close()


async def test_the_supervisors_agent_cards_stay_right_through_1000_changes_in_random_order(product):
    tenant = new_tenant()
    supervisor_email = new_user(tenant, Role.SUPERVISOR)
    agents = [new_agent(tenant)[1] for _ in range(25)]
    rng = random.Random(15)
    choices = [(AgentState.READY, {}), (AgentState.PAUSED, {"reason": "Pause déjeuner"}),
               (AgentState.IN_CALL, {"campaign": "Relance Avril", "caller": "+237 6 71 23 45 67"}),
               (AgentState.WRAP_UP, {}), (AgentState.RINGING, {"caller": "+237 6 99 00 11 22"})]
    async with aiohttp.ClientSession() as http:
        tab = Tab(product.public_url, "/supervision/agents", _signed_in(supervisor_email))
        await tab.open(http, [])
        await tab.wait_for(lambda t: t.loaded() and len(t.value(VoiceState, "agents") or []) == len(agents))
        stale = []
        for n in range(1000):
            user = rng.choice(agents)
            state, extra = rng.choice(choices)
            set_agent_state(tenant.id, user, state, **extra)
            if n % 100 == 0:            # a change that arrives late, after newer ones (two workers)
                stale.append((user, {"state": "LOGGED_OUT", "reason": "", "since": time.time() - 3600}))
        for user, value in stale:
            publish((supervision_topic(tenant.id), user_topic(tenant.id, user)), "agent_state",
                    user_id=user, **value)
        truth = agent_states(tenant.id)

        def shown(t):
            return {a["user_id"]: (a["state"], a["reason"], a["caller"], a["since"])
                    for a in t.value(VoiceState, "agents") or []}
        never = {"state": "LOGGED_OUT", "reason": "", "since": 0.0}
        expected = {u: (v["state"], v["reason"], v.get("caller", ""), v["since"])
                    for u, v in ((u, truth.get(u, never)) for u in agents)}
        marker = rng.choice(agents)     # a last change, after the stale ones were published
        set_agent_state(tenant.id, marker, AgentState.PAUSED, reason="Formation")
        expected[marker] = (lambda v: ("PAUSED", "Formation", "", v["since"]))(agent_states(tenant.id)[marker])
        await tab.wait_for(lambda t: shown(t).get(marker, ("",))[:2] == ("PAUSED", "Formation"), timeout=60)
        assert shown(tab) == expected
        on_call = [a for a in tab.value(VoiceState, "agents") if a["state"] == "IN_CALL"]
        assert all(a["campaign"] == "Relance Avril" for a in on_call)
        await tab.close()


async def test_a_campaign_version_reaches_a_tab_that_reconnects_mid_way(product):
    tenant = new_tenant()
    supervisor = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id)
    email, agent_id = new_agent(tenant)
    campaign = create_campaign(supervisor, launchable_config(ready_list(supervisor), agent_id, "Relance"))
    launch_campaign(supervisor, campaign.id)

    def save_script(text: str) -> int:
        config = dict(get_campaign(supervisor, campaign.id).config)
        config["channels"] = {**config["channels"], "voice": {**config["channels"]["voice"],
                                                              "script": f"<p>{text}</p>"}}
        return save_campaign(supervisor, campaign.id, config).version

    def shows(version: int, text: str):
        def check(t: Tab) -> bool:
            rows = t.value(AgentCampaignsState, "campaigns") or []
            return bool(rows) and rows[0]["version"] == version and text in rows[0]["script"]
        return check

    async with aiohttp.ClientSession() as http:
        tab = await _agent_panel(http, product.public_url, email)
        await tab.wait_for(lambda t: t.value(AgentCampaignsState, "campaigns"))
        first = save_script("Version connectée")
        await tab.wait_for(shows(first, "Version connectée"))
        await tab.close()                                    # the network drops
        # Reflex forgets the closed socket (else the reconnecting tab is taken for a duplicate).
        wait_until(lambda: not get_redis().exists(tab.socket_record_key()), 15, "socket released")
        away = save_script("Version pendant la coupure")
        # The browser reconnects with the same tab token at once (the version may still be on its
        # way); as a real page, it sends no on-mount event again, only the hydrate and on-load.
        back = Tab(product.public_url, "/bandeau", tab.session_token, client_token=tab.client_token)
        await back.open(http, [])
        await back.wait_for(lambda t: t.loaded() and shows(away, "Version pendant la coupure")(t))
        assert back.client_token == tab.client_token         # the same tab, not a fresh one
        after = save_script("Version après retour")
        await back.wait_for(shows(after, "Version après retour"))
        await back.close()


async def test_the_next_call_of_a_campaign_sends_the_panel_its_contact_not_what_stayed_the_same(product):
    tenant = new_tenant()
    email = new_user(tenant, Role.AGENT)
    topic = user_topic(tenant.id, find_user(email).id)
    pops: list[dict] = []       # what the panel was sent of each pop

    def pop(call_id: int, name: str) -> dict:
        return {"phase": "ringing", "interaction_id": call_id, "campaign": "Relance",
                "contact": {"name": name, "phone": "+237671234567", "email": "", "fields": []},
                "history": [], "script": f"<p>Bonjour {name}</p>", "timezone": "Africa/Douala",
                "fields": [{"key": "montant", "label": "Montant promis", "type": "number",
                            "required": True, "options": []}],
                "codes": [{"code": "PROMESSE", "label": "Promesse"}, {"code": "REFUS", "label": "Refus"}]}

    def on_delta(tab, delta, received):
        if (delta.get(CALL) or {}).get("call_id_rx_state_"):
            pops.append(delta[CALL])

    async with aiohttp.ClientSession() as http:
        tab = await _agent_panel(http, product.public_url, email, on_delta=on_delta)
        publish(topic, "call", **pop(1, "Armel Kamga"))
        await tab.wait_for(lambda t: t.value(AgentCallState, "call_id") == 1)
        publish(topic, "call", **pop(2, "Sandrine Biyong"))
        await tab.wait_for(lambda t: t.value(AgentCallState, "call_id") == 2)
        await tab.close()
    first, second = pops
    assert {"fields_rx_state_", "codes_rx_state_"} <= first.keys()
    assert second["contact_name_rx_state_"] == "Sandrine Biyong"
    assert "fields_rx_state_" not in second and "codes_rx_state_" not in second
    assert second.keys().isdisjoint({"campaign_rx_state_", "timezone_rx_state_", "comment_rx_state_"})
    assert [c["code"] for c in tab.value(AgentCallState, "codes")] == ["PROMESSE", "REFUS"]   # still shown
