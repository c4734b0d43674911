"""UC-CP-01..04 in Chromium: a supervisor creates a four-channel campaign, launches it,
edits it while LIVE; the agent's open page follows live; a rollback reaches it too."""
import re

import pytest
from playwright.sync_api import Page, expect

from sqlmodel import select

from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.campaigns.whatsapp_templates import add_template, set_template_status
from services.db.tenancy import tenant_session
from services.models.campaigns import FormAnswer, TemplateStatus
from services.voice.presence import AgentState, set_agent_state
from services.models.platform import Role
from services.platform.users import create_user
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land
from tests.support.campaigns import fund, launchable_config, new_agent, ready_list

LONG_NAME = "Marie-Christine Ngo Bassong Épouse Mbappe"
FIELDS = [("Budget", "Nombre"), ("Date de rappel", "Date"), ("Intérêt", "Liste déroulante"),
          ("Accepte la newsletter", "Case à cocher"), ("Commentaire", "Texte")]


@pytest.fixture
def tenant_ready():
    """A funded tenant with a ready list, an agent and an approved WhatsApp template."""
    tenant = new_tenant()
    admin = context_for(tenant, Role.ADMIN)
    fund(tenant.id)
    ready_list(admin, "Clients Douala")
    template = add_template(admin, "offre_noel", "fr", "MARKETING", "Bonjour {{1}}, -20% ce mois.")
    set_template_status(admin, template.id, TemplateStatus.APPROVED)
    agent_email, _ = new_agent(tenant)
    return tenant, new_user(tenant, Role.SUPERVISOR), agent_email


def _rich(page: Page, test_id: str, text: str) -> None:
    editor = page.get_by_test_id(test_id).locator(".ql-editor")
    editor.click()
    editor.fill(text)


def _choose(page: Page, trigger, option: str) -> None:
    trigger.click()
    page.get_by_role("option", name=option, exact=True).click()


def _create_campaign(page: Page) -> None:
    page.get_by_test_id("nav-campagnes-nouvelle").click()
    page.wait_for_url("**/campagnes/nouvelle")
    page.locator("#campaign-name").fill("Offre de Noël")
    page.get_by_test_id("next-step").click()

    for channel in ("voice", "sms", "email", "whatsapp"):
        page.get_by_test_id(f"enable-{channel}").click()
    _rich(page, "voice-script", "Bonjour {Prenom}, je vous appelle pour notre offre de Noël.")
    page.locator("#sms-text").fill("Bonjour {Nom}, -20% jusqu'au 24/12.")
    expect(page.get_by_test_id("sms-segments")).to_contain_text("GSM-7")
    page.locator("#sms-text").fill("Bonjour {Nom}, code {Code_Inconnu}")
    expect(page.get_by_test_id("unknown-variables")).to_contain_text("{Code_Inconnu}")
    page.locator("#sms-text").fill("Bonjour {Nom}, -20% jusqu'au 24/12.")
    expect(page.get_by_test_id("unknown-variables")).to_have_count(0)
    page.locator("#email-sender").fill("offres@demo-sarl.cm")
    page.locator("#email-subject").fill("Votre offre de Noël, {Prenom}")
    _rich(page, "email-html", "Cher {Prenom}, profitez de -20% sur tout.")
    _choose(page, page.get_by_test_id("wa-template"), "offre_noel (fr)")
    _choose(page, page.get_by_test_id("slot-whatsapp").get_by_role("combobox").nth(1), "Prenom")
    page.get_by_test_id("next-step").click()

    for index, (label, kind) in enumerate(FIELDS):
        page.get_by_test_id("add-form-field").click()
        page.locator(".form-field-label input").nth(index).fill(label)
        if kind != "Texte":
            _choose(page, page.locator(".form-field-type").nth(index), kind)
    page.locator(".form-field-options input").fill("Fort, Moyen, Faible")
    preview = page.get_by_test_id("form-preview")
    for label, _ in FIELDS:
        expect(preview).to_contain_text(label)
    expect(preview.locator("input[type=number]")).to_have_count(1)
    expect(preview.locator("input[type=date]")).to_have_count(1)
    page.get_by_test_id("next-step").click()

    expect(page.get_by_test_id("code-row")).to_have_count(4)
    page.get_by_test_id("agent-choices").get_by_role("checkbox").first.click()
    page.get_by_test_id("list-choices").get_by_role("checkbox").first.click()
    page.get_by_test_id("save-campaign").click()
    page.wait_for_url(re.compile(r".*/campagnes/edition\?id=\d+"))


