"""The message a qualification code sends (« VENTE » → the confirmation email): qualifying a call
queues one attempt for the contact, which the sending engine sends like any campaign message —
personalised, charged, through the SendGrid and Twilio twins — or cancels for a blacklisted
contact. The agent's "ready" after qualifying goes to a real bridge on the PBX simulator."""
from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlmodel import select

from services.audience.blacklist import record_opt_out
from services.audience.file_import import import_file
from services.audience.imports import add_custom_field
from services.billing.wallet import start_wallet
from services.campaigns.config import default_config
from services.campaigns.lifecycle import create_campaign, launch_campaign
from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.messaging.qualification_actions import ACTION_STEP, DEFAULT_SUBJECT
from services.messaging.sending import send_due, wallet_reference
from services.models.audience import ContactRecord
from services.models.billing import WalletEntry
from services.models.columns import utcnow
from services.models.interactions import Interaction
from services.models.platform import Role
from services.sandbox.pbx import PbxControl, VirtualClock
from services.sandbox.pbx.tenants import demo_tenant
from services.settings import get_settings
from services.tenant_settings import save_messaging_settings
from services.voice.agents import enroll_agent
from services.voice.bridge import Bridge
from services.voice.gateway import PbxConfig
from services.voice.licences import grant_licences
from services.voice.qualification import QualificationError, qualify
from tests.services.messaging.conftest import ALWAYS_OPEN, phones_at_any_hour
from tests.support.accounts import context_for, new_tenant
from tests.support.inbox import messages_to

pytestmark = pytest.mark.simulator  # the bridge answers the agent's "ready" on the simulator

CONFIRMATION = "Merci {Prenom} {Nom} : votre commande {Produit} est confirmée."
THANKS = "Merci {Prenom}, nous restons à votre écoute."


@pytest.fixture
async def desk(tmp_path, monkeypatch):
    """A tenant with an agent (Alice), its bridge on the simulator, and a LIVE SMS campaign whose
    VENTE sends CONFIRMATION by email and REFUS sends THANKS by SMS, on three contacts: with an
    email, without one, and one more (French mobiles: any hour is a sending hour)."""
    monkeypatch.setenv("BGC_PBX_COMMANDS", f"bgc:pbx:commands:test-{uuid.uuid4().hex}")
    tenant = new_tenant()
    grant_licences(tenant.id, 1)
    admin = context_for(tenant, Role.ADMIN)
    alice = enroll_agent(admin, "Agent", "Alice", "alice", f"alice-{tenant.slug}@example-corp.cm")
    start_wallet(tenant.id, "XAF", credit=1_000_000)
    assert save_messaging_settings(admin, "sendgrid", False) == {}
    assert add_custom_field(admin, "Produit") == "Produit"
    numbers = phones_at_any_hour(3)
    email = f"awa-{numbers[0][-8:]}@exemple.cm"
    rows = [f"Client0;Awa;{numbers[0]};{email};Box Fibre", f"Client1;Paul;{numbers[1]};;Box Fibre",
            f"Client2;Anne;{numbers[2]};;Clé 4G"]
    list_id = import_file(admin, "Clients", ("Nom;Prénom;Téléphone;Email;Produit\n"
                                             + "\n".join(rows) + "\n").encode())
    config = default_config("Relance fibre")
    config["bands"] = dict(ALWAYS_OPEN)
    config["channels"]["sms"].update(enabled=True, sender="BGOTOCALL", text="Bonjour {Nom}")
    config["codes"][0].update(action="email", template=CONFIRMATION)  # VENTE
    config["codes"][1].update(action="sms", template=THANKS)  # REFUS
    config["lists"] = [list_id]
    campaign = create_campaign(admin, config)
    launch_campaign(admin, campaign.id)
    pbx = await PbxControl.start(port=0, recordings=tmp_path / "rec", clock=VirtualClock(),
                                 tenants=[demo_tenant(tenant.slug)], auth_failure_delay=0.05)
    bridge = Bridge(PbxConfig("127.0.0.1", pbx.port, "amiuser", "amipass"))
    task = asyncio.ensure_future(bridge.run())
    await asyncio.wait_for(bridge.gateway.ready.wait(), 10)
    yield type("Desk", (), dict(tenant=tenant, admin=admin, campaign=campaign, numbers=numbers,
                                email=email, agent=system_context(tenant.id, alice.user_id)))
    bridge.stop()
    await task
    await pbx.close()


def _answered_call(desk, phone: str, step: int = 0) -> int:
    """A call of the campaign Alice answered and ended, waiting for her qualification."""
    with tenant_session(desk.admin) as s:
        contact = s.exec(select(ContactRecord).where(ContactRecord.telephone == phone)).one()
        now = utcnow()
        row = Interaction(channel="VOIX", campaign_id=desk.campaign.id, contact_id=contact.id,
                          list_id=contact.list_id, address=phone, slot="voice", step=step,
                          status="ENDED", agent_id=desk.agent.user_id, outcome="answered",
                          ringing_at=now, answered_at=now, ended_at=now)
        s.add(row)
        s.commit()
        s.refresh(row)
        return row.id


