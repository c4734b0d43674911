"""Editing a campaign (UC-CP-02): versions, diffs, rollback, live publish, form safety,
agents in a call, and the lifecycle around it."""
import pytest
from sqlmodel import select

from services.campaigns.assignment import (
    campaign_agents, finish_pending_removals, live_campaigns, move_agent, release_agent,
)
from services.campaigns.lifecycle import (
    LaunchPreview, archive_campaign, create_campaign, duplicate_campaign, get_campaign,
    launch_campaign, launch_preview, list_campaigns, pause_campaign, resume_campaign,
)
from services.campaigns.store import CampaignError, ConfirmationNeeded
from services.campaigns.versions import (
    campaign_history, rollback_campaign, rollback_preview, save_campaign)
from services.db.tenancy import tenant_session
from services.identity.access import AccessDenied
from services.infra.redis import get_redis
from services.campaigns.agent_view import agent_campaigns
from services.identity.system import system_context
from services.live import campaign_topic, user_topic
from services.live.events import STREAM, LiveEvent
from services.models.campaigns import FormAnswer
from services.models.platform import Role
from services.voice.presence import AgentState, set_agent_state
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import fund, launchable_config, new_agent, ready_list


@pytest.fixture
def live():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id)
    agents = [new_agent(tenant)[1] for _ in range(3)]
    config = launchable_config(ready_list(ctx), agents[0])
    config["agents"] = agents
    campaign = create_campaign(ctx, config)
    launch_campaign(ctx, campaign.id)
    return tenant, ctx, campaign, agents


def _last_events(topic: str, count: int = 50) -> list[LiveEvent]:
    entries = get_redis().xrevrange(STREAM, count=count)
    return [e for e in (LiveEvent.from_fields(f) for _, f in entries) if topic in e.topics]


def test_each_save_is_a_version_with_author_and_readable_diff_and_is_published(live):
    tenant, ctx, campaign, _ = live
    config = dict(campaign.config)
    config["channels"] = {**config["channels"], "voice": {
        **config["channels"]["voice"], "script": "<p>Bonjour {Prenom}, nouvelle promo -20%</p>"}}
    config["bands"] = {**config["bands"], "0": "09:00-12:30, 14:00-20:00"}
    result = save_campaign(ctx, campaign.id, config)
    assert result.version == 2
    assert "Voix, script : ajouté « nouvelle promo -20% »." in result.changes
    assert "Plages du lundi : 09:00-12:30, 14:00-18:00 → 09:00-12:30, 14:00-20:00." in \
        result.changes
    [event] = _last_events(campaign_topic(tenant.id, campaign.id), 5)[:1]
    assert (event.kind, event.data["version"]) == ("campaign_changed", 2)
    # The event carries what the agents' pages show: no open page reads the database to apply it.
    shown = event.data["campaign"]
    assert (shown["version"], shown["status"]) == (2, "LIVE")
    assert "nouvelle promo -20%" in shown["script"] and shown["codes"]
    history = campaign_history(ctx, campaign.id)
    assert [(v.number, v.author_name) for v in history] == [(2, ctx.full_name),
                                                           (1, ctx.full_name)]
    assert result.campaign.status == "LIVE"  # the campaign keeps running


def test_rollback_is_a_new_version_equal_to_the_old_one(live):
    _, ctx, campaign, _ = live
    original = campaign.config["channels"]["voice"]["script"]
    config = dict(campaign.config)
    config["channels"] = {**config["channels"],
                          "voice": {**config["channels"]["voice"], "script": "<p>Autre</p>"}}
    save_campaign(ctx, campaign.id, config)
    result = rollback_campaign(ctx, campaign.id, 1)
    assert result.version == 3
    assert result.campaign.config["channels"]["voice"]["script"] == original
    assert campaign_history(ctx, campaign.id)[0].note == "Retour à la version 1"
    assert [v.number for v in campaign_history(ctx, campaign.id)] == [3, 2, 1]


def test_a_text_change_is_quoted_as_written():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    campaign = create_campaign(ctx, launchable_config(ready_list(ctx), new_agent(tenant)[1]))
    config = dict(campaign.config)
    config["channels"] = {**config["channels"], "sms": {
        **config["channels"]["sms"], "text": "Bonjour {Nom}, -10% jusqu'au 31/12 à 14:30."}}
    assert save_campaign(ctx, campaign.id, config).changes == [
        "SMS, texte : retiré « ce mois », ajouté « jusqu'au 31/12 à 14:30 »."]