@pytest.mark.e2e
def test_supervisor_edits_a_live_campaign_and_the_agent_page_follows(new_page, tenant_ready):
    _, supervisor_email, agent_email = tenant_ready
    supervisor = new_page()
    log_in_and_land(supervisor, supervisor_email, PASSWORD, "/supervision")
    _create_campaign(supervisor)
    supervisor.get_by_test_id("launch-campaign").click()            # says what it will do first
    launch = supervisor.get_by_test_id("launch-dialog")
    for told in ("2 contacts", "1 agent reçoit", "Voix", "SMS", "Email", "WhatsApp"):
        expect(launch).to_contain_text(told)
    expect(supervisor.get_by_test_id("campaign-status")).to_have_text("Brouillon")
    supervisor.get_by_test_id("confirm-launch").click()
    expect(supervisor.get_by_test_id("campaign-status")).to_have_text("LIVE")
    expect(supervisor.get_by_test_id("campaign-launched")).to_contain_text("Test Supervisor")

    agent = new_page()
    log_in_and_land(agent, agent_email, PASSWORD, "/bandeau")
    script = agent.get_by_test_id("agent-script")
    expect(script).to_contain_text("notre offre de Noël")
    expect(agent.get_by_test_id("agent-form")).to_contain_text("Accepte la newsletter")
    expect(agent.get_by_test_id("agent-codes")).to_contain_text("Numéro invalide")
    agent.evaluate("window.__sameDocument = true")

    supervisor.get_by_test_id("step-B").click()
    _rich(supervisor, "voice-script", "Bonjour {Prenom}, nouvelle promotion : -30% ce week-end.")
    supervisor.get_by_test_id("step-A").click()
    supervisor.locator("#band-0").fill("09:00-12:30, 14:00-20:00")
    supervisor.get_by_test_id("save-campaign").click()
    expect(supervisor.get_by_test_id("campaign-version")).to_contain_text("2")
    history = supervisor.get_by_test_id("history")
    expect(history).to_contain_text("Plages du lundi : 09:00-12:30, 14:00-18:00 → "
                                    "09:00-12:30, 14:00-20:00.")
    expect(history).to_contain_text("ajouté « nouvelle promotion : -30% ce week-end »")

    expect(script).to_contain_text("-30% ce week-end", timeout=2_000)
    assert agent.evaluate("window.__sameDocument") is True  # no reload

    supervisor.get_by_test_id("rollback-1").click()                 # says what it changes first
    rollback = supervisor.get_by_test_id("rollback-dialog")
    expect(rollback).to_contain_text("La campagne est LIVE")
    expect(rollback).to_contain_text("Plages du lundi : 09:00-12:30, 14:00-20:00 → "
                                     "09:00-12:30, 14:00-18:00.")
    expect(rollback).to_contain_text("retiré « nouvelle promotion : -30% ce week-end »")
    expect(supervisor.get_by_test_id("campaign-version")).to_contain_text("2")
    supervisor.get_by_test_id("confirm-rollback").click()
    expect(supervisor.get_by_test_id("campaign-version")).to_contain_text("3")
    expect(script).to_contain_text("notre offre de Noël", timeout=2_000)
    expect(script).not_to_contain_text("-30%")
    assert agent.evaluate("window.__sameDocument") is True
    expect(history).to_contain_text("Retour à la version 1")


@pytest.mark.e2e
def test_a_draft_says_so_its_dates_follow_the_page_language_and_its_choices_are_legible(
        page, tenant_ready):
    tenant, supervisor_email, _ = tenant_ready
    create_user(f"mc-{tenant.slug}@une-longue-adresse-de-societe.cm", PASSWORD, LONG_NAME,
                Role.AGENT, tenant.id)
    log_in_and_land(page, supervisor_email, PASSWORD, "/supervision")
    page.goto("/campagnes/nouvelle")
    page.locator("#campaign-name").fill("Relance de fin d'année")
    expect(page.locator("#valid-from")).to_have_attribute("placeholder", "jj/mm/aaaa")
    page.locator("#valid-from").fill("01/12/2026")
    page.locator("#valid-until").fill("31/12/2026")
    page.get_by_test_id("save-campaign").click()
    page.wait_for_url(re.compile(r".*/campagnes/edition\?id=\d+"))
    expect(page.get_by_test_id("campaign-context")).to_have_text(
        "Brouillon : rien n'est envoyé ni appelé avant « Propager l'OS ».")
    expect(page.locator("#valid-until")).to_have_value("31/12/2026")   # read back as typed
    page.locator("#valid-until").fill("12/31/2026")                    # not a day in French
    page.get_by_test_id("save-campaign").click()
    expect(page.get_by_test_id("form-error")).to_contain_text(
        "Fin de validité : saisissez une date jj/mm/aaaa.")

    page.get_by_test_id("step-D").click()           # each box keeps its size beside its name
    page.set_viewport_size({"width": 760, "height": 800})
    widths = []
    for name in ("Test Agent", LONG_NAME):                # a long name wraps, its box stays whole
        choice = page.get_by_test_id("agent-choices").locator("label").filter(has_text=name)
        box = choice.get_by_role("checkbox").bounding_box()
        text = choice.get_by_text(name, exact=True).bounding_box()
        assert box["x"] + box["width"] <= text["x"]
        widths.append(box["width"])
    assert widths[0] == widths[1]
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_test_id("language-switch").get_by_role("radio", name="EN").click()
    page.get_by_test_id("step-A").click()
    expect(page.locator("#valid-from")).to_have_attribute("placeholder", "dd/mm/yyyy")
    expect(page.get_by_test_id("preset-FR_CALLS")).to_have_text("France — telemarketing calls")
    expect(page.get_by_test_id("campaign-context")).to_contain_text("Draft: nothing is sent")


