"""Issue 12's first "Must show" end to end in Chromium, all in sandbox mode: one campaign with
SMS, email and WhatsApp slots to one list of 1,000 contacts is launched by a supervisor
(« Propager l'OS »); its « Envois » page reaches 100 % with 1,000 per channel; the sandbox's
phones and inbox show the personalised messages; a « STOP » typed on the sandbox SMS phone
blacklists the contact and the next campaign to the same list does not send to them, saying
why; an email click is tracked and redirects only to the campaign's own link; an agent answers
a WhatsApp reply in the console and the customer sees it on the sandbox phone.

The 1,000 contacts are French mobiles (no preset limits their hours, so the test passes at
any hour) ending in 55, which every twin delivers (and Meta's, reads). The tests share one
campaign (module scope): the first launches it and watches it, the others use what it sent."""
from __future__ import annotations

import html
import time
from collections import Counter
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from services.audience.file_import import import_file
from services.audience.imports import add_custom_field
from services.campaigns.config import default_config
from services.campaigns.lifecycle import create_campaign, get_campaign, launch_campaign
from services.db.tenancy import tenant_session
from services.models.audience import OptOut
from services.models.campaigns import CampaignStatus
from services.models.interactions import Interaction
from services.models.platform import Role
from services.providers.whatsapp import wa_id
from services.settings import get_settings
from services.tenant_settings import save_messaging_settings
from tests.services.messaging.conftest import (
    ALWAYS_OPEN, HTML, MetaTwin, Twin, approved_template, contact_email, contacts_csv,
    phones_at_any_hour,
)
from tests.support.accounts import PASSWORD, context_for, new_tenant, new_user
from tests.support.browser import log_in_and_land
from tests.support.campaigns import fund, new_agent
from tests.support.console import answer_the_new_conversation
from tests.support.inbox import click_tracked_link, expect_link_refused
from tests.support.waiting import wait_until

CONTACTS = 1_000
CITIES = ("Douala", "Yaoundé", "Lyon", "Paris")
SMS = "Bonjour {Prenom} {Nom}, votre offre de {Ville} : -10% ce mois."
SUBJECT = "Offre pour {Prenom} {Nom} ({Ville})"
TEMPLATE = "Bonjour {{1}}, votre offre de {{2}} : -10 % ce mois."
SHOWN, STOPPED, CLICKER, WRITER = 7, 123, 456, 789  # the sample contacts
QUESTION = "C'est valable jusqu'à quand ?"
ANSWER = "Bonjour {Nom}, jusqu'au 31 décembre."
SENDING_BOUND_MS = 300_000  # a give-up bound: 3,000 messages on a loaded 2-core machine


@dataclass
class Contact:
    name: str
    city: str
    phone: str
    email: str


@dataclass
class ThreeChannels:
    admin: object
    supervisor: str
    agent: str
    campaign_id: int
    contacts: list[Contact]
    offer: str

    def statuses(self, campaign_id: int) -> Counter:
        """(channel, status) -> the campaign's attempts."""
        with tenant_session(self.admin) as s:
            return Counter(dict(((channel, status), n) for channel, status, n in s.execute(
                select(Interaction.channel, Interaction.status, func.count())
                .where(Interaction.campaign_id == campaign_id)
                .group_by(Interaction.channel, Interaction.status))))


def _rendered(text: str, c: Contact) -> str:
    return text.replace("{Prenom}", "Awa").replace("{Nom}", c.name).replace("{Ville}", c.city)


@pytest.fixture(scope="module")
def three(product) -> ThreeChannels:
    """A funded tenant: 1,000 contacts imported as the product imports (custom field {Ville}),
    an approved WhatsApp template, and a draft campaign with the three message slots."""
    tenant = new_tenant()
    admin = context_for(tenant, Role.ADMIN)
    fund(tenant.id, 10_000_000)
    assert save_messaging_settings(admin, "sendgrid", False) == {}
    add_custom_field(admin, "Ville")
    phones = phones_at_any_hour(CONTACTS)
    names = [f"Nom{i:04d}" for i in range(CONTACTS)]
    cities = [CITIES[i % len(CITIES)] for i in range(CONTACTS)]
    list_id = import_file(admin, "Clients 1000",
                          contacts_csv(phones, names, {"Ville": cities}))
    agent, agent_id = new_agent(tenant)  # on the campaign: its customers' replies reach them
    offer = f"{get_settings().public_url}/connexion/?campagne=promo"  # a page that answers

    config = default_config("Offre trois canaux")
    config["bands"] = dict(ALWAYS_OPEN)
    config["channels"]["sms"].update(enabled=True, sender="BGOTOCALL", text=SMS)
    config["channels"]["email"].update(enabled=True, sender="promo@b-gotocall.com",
                                       subject=SUBJECT,
                                       html=HTML.replace("{Lien_Offre}", html.escape(offer)))
    config["channels"]["whatsapp"].update(
        enabled=True, template_id=approved_template(admin, TEMPLATE),
        variables={"1": "Nom", "2": "Ville"})
    config.update(lists=[list_id], agents=[agent_id])
    campaign = create_campaign(admin, config)
    contacts = [Contact(n, c, p, contact_email(i, p))
                for i, (n, c, p) in enumerate(zip(names, cities, phones))]
    return ThreeChannels(admin, new_user(tenant, Role.SUPERVISOR), agent, campaign.id, contacts,
                         offer)