def _messages(desk) -> list[Interaction]:
    with tenant_session(desk.admin) as s:
        return list(s.exec(select(Interaction).where(
            Interaction.campaign_id == desk.campaign.id, Interaction.slot != "voice")
            .order_by(Interaction.id)))


def _usage(desk) -> list[tuple[str, int, str]]:
    with platform_session() as s:
        return sorted(s.exec(select(WalletEntry.kind, WalletEntry.quantity, WalletEntry.reference)
                             .where(WalletEntry.tenant_id == desk.tenant.id,
                                    WalletEntry.amount < 0)).all())


async def test_vente_sends_the_confirmation_email_once_personalised(desk, sandbox, webhooks):
    awa, paul, _ = desk.numbers
    first = _answered_call(desk, awa)
    await asyncio.to_thread(qualify, desk.agent, first, "VENTE", {}, "Commande passée")

    [queued] = _messages(desk)
    assert (queued.channel, queued.slot, queued.step, queued.status, queued.address) == (
        "EMAIL", "email", ACTION_STEP, "QUEUED", desk.email)
    assert (queued.body, queued.qualification, queued.direction) == (CONFIRMATION, "", "OUT")
    with pytest.raises(QualificationError):  # the call is qualified once
        await asyncio.to_thread(qualify, desk.agent, first, "VENTE", {})
    # a second sale of the same contact in this campaign does not confirm twice
    await asyncio.to_thread(qualify, desk.agent, _answered_call(desk, awa, step=1), "VENTE", {})
    # a contact without an email is qualified all the same, and gets no attempt
    await asyncio.to_thread(qualify, desk.agent, _answered_call(desk, paul), "VENTE", {})
    with tenant_session(desk.admin) as s:
        calls = s.exec(select(Interaction.address, Interaction.status, Interaction.qualification)
                       .where(Interaction.slot == "voice").order_by(Interaction.id)).all()
    assert calls == [(awa, "WRAPPED_UP", "VENTE")] * 2 + [(paul, "WRAPPED_UP", "VENTE")]
    assert [m.id for m in _messages(desk)] == [queued.id]

    assert send_due(desk.tenant.id) == {"sent": 1}  # the scheduler's messaging tick
    [mail] = messages_to(get_settings().sandbox_url, desk.email)
    sent = _messages(desk)[0]
    assert mail["via"] == "sendgrid" and mail["subject"] == DEFAULT_SUBJECT
    assert "Merci Awa Client0 : votre commande Box Fibre est confirmée." in mail["text"]
    assert "Merci Awa Client0 : votre commande Box Fibre est confirmée." in mail["html"]
    assert "/api/messaging/unsubscribe?" in mail["html"]
    assert sent.status in ("SENT", "DELIVERED")  # the twin's events may have come already
    assert (sent.provider, sent.body) == (
        "sendgrid", "Merci Awa Client0 : votre commande Box Fibre est confirmée.")
    assert sent.cost_amount > 0 and sent.cost_currency == "XAF"
    assert _usage(desk) == [("email", 1, wallet_reference(desk.agent, sent.id))]
    assert send_due(desk.tenant.id) == {}  # sent once


async def test_refus_sends_the_sms_and_a_blacklisted_contact_gets_none(desk, sandbox, webhooks):
    awa, paul, anne = desk.numbers
    record_opt_out(desk.admin, phone=anne, channel="TOUS", source="MANUAL", note="Demande du client")
    for phone in (paul, anne):
        await asyncio.to_thread(qualify, desk.agent, _answered_call(desk, phone), "REFUS", {})
    queued = _messages(desk)
    assert [(m.channel, m.step, m.status, m.address, m.body) for m in queued] == [
        ("SMS", ACTION_STEP, "QUEUED", phone, THANKS) for phone in (paul, anne)]

    assert send_due(desk.tenant.id) == {"sent": 1, "blacklisted": 1}
    [to_paul] = sandbox.messages_to(paul)
    assert to_paul["body"] == "Merci Paul, nous restons à votre écoute."
    assert sandbox.messages_to(anne) == []
    by_address = {m.address: m for m in _messages(desk)}
    assert by_address[paul].status in ("SENT", "DELIVERED")  # the twin's callback may be in
    assert (by_address[anne].status, by_address[anne].failure_class) == ("CANCELLED", "BLACKLIST")
    assert _usage(desk) == [("sms", 1, wallet_reference(desk.agent, by_address[paul].id))]
