"""What campaign tests need around a campaign: a ready list, a funded wallet, an agent."""
from __future__ import annotations

from services.audience.file_import import import_file
from services.billing.wallet import start_wallet
from services.campaigns.config import default_config
from services.platform.users import find_user
from services.models.platform import Role
from tests.support.accounts import new_user

CSV = ("Nom;Prénom;Téléphone;Email\n"
       "Mbarga;Paul;+237 671 23 45 67;paul@exemple.cm\n"
       "Dupont;Anne;+33 6 12 34 56 78;anne@exemple.fr\n")


def ready_list(ctx, name: str = "Clients") -> int:
    """A contact list "Prête" of two contacts, imported as the product imports."""
    return import_file(ctx, name, CSV.encode())


def fund(tenant_id: int, amount: int = 50_000, currency: str = "XAF") -> None:
    start_wallet(tenant_id, currency, credit=amount)


def new_agent(tenant) -> tuple[str, int]:
    email = new_user(tenant, Role.AGENT)
    return email, find_user(email).id


def launchable_config(list_id: int, agent_id: int, name: str = "Relance") -> dict:
    """Voice and SMS slots filled, one agent, one ready list: passes the pre-flight."""
    config = default_config(name)
    config["channels"]["voice"].update(enabled=True, script="<p>Bonjour {Prenom}</p>")
    config["channels"]["sms"].update(enabled=True, text="Bonjour {Nom}, -10% ce mois.")
    config.update(agents=[agent_id], lists=[list_id])
    return config


def calling_campaign_config(name: str, list_id: int, agent_id: int, mode: str, script: str) -> dict:
    """A voice campaign open all week, one agent and one list, in the given dialling mode."""
    config = default_config(name)
    config["bands"] = {str(d): "00:00-23:59" for d in range(7)}
    config["channels"]["voice"].update(enabled=True, mode=mode, script=script)
    config.update(agents=[agent_id], lists=[list_id])
    return config


def helene_calling(name: str, contacts: list[tuple[str, str, str, str]], mode: str,
                   script: str):
    """A funded voice campaign of the demo tenant staffed by Hélène (agent1), on these contacts
    (Nom, Prénom, Téléphone, Email): (the demo supervisor, Hélène's context, the config)."""
    from services.identity.system import system_context
    from tests.bgotocall.test_agents import demo_supervisor

    sup = demo_supervisor()
    helene = system_context(sup.tenant_id, find_user("agent1@demo-sarl.cm").id)
    fund(sup.tenant_id)
    rows = "".join(f"{';'.join(c)}\n" for c in contacts)
    clients = import_file(sup, name, ("Nom;Prénom;Téléphone;Email\n" + rows).encode())
    return sup, helene, calling_campaign_config(name, clients, helene.user_id, mode, script)


def free_agent_after(sup, agent, campaign_id: int) -> None:
    """An e2e call test's end: the campaign archived, the agent's calls over and qualified (a call left in
    « Post-appel » pops again on the agent's next page, in the next test), and « Prêt » again."""
    from services.campaigns.lifecycle import archive_campaign
    from services.voice.availability import become_ready
    from services.voice.presence import AgentState, agent_state
    from tests.support.waiting import wait_until

    archive_campaign(sup, campaign_id)
    wait_until(lambda: agent_state(sup.tenant_id, agent.user_id) in (AgentState.WRAP_UP, AgentState.READY),
               what="the last call over")
    wait_until(lambda: not _calls_of(agent, campaign_id, ("SENDING", "RINGING", "ANSWERED")),
               what="the agent's calls ended")
    for call in _calls_of(agent, campaign_id, ("ENDED",)):
        if call.answered_at:
            _qualify_as_refused(sup, agent, call)
    become_ready(agent)
    wait_until(lambda: agent_state(sup.tenant_id, agent.user_id) is AgentState.READY, what="the agent ready")


def _calls_of(agent, campaign_id: int, statuses: tuple[str, ...]) -> list:
    from sqlalchemy import select

    from services.db.tenancy import tenant_session
    from services.models.interactions import Interaction

    with tenant_session(agent) as session:
        return list(session.execute(select(Interaction).where(
            Interaction.campaign_id == campaign_id, Interaction.agent_id == agent.user_id,
            Interaction.status.in_(statuses))).scalars())


def _qualify_as_refused(sup, agent, call) -> None:
    """« Refus », the campaign's required fields filled as an agent would (a list's first choice)."""
    from services.campaigns.config import normalized
    from services.campaigns.lifecycle import get_campaign
    from services.voice.qualification import qualify

    fields = normalized(get_campaign(sup, call.campaign_id).config)["form"]["fields"]
    answers = {f["key"]: (f.get("options") or ["0"])[0] for f in fields if f["required"]}
    qualify(agent, call.id, "REFUS", answers)


def in_lunch_break(page, email: str, password: str) -> None:
    """The agent's panel open, the agent in « Pause » (so nothing is dialled before the test says Prêt)."""
    from playwright.sync_api import expect
    from tests.support.browser import log_in_and_land

    log_in_and_land(page, email, password, "/bandeau")
    expect(page.get_by_test_id("agent-status")).to_have_text("Prêt")
    page.get_by_test_id("agent-pause").click()
    page.get_by_role("menuitem", name="Déjeuner").click()
    expect(page.get_by_test_id("agent-status")).to_have_text("Pause")