@pytest.fixture
def sent(three) -> ThreeChannels:
    """The campaign sent in full (launched here when its launch test did not run first)."""
    if get_campaign(three.admin, three.campaign_id).status == CampaignStatus.BROUILLON.value:
        launch_campaign(three.admin, three.campaign_id)
    def at_their_end(counts: Counter) -> bool:  # delivered, read, or clicked by a test
        return sum(counts.values()) == 3 * CONTACTS and not any(
            status in ("QUEUED", "SENDING", "SENT") for _, status in counts)

    try:
        wait_until(lambda: at_their_end(three.statuses(three.campaign_id)),
                   timeout=SENDING_BOUND_MS / 1000, what="the 3,000 messages at their end")
    except AssertionError as late:
        raise AssertionError(f"{late}: {three.statuses(three.campaign_id)}") from None
    return three


def _channel_row(page: Page, channel: str):
    return page.get_by_test_id("sending-counters").filter(
        has=page.get_by_role("cell", name=channel, exact=True))


@pytest.mark.e2e
def test_a_supervisor_launches_three_channels_to_1000_contacts_and_all_are_sent(page, three):
    started = time.monotonic()
    log_in_and_land(page, three.supervisor, PASSWORD, "/supervision")
    page.goto(f"/campagnes/edition?id={three.campaign_id}")
    page.get_by_test_id("launch-campaign").click()
    launch = page.get_by_test_id("launch-dialog")
    for told in ("1000 contacts", "SMS", "Email", "WhatsApp"):
        expect(launch).to_contain_text(told)
    page.get_by_test_id("confirm-launch").click()
    expect(page.get_by_test_id("campaign-status")).to_have_text("LIVE")

    page.goto("/campagnes")
    row = page.get_by_test_id("campaign-row").filter(has_text="Offre trois canaux")
    row.get_by_test_id("row-menu").click()
    page.get_by_test_id("action-sending").click()
    page.wait_for_url("**/campagnes/envois?id=*")
    expect(page.get_by_test_id("sending-counters")).to_have_count(3)
    for channel, final in (("SMS", "delivered"), ("Email", "delivered"), ("WhatsApp", "read")):
        counters = _channel_row(page, channel)
        expect(counters.get_by_test_id("count-total")).to_have_text("1000")
        # live: the page is not reloaded while the engine and the twins' callbacks move
        expect(counters.get_by_test_id(f"count-{final}")).to_have_text(
            "1000", timeout=SENDING_BOUND_MS)
        expect(counters).to_contain_text("100%")
        for zero in ("waiting", "failed", "opted_out"):
            expect(counters.get_by_test_id(f"count-{zero}")).to_have_text("0")
        expect(counters.get_by_test_id("count-sent")).to_have_text("1000")
    expect(page.get_by_test_id("not-sent-row")).to_have_count(0)
    print(f"\n1,000 contacts × 3 channels launched and settled in "
          f"{time.monotonic() - started:.1f} s (from the log-in)")

    sandbox = get_settings().sandbox_url
    c = three.contacts[SHOWN]
    page.goto(f"{sandbox}/twilio/_sandbox/?to={wa_id(c.phone)}")   # the person's phone: SMS
    expect(page.get_by_text(_rendered(SMS, c))).to_be_visible()
    page.goto(f"{sandbox}/inbox/?to={c.email}")                    # their mailbox
    expect(page.get_by_text(_rendered(SUBJECT, c))).to_be_visible()
    page.get_by_test_id("html-version").click()
    expect(page.get_by_role("heading", name=f"Bonjour {c.name}")).to_be_visible()
    page.goto(f"{sandbox}/meta/_sandbox/?wa_id={wa_id(c.phone)}")  # their WhatsApp
    expect(page.get_by_text(f"Bonjour {c.name}, votre offre de {c.city} : -10 % ce mois."
                            )).to_be_visible()