def test_a_validity_date_that_is_not_a_day_is_refused_by_its_name(live):
    _, ctx, campaign, _ = live
    with pytest.raises(CampaignError, match="Fin de validité : saisissez une date jj/mm/aaaa."):
        save_campaign(ctx, campaign.id, {**campaign.config, "valid_until": "12/31/2026"})
    assert save_campaign(ctx, campaign.id, {**campaign.config, "valid_until": "2026-12-31"}) \
        .campaign.config["valid_until"] == "2026-12-31"


def test_the_launch_says_how_many_contacts_agents_and_channels_before_it_happens():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id)
    agents = [new_agent(tenant)[1] for _ in range(2)]
    config = launchable_config(ready_list(ctx), agents[0])
    config["agents"] = agents
    campaign = create_campaign(ctx, config)
    assert launch_preview(ctx, campaign.id) == LaunchPreview(contacts=2, agents=2,
                                                             channels=["voice", "sms"])
    assert get_campaign(ctx, campaign.id).status == "BROUILLON"


def test_a_rollback_says_what_it_changes_before_it_happens(live):
    _, ctx, campaign, _ = live
    config = dict(campaign.config)
    config["bands"] = {**config["bands"], "0": "09:00-12:30, 14:00-20:00"}
    save_campaign(ctx, campaign.id, config)
    assert rollback_preview(ctx, campaign.id, 1) == [
        "Plages du lundi : 09:00-12:30, 14:00-20:00 → 09:00-12:30, 14:00-18:00."]
    assert campaign_history(ctx, campaign.id)[0].number == 2   # nothing saved yet


def test_removing_a_field_with_answers_asks_confirmation_and_keeps_answers(live):
    _, ctx, campaign, _ = live
    form = {"fields": [{"label": "Budget", "tag": "Budget_Client", "type": "number"}]}
    save_campaign(ctx, campaign.id, {**campaign.config, "form": form})
    with tenant_session(ctx) as s:
        s.add(FormAnswer(campaign_id=campaign.id, field_key="Budget_Client", value="1500"))
    retyped = {"fields": [{"label": "Budget", "tag": "Budget_Client", "type": "text"}]}
    with pytest.raises(ConfirmationNeeded, match="1 réponse"):
        save_campaign(ctx, campaign.id, {**campaign.config, "form": retyped})
    with pytest.raises(ConfirmationNeeded, match="supprimé"):
        save_campaign(ctx, campaign.id, {**campaign.config, "form": {"fields": []}})
    save_campaign(ctx, campaign.id, {**campaign.config, "form": {"fields": []}},
                  confirm_breaking=True)
    with tenant_session(ctx) as s:
        assert [a.value for a in s.exec(select(FormAnswer).where(
            FormAnswer.campaign_id == campaign.id))] == ["1500"]


def test_adding_a_field_needs_no_confirmation(live):
    _, ctx, campaign, _ = live
    with tenant_session(ctx) as s:
        s.add(FormAnswer(campaign_id=campaign.id, field_key="Ancien", value="x"))
    form = {"fields": [{"label": "Source du lead", "type": "list", "options": "Web, Salon"}]}
    result = save_campaign(ctx, campaign.id, {**campaign.config, "form": form})
    assert "Formulaire : champ « Source du lead » ajouté." in result.changes


def test_removing_agents_in_a_call_waits_for_the_end_of_their_calls(live):
    tenant, ctx, campaign, agents = live
    set_agent_state(tenant.id, agents[1], AgentState.IN_CALL)
    set_agent_state(tenant.id, agents[2], AgentState.READY)
    result = save_campaign(ctx, campaign.id, {**campaign.config, "agents": [agents[0]]})
    assert result.warnings == ["1 agents sont en communication. La modification sera "
                               "effective dès la fin de leurs interactions en cours."]
    assert [(a.user_id, a.pending_removal) for a in campaign_agents(ctx, campaign.id)] == [
        (agents[0], False), (agents[1], True)]
    assert finish_pending_removals(tenant.id, agents[1]) == [campaign.id]
    assert [a.user_id for a in campaign_agents(ctx, campaign.id)] == [agents[0]]


def test_move_agent_between_live_campaigns(live):
    _, ctx, campaign, agents = live
    other = create_campaign(ctx, {**campaign.config, "name": "Fidélisation", "agents": []})
    move_agent(ctx, agents[2], other.id)
    assert agents[2] not in [a.user_id for a in campaign_agents(ctx, campaign.id)]
    assert [a.user_id for a in campaign_agents(ctx, other.id)] == [agents[2]]
    assert [c.id for c in live_campaigns(ctx)] == [campaign.id]