@pytest.mark.e2e
def test_launch_refusal_lists_every_reason_and_list_actions(page, tenant_ready):
    _, supervisor_email, _ = tenant_ready
    log_in_and_land(page, supervisor_email, PASSWORD, "/supervision")
    page.goto("/campagnes")
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.get_by_test_id("new-campaign").click()
    page.locator("#campaign-name").fill("Sans rien")
    page.get_by_test_id("step-B").click()
    page.get_by_test_id("enable-voice").click()
    page.get_by_test_id("save-campaign").click()
    page.wait_for_url(re.compile(r".*/campagnes/edition\?id=\d+"))
    page.get_by_test_id("launch-campaign").click()
    preflight = page.get_by_test_id("preflight")
    for reason in ("Aucune audience", "Modèle vide : le script du canal Voix est vide",
                   "Canal Voix sans agent"):
        expect(preflight).to_contain_text(reason)

    page.goto("/campagnes")
    row = page.get_by_test_id("campaign-row")
    expect(row).to_contain_text("Brouillon")
    row.get_by_test_id("row-menu").click()
    page.get_by_test_id("action-duplicate").click()
    expect(page.get_by_test_id("campaign-row")).to_have_count(2)
    page.get_by_test_id("campaign-search").fill("copie")
    expect(page.get_by_test_id("campaign-row")).to_have_count(1)
    page.get_by_test_id("row-menu").click()
    page.get_by_test_id("action-archive").click()
    page.get_by_test_id("confirm-archive").click()
    expect(page.get_by_test_id("campaign-row")).to_contain_text("Archivée")


@pytest.mark.e2e
def test_whatsapp_registry_validates_and_frequency_caps_are_stored(page):
    log_in_and_land(page, new_user(new_tenant(), Role.ADMIN), PASSWORD, "/tableau-de-bord")
    page.goto("/campagnes")
    registry = page.get_by_test_id("wa-registry")
    page.locator("#wa-name").fill("Relance Client")
    page.locator("#wa-body").fill("Bonjour {{1}}, rappel {{3}}.")
    page.get_by_test_id("wa-add").click()
    expect(page.get_by_test_id("wa-error")).to_contain_text("lettres minuscules")
    expect(page.get_by_test_id("wa-error")).to_contain_text("{{1}}, {{2}}, {{3}}")
    page.locator("#wa-name").fill("relance_client")
    page.locator("#wa-body").fill("Bonjour {{1}}, votre rendez-vous est le {{2}}.")
    page.get_by_test_id("wa-add").click()
    row = registry.get_by_test_id("wa-template-row")
    expect(row).to_contain_text("En attente")
    row.get_by_test_id("wa-approve").click()
    expect(row).to_contain_text("Approuvé")

    page.get_by_role("button", name="France — démarchage téléphonique").last.click()
    expect(page.get_by_test_id("caps-table")).to_contain_text("2022-1313")
    expect(page.get_by_test_id("caps-table")).to_contain_text("VOIX4306")


@pytest.mark.e2e
def test_live_edits_that_touch_answers_or_busy_agents_are_explained(page):
    tenant = new_tenant()
    supervisor = context_for(tenant, Role.SUPERVISOR)
    fund(tenant.id)
    _, agent_id = new_agent(tenant)
    config = launchable_config(ready_list(supervisor), agent_id)
    config["form"] = {"fields": [{"label": "Budget", "tag": "Budget_Client", "type": "number"}]}
    campaign = create_campaign(supervisor, config)
    launch_campaign(supervisor, campaign.id)
    with tenant_session(supervisor) as session:
        session.add(FormAnswer(campaign_id=campaign.id, field_key="Budget_Client", value="900"))
    set_agent_state(tenant.id, agent_id, AgentState.IN_CALL)

    log_in_and_land(page, new_user(tenant, Role.SUPERVISOR), PASSWORD, "/supervision")
    page.goto(f"/campagnes/edition?id={campaign.id}")
    # A step clicked before the page has loaded the campaign raced its hydration (the editor once
    # stayed empty): click as a person does, once the campaign shows.
    expect(page.get_by_test_id("page-title")).to_have_text(campaign.name)
    page.get_by_test_id("step-C").click()
    page.get_by_role("button", name="Retirer").click()
    page.get_by_test_id("step-D").click()
    page.get_by_test_id("agent-choices").get_by_role("checkbox").first.click()
    page.get_by_test_id("save-campaign").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(
        "Le champ « Budget » est supprimé alors qu'il a déjà 1 réponse(s)")
    page.get_by_test_id("confirm-breaking").click()
    expect(page.get_by_text("1 agents sont en communication. La modification sera effective "
                            "dès la fin de leurs interactions en cours.")).to_be_visible()
    expect(page.get_by_test_id("campaign-version")).to_contain_text("2")
    with tenant_session(supervisor) as session:
        assert session.exec(select(FormAnswer.value)).all() == ["900"]