@pytest.mark.e2e
def test_a_stop_from_the_sandbox_phone_blacklists_and_the_next_campaign_skips_it(page, sent):
    c = sent.contacts[STOPPED]
    page.goto(f"{get_settings().sandbox_url}/twilio/_sandbox/?to={wa_id(c.phone)}")
    expect(page.get_by_text(_rendered(SMS, c))).to_be_visible()
    page.locator("input[name=Body]").fill("STOP")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_test_id("sms").filter(has_text="STOP")).to_be_visible()
    wait_until(lambda: _blacklisted(sent, c.phone), timeout=30, what="the STOP recorded")

    log_in_and_land(page, sent.supervisor, PASSWORD, "/supervision")
    page.goto("/liste-noire")
    expect(page.get_by_test_id("optout-row").filter(has_text=c.phone)).to_contain_text("STOP")

    config = {**get_campaign(sent.admin, sent.campaign_id).config, "name": "Relance SMS"}
    for slot in ("email", "whatsapp"):
        config["channels"][slot] = {**config["channels"][slot], "enabled": False}
    later = create_campaign(sent.admin, config)
    launch_campaign(sent.admin, later.id)               # « Propager l'OS » again, same list
    page.goto(f"/campagnes/envois?id={later.id}")
    counters = _channel_row(page, "SMS")
    expect(counters.get_by_test_id("count-sent")).to_have_text("999", timeout=SENDING_BOUND_MS)
    expect(counters.get_by_test_id("count-opted_out")).to_have_text("1")
    expect(counters.get_by_test_id("count-total")).to_have_text("1000")
    expect(counters).to_contain_text("100%")
    why = page.get_by_test_id("not-sent-row")
    expect(why).to_have_count(1)
    expect(why).to_contain_text(c.phone)
    expect(why).to_contain_text("Contact dans la liste noire.")
    assert [m["body"] for m in Twin(get_settings().sandbox_url).messages_to(c.phone)
            ] == [_rendered(SMS, c)]                    # the first campaign's only


def _blacklisted(three: ThreeChannels, phone: str) -> bool:
    with tenant_session(three.admin) as s:
        entry = s.execute(select(OptOut).where(OptOut.phone == phone)).scalars().first()
    return entry is not None and entry.source == "STOP"


@pytest.mark.e2e
def test_an_email_click_is_tracked_and_redirects_only_to_the_campaigns_link(page, sent):
    c = sent.contacts[CLICKER]
    tracked = click_tracked_link(page, get_settings().sandbox_url, c.email,
                                 _rendered(SUBJECT, c), "Voir l'offre")
    page.wait_for_url(sent.offer, timeout=30_000)
    wait_until(lambda: _email_status(sent, c.email) == "CLICKED", timeout=30,
               what="the click recorded")
    expect_link_refused(page, tracked.replace("campagne%3Dpromo", "campagne%3Dautre"))
    expect_link_refused(page, tracked.replace(
        "u=http", "u=https%3A%2F%2Fphishing.exemple.com%2F%3Fx%3Dhttp"))


def _email_status(three: ThreeChannels, email: str) -> str:
    with tenant_session(three.admin) as s:
        return s.execute(select(Interaction.status).where(
            Interaction.campaign_id == three.campaign_id, Interaction.address == email)).scalar()


@pytest.mark.e2e
def test_an_agent_answers_a_whatsapp_reply_and_the_customer_sees_it(page, new_page, sent):
    c = sent.contacts[WRITER]
    log_in_and_land(page, sent.agent, PASSWORD, "/bandeau")
    page.get_by_test_id("open-conversations").click()
    page.wait_for_url("**/conversations")

    phone = new_page()                                  # the customer's WhatsApp, in the sandbox
    phone.goto(f"{get_settings().sandbox_url}/meta/_sandbox/?wa_id={wa_id(c.phone)}")
    thread = phone.get_by_role("article")               # their conversation with the business
    expect(thread).to_contain_text(f"Bonjour {c.name}, votre offre de {c.city}")
    thread.locator("input[name=body]").fill(QUESTION)
    thread.get_by_role("button", name="Envoyer").click()
    expect(phone.get_by_text(QUESTION)).to_be_visible()

    answer_the_new_conversation(page, "WhatsApp", QUESTION, ANSWER)
    answer = _rendered(ANSWER, c)
    expect(page.get_by_test_id("message-out").get_by_test_id("message-body")).to_have_text(answer)

    twin = MetaTwin(get_settings().sandbox_url)
    wait_until(lambda: [m for m in twin.conversation(c.phone)
                        if m["direction"] == "out" and m["text"] == answer],
               timeout=60, what="the answer on the customer's phone")
    phone.reload()
    expect(phone.get_by_text(answer)).to_be_visible()
