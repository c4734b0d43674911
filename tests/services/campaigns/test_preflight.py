"""Pre-flight before "Propager l'OS": one test per refusal reason, and all reasons at once."""
from datetime import date

import pytest

from services.campaigns.assignment import campaign_agents
from services.campaigns.config import default_config
from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.campaigns.preflight import PreflightFacts, preflight_problems
from services.campaigns.store import PreflightRefused
from services.models.platform import Role
from services.teams import create_team
from services.voice.skills import set_agent_teams
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import fund, launchable_config, new_agent, ready_list

FIELDS = frozenset({"Nom", "Prenom", "Telephone", "Email", "Identifiant"})


def _facts(**changes) -> PreflightFacts:
    values = dict(today=date(2026, 11, 26), wallet_balance=10_000, ready_lists={7: 120},
                  known_fields=FIELDS, templates={3: ("APPROVED", "Bonjour {{1}}, merci.")},
                  staffed_agents=1)
    values.update(changes)
    return PreflightFacts(**values)


def _config(**changes) -> dict:
    config = default_config("Relance")
    config["channels"]["voice"].update(enabled=True, script="<p>Bonjour {Prenom}</p>")
    config["channels"]["sms"].update(enabled=True, text="Bonjour {Nom}")
    config.update({"agents": [5], "lists": [7], **changes})
    return config


def test_a_complete_campaign_passes():
    assert preflight_problems(_config(), _facts()) == []


def test_no_audience():
    assert preflight_problems(_config(lists=[]), _facts()) == [
        "Aucune audience : liez au moins une liste « Prête » non vide."]
    assert "Aucune audience" in preflight_problems(_config(), _facts(ready_lists={7: 0}))[0]


def test_empty_template():
    config = _config()
    config["channels"]["sms"]["text"] = "  "
    assert preflight_problems(config, _facts()) == [
        "Modèle vide : le message du canal SMS est vide."]
    config = _config()
    config["channels"]["email"].update(enabled=True, subject="Offre", html="<p><br></p>")
    assert preflight_problems(config, _facts()) == [
        "Modèle vide : l'objet ou le contenu du canal Email est vide."]


def test_undefined_variable():
    config = _config()
    config["channels"]["sms"]["text"] = "Bonjour {Nom}, votre code {Code_Promo}"
    assert preflight_problems(config, _facts()) == [
        "Variable non définie dans le message (SMS) : {Code_Promo}."]
    assert preflight_problems(config, _facts(known_fields=FIELDS | {"Code_Promo"})) == []


def test_the_vip_field_must_be_a_field_of_the_lists():
    config = _config()
    config["channels"]["voice"].update(mode="INBOUND", vip_field="Statut_VIP")
    assert preflight_problems(config, _facts()) == [
        "Champ VIP inconnu : « Statut_VIP » n'est pas un champ des listes liées."]
    assert preflight_problems(config, _facts(known_fields=FIELDS | {"Statut_VIP"})) == []


def test_undefined_whatsapp_variable():
    config = _config()
    config["channels"]["whatsapp"].update(enabled=True, template_id=3, variables={})
    assert preflight_problems(config, _facts()) == [
        "Variable non définie dans le modèle WhatsApp : {{1}} sans champ associé."]


def test_a_code_that_sends_a_message_needs_its_text_and_whatsapp_is_refused():
    config = _config()
    config["codes"][0].update(action="email", template=" ")  # VENTE
    config["codes"][1].update(action="sms", template="Merci {Prenom}, à bientôt.")  # REFUS
    config["codes"][3].update(action="whatsapp", template="Bonjour")  # NUMERO_INVALIDE
    assert preflight_problems(config, _facts()) == [
        "Code VENTE : saisissez le texte du message envoyé (action « Envoyer un email »).",
        "Code NUMERO_INVALIDE : l'envoi WhatsApp automatique n'est pas possible (WhatsApp "
        "n'accepte qu'un modèle approuvé hors conversation) ; choisissez l'email ou le SMS."]
    config["codes"][0]["template"] = "Merci {Prenom} pour votre commande {Numero_Commande}."
    config["codes"][3]["action"] = ""
    assert preflight_problems(config, _facts()) == [
        "Variable non définie dans le message du code VENTE : {Numero_Commande}."]
    assert preflight_problems(config, _facts(known_fields=FIELDS | {"Numero_Commande"})) == []


def test_voice_slot_with_no_agent():
    assert preflight_problems(_config(agents=[]), _facts(staffed_agents=0)) == [
        "Canal Voix sans agent : affectez au moins un agent."]


def test_a_team_with_members_staffs_the_voice_slot():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id)
    _, agent_id = new_agent(tenant)
    team = create_team(ctx, "Équipe Relance")
    config = launchable_config(ready_list(ctx), agent_id)
    config.update(agents=[], teams=[team.id])
    empty_team = create_campaign(ctx, config)
    with pytest.raises(PreflightRefused) as refused:
        launch_campaign(ctx, empty_team.id)
    assert refused.value.reasons == ["Canal Voix sans agent : affectez au moins un agent."]

    set_agent_teams(ctx, agent_id, [team.id])
    staffed = create_campaign(ctx, config)
    assert launch_campaign(ctx, staffed.id).status == "LIVE"
    assert [a.user_id for a in campaign_agents(ctx, staffed.id)] == [agent_id]


def test_empty_wallet():
    assert preflight_problems(_config(), _facts(wallet_balance=0)) == [
        "Smart Wallet vide : rechargez le solde avant de lancer."]


def test_validity_period_over():
    assert preflight_problems(_config(valid_until="2026-11-25"), _facts()) == [
        "Période de validité terminée : elle s'est achevée le 25/11/2026."]
    assert preflight_problems(_config(valid_until="2026-11-26"), _facts()) == []


def test_no_time_band():
    assert preflight_problems(_config(bands={str(d): "" for d in range(7)}), _facts()) == [
        "Aucune plage horaire : définissez au moins un créneau."]


def test_every_reason_is_given_at_once_by_launch():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    config = default_config("Tout manque")
    config["channels"]["voice"]["enabled"] = True
    config["channels"]["sms"].update(enabled=True, text="Code {Inconnu}")
    config.update(valid_until="2020-01-31", bands={str(d): "" for d in range(7)})
    campaign = create_campaign(ctx, config)
    with pytest.raises(PreflightRefused) as refused:
        launch_campaign(ctx, campaign.id)
    assert [r.split(" :")[0] for r in refused.value.reasons] == [
        "Aucune audience", "Modèle vide", "Variable non définie dans le message (SMS)",
        "Canal Voix sans agent", "Smart Wallet vide", "Période de validité terminée",
        "Aucune plage horaire"]


def test_launch_uses_the_lists_fields_and_wallet_of_the_tenant():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    _, agent_id = new_agent(tenant)
    config = launchable_config(ready_list(ctx), agent_id)
    campaign = create_campaign(ctx, config)
    with pytest.raises(PreflightRefused) as refused:
        launch_campaign(ctx, campaign.id)
    assert refused.value.reasons == ["Smart Wallet vide : rechargez le solde avant de lancer."]
    fund(tenant.id)
    launched = launch_campaign(ctx, campaign.id)
    assert (launched.status, launched.launched_by, launched.launched_by_name,
            launched.contacts_total) == ("LIVE", ctx.user_id, ctx.full_name, 2)
    assert launched.launched_at is not None