def test_release_agent_takes_them_off_every_campaign_but_not_their_team(live):
    tenant, ctx, campaign, agents = live
    from services.teams import create_team
    from services.voice.skills import set_agent_teams
    admin = context_for(tenant, Role.ADMIN)
    team = create_team(admin, "Recouvrement")
    set_agent_teams(admin, agents[1], [team.id])
    other = create_campaign(ctx, {**campaign.config, "name": "Fidélisation", "agents": [agents[0]],
                                  "teams": [team.id]})
    assert release_agent(ctx, agents[0]) == []
    assert agents[0] not in [a.user_id for a in campaign_agents(ctx, campaign.id)]
    assert agents[0] not in [a.user_id for a in campaign_agents(ctx, other.id)]
    warnings = release_agent(ctx, agents[1])
    assert warnings == ["L'agent reste sur « Fidélisation » par son équipe : retirez-le de l'équipe pour l'en libérer."]
    assert agents[1] not in [a.user_id for a in campaign_agents(ctx, campaign.id)]
    with pytest.raises(CampaignError, match="Agent introuvable"):
        release_agent(ctx, 10**9)


def test_lifecycle_list_and_duplicate(live):
    _, ctx, campaign, _ = live
    with pytest.raises(CampaignError, match="Impossible depuis"):
        resume_campaign(ctx, campaign.id)
    assert pause_campaign(ctx, campaign.id).status == "EN_PAUSE"
    assert resume_campaign(ctx, campaign.id).status == "LIVE"
    copy = duplicate_campaign(ctx, campaign.id)
    assert (copy.status, copy.name) == ("BROUILLON", "Relance (copie)")
    assert archive_campaign(ctx, campaign.id).status == "ARCHIVEE"
    with pytest.raises(CampaignError, match="archivée"):
        save_campaign(ctx, campaign.id, campaign.config)
    rows = list_campaigns(ctx)
    assert [(r.name, r.status, r.channels, r.contacts) for r in rows] == [
        ("Relance", "ARCHIVEE", ["voice", "sms"], 2),  # the last updated first
        ("Relance (copie)", "BROUILLON", ["voice", "sms"], 2)]
    assert [r.name for r in list_campaigns(ctx, search="copie")] == ["Relance (copie)"]
    assert [r.name for r in list_campaigns(ctx, status="ARCHIVEE")] == ["Relance"]
    assert list_campaigns(ctx, channel="email") == []


def test_agents_and_other_tenants_cannot_reach_a_campaign(live):
    tenant, _, campaign, _ = live
    agent = context_for(tenant, Role.AGENT)
    with pytest.raises(AccessDenied):
        save_campaign(agent, campaign.id, campaign.config)
    stranger = context_for(new_tenant(), Role.ADMIN)
    with pytest.raises(CampaignError, match="introuvable"):
        save_campaign(stranger, campaign.id, {**campaign.config, "agents": []})


def test_the_agent_sees_the_current_script_form_and_codes_of_its_campaigns(live):
    tenant, ctx, campaign, agents = live
    agent = system_context(tenant.id, agents[0])
    [seen] = agent_campaigns(agent)
    assert (seen.name, seen.version, seen.topic) == (
        "Relance", 1, campaign_topic(tenant.id, campaign.id))
    form = {"fields": [{"label": "Budget", "tag": "Budget_Client", "type": "number"}]}
    save_campaign(ctx, campaign.id, {**campaign.config, "form": form,
                                     "agents": agents[1:]})
    assert agent_campaigns(agent) == []  # removed (not in a call): gone at once
    [seen] = agent_campaigns(system_context(tenant.id, agents[1]))
    assert [f["key"] for f in seen.fields] == ["Budget_Client"]
    assert [c["code"] for c in seen.codes] == ["VENTE", "REFUS", "RAPPEL", "NUMERO_INVALIDE"]
    # the removed agent's own page was told, so it reloads without the campaign
    assert _last_events(user_topic(tenant.id, agents[0]))[0].kind == "campaign_changed"
    with pytest.raises(AccessDenied):
        agent_campaigns(ctx)  # a supervisor has no agent panel


def test_rich_text_is_stored_without_scripts_or_handlers(live):
    _, ctx, campaign, _ = live
    config = dict(campaign.config)
    config["channels"] = {**config["channels"], "voice": {
        **config["channels"]["voice"],
        "script": '<p class="ql-align-center" onclick="steal()">Bonjour<script>x()</script>'
                  '<a href="javascript:alert(1)">lien</a></p>'}}
    result = save_campaign(ctx, campaign.id, config)
    assert result.campaign.config["channels"]["voice"]["script"] == (
        '<p class="ql-align-center">Bonjour<a rel="noopener noreferrer">lien</a></p>')


def test_an_agent_of_another_tenant_cannot_be_assigned(live):
    _, ctx, campaign, agents = live
    _, stranger = new_agent(new_tenant())
    with pytest.raises(CampaignError, match="n'existe pas dans votre instance"):
        save_campaign(ctx, campaign.id, {**campaign.config, "agents": [*agents, stranger]})
