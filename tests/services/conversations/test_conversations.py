"""The conversation console's service: inbound SMS routed to the campaign's agents, idempotent
webhooks, answers through the sending engine (queued outside the country's hours), STOP closing
and blacklisting, assignment, and every read or action refused outside the caller's scope."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from services.billing.wallet import wallet_of
from services.campaigns.assignment import sync_agents
from services.conversations import (
    ReplyError, assign, close_conversation, estimate, list_conversations, receive_inbound,
    reply, set_routing_team, thread, unread_count,
)
from services.db.tenancy import tenant_session
from services.identity.access import AccessDenied
from services.messaging.reconcile import worker_lock
from services.messaging.sending import _load_batch, claim_batch, process_batch, send_due
from services.messaging.sequencer import sequence_tenant
from services.models.audience import OptOut
from services.models.conversations import Conversation, ConversationMessage
from services.models.interactions import Interaction
from services.models.platform import Role
from services.reporting.journal import JournalFilter, journal_page
from services.teams import create_team
from services.voice.skills import set_agent_teams
from tests.services.messaging.conftest import SmsCampaign, phones, phones_at_any_hour
from tests.support.accounts import context_for, new_tenant

QUESTION = "Bonjour, c'est combien ?"


class Desk:
    """A sent SMS campaign with one agent on it, one agent elsewhere and a supervisor; its
    customers' numbers have no sending hours unless given (`numbers`)."""

    def __init__(self, sandbox, count: int = 1, numbers: list[str] | None = None):
        self.c = SmsCampaign(count=count, names=["Ngo"] * count,
                             numbers=numbers or phones_at_any_hour(count))
        self.agent = context_for(self.c.tenant, Role.AGENT)
        self.other = context_for(self.c.tenant, Role.AGENT)
        self.supervisor = context_for(self.c.tenant, Role.SUPERVISOR)
        with tenant_session(self.c.admin) as s:
            sync_agents(s, self.c.tenant.id, self.c.id, [self.agent.user_id])
        sequence_tenant(self.c.admin)
        send_due(self.c.tenant.id)
        self.sandbox = sandbox

    @property
    def phone(self) -> str:
        return self.c.phones[0]

    def customer_writes(self, body: str = QUESTION, phone: str | None = None) -> int:
        assert self.sandbox.inbound(phone or self.phone, body)["webhook_status"] == 200
        with tenant_session(self.c.admin) as s:
            return s.exec(select(Conversation.id).where(
                Conversation.address == (phone or self.phone))
                .order_by(Conversation.id.desc())).first()


def test_a_reply_to_a_campaign_sms_reaches_the_agents_of_that_campaign(sandbox, webhooks):
    d = Desk(sandbox)
    conversation_id = d.customer_writes()
    mine = list_conversations(d.agent)
    assert [(r.id, r.channel, r.campaign, r.unread, r.last_message) for r in mine] == [
        (conversation_id, "sms", "Promo SMS", 1, QUESTION)]
    assert mine[0].contact == "Awa Ngo"
    assert list_conversations(d.other) == []
    assert [r.id for r in list_conversations(d.supervisor)] == [conversation_id]
    assert unread_count(d.agent) == 1 and unread_count(d.other) == 0
    shown = thread(d.agent, conversation_id)
    assert [(m.direction, m.channel, m.body) for m in shown.messages] == [("IN", "sms", QUESTION)]
    assert unread_count(d.agent) == 0
    with tenant_session(d.c.admin) as s:
        inbound = s.exec(select(Interaction).where(Interaction.direction == "IN",
                                                   Interaction.address == d.phone)).one()
    assert (inbound.campaign_id, inbound.conversation_id, inbound.body) == (
        d.c.id, conversation_id, QUESTION)
    assert inbound.contact_id is not None


def test_a_reply_outside_the_campaigns_time_bands_still_reaches_the_console(sandbox, webhooks):
    from services.models.campaigns import Campaign

    d = Desk(sandbox)
    with tenant_session(d.c.admin) as s:  # the campaign's bands now closed all week
        campaign = s.get(Campaign, d.c.id)
        campaign.config = {**campaign.config, "bands": {str(day): "" for day in range(7)}}
        s.add(campaign)
    conversation_id = d.customer_writes()
    assert [(r.id, r.unread) for r in list_conversations(d.agent)] == [(conversation_id, 1)]


def test_a_webhook_delivered_twice_is_one_message(sandbox):
    d = Desk(sandbox)
    with tenant_session(d.c.admin) as s:
        first = receive_inbound(s, d.c.tenant.id, "sms", d.phone, QUESTION, "SMdup1")
    with tenant_session(d.c.admin) as s:
        again = receive_inbound(s, d.c.tenant.id, "sms", d.phone, QUESTION, "SMdup1")
        later = receive_inbound(s, d.c.tenant.id, "sms", d.phone, "Et la livraison ?", "SMdup2")
    assert first.created and not again.created and later.created
    assert (again.conversation_id, again.message_id) == (first.conversation_id, first.message_id)
    assert later.conversation_id == first.conversation_id
    with tenant_session(d.c.admin) as s:
        messages = s.exec(select(ConversationMessage)).all()
        inbound = s.exec(select(Interaction).where(Interaction.direction == "IN")).all()
        conversation = s.get(Conversation, first.conversation_id)
    assert len(messages) == 2 and len(inbound) == 2 and conversation.unread == 2


def test_the_agents_answer_goes_through_the_sending_engine_personalised(sandbox, webhooks):
    d = Desk(sandbox)
    conversation_id = d.customer_writes()
    balance = wallet_of(d.c.tenant.id).balance
    sent = reply(d.agent, conversation_id, "Bonjour {Prenom}, c'est 5000 FCFA.")
    assert sent.outcome == "sent" and sent.scheduled_for is None
    assert sent.body == "Bonjour Awa, c'est 5000 FCFA."
    received = [m for m in sandbox.messages_to(d.phone) if "5000" in m["body"]]
    assert [m["body"] for m in received] == ["Bonjour Awa, c'est 5000 FCFA."]
    assert received[0]["num_segments"] == "1"
    with tenant_session(d.c.admin) as s:
        attempt = s.get(Interaction, sent.attempt_id)
        conversation = s.get(Conversation, conversation_id)
    currency, amount = wallet_of(d.c.tenant.id).currency, attempt.cost_amount
    assert amount > 0 and wallet_of(d.c.tenant.id).balance == balance - amount
    assert (attempt.agent_id, attempt.campaign_id, attempt.conversation_id) == (
        d.agent.user_id, d.c.id, conversation_id)
    assert conversation.agent_id == d.agent.user_id  # the answering agent took it
    shown = thread(d.agent, conversation_id)
    assert [(m.direction, m.body) for m in shown.messages][-1] == (
        "OUT", "Bonjour Awa, c'est 5000 FCFA.")
    texts = [(h["direction"], h["text"]) for h in shown.history]
    assert ("IN", QUESTION) in texts and ("OUT", "Bonjour Awa, c'est 5000 FCFA.") in texts
    journal = journal_page(d.supervisor, d.c.id, JournalFilter()).rows
    assert {(r["sens"], r["message"]) for r in journal} >= {
        ("Entrant", QUESTION), ("Sortant", "Bonjour Awa, c'est 5000 FCFA.")}
    assert estimate("sms", "Bonjour Awa, c'est 5000 FCFA.", currency,
                    {"sms": amount}).segments == 1


def test_the_composer_counts_segments_and_cost_as_typed():
    gsm = estimate("sms", "a" * 161, "XAF", {"sms": 25})
    ucs = estimate("sms", "Prix : 5 000 ₣ ✓", "XAF", {"sms": 25})
    assert (gsm.encoding, gsm.segments, gsm.amount) == ("GSM-7", 2, 50)
    assert (ucs.encoding, ucs.segments, ucs.amount) == ("UCS-2", 1, 25)
    assert "2 segments (GSM-7)" in gsm.label


def _late_evening_in_douala() -> datetime:
    tomorrow = datetime.now(ZoneInfo("Africa/Douala")).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(23, 30), ZoneInfo("Africa/Douala")).astimezone(
        timezone.utc)


def test_an_answer_outside_the_countrys_hours_waits_for_them_and_shows_when(sandbox, webhooks):
    d = Desk(sandbox, numbers=phones(1))  # Cameroon: SMS 06:00-22:00
    conversation_id = d.customer_writes()
    late = _late_evening_in_douala()
    sent = reply(d.agent, conversation_id, "Je vous réponds demain matin.", now=late)
    opening = datetime.combine(late.astimezone(ZoneInfo("Africa/Douala")).date()
                               + timedelta(days=1), time(6, 0), ZoneInfo("Africa/Douala"))
    assert sent.scheduled_for == opening and sent.outcome == ""
    send_due(d.c.tenant.id)
    with tenant_session(d.c.admin) as s:
        attempt = s.get(Interaction, sent.attempt_id)
    assert attempt.status == "QUEUED" and attempt.next_try_at == opening
    assert not [m for m in sandbox.messages_to(d.phone) if "demain" in m["body"]]
    last = thread(d.agent, conversation_id).messages[-1]
    assert last.scheduled_for == opening and "hors des heures" in last.note


def test_stop_in_a_conversation_blacklists_and_closes_it(sandbox, webhooks):
    d = Desk(sandbox)
    conversation_id = d.customer_writes()
    assert d.sandbox.inbound(d.phone, "STOP")["webhook_status"] == 200
    with tenant_session(d.c.admin) as s:
        conversation = s.get(Conversation, conversation_id)
        opted = s.exec(select(OptOut).where(OptOut.phone == d.phone)).all()
        stops = s.exec(select(Interaction).where(Interaction.direction == "IN",
                                                 Interaction.body == "STOP")).all()
    assert conversation.status == "CLOSED" and "STOP" in conversation.closed_reason
    assert len(opted) == 1 and len(stops) == 1
    assert [m.body for m in thread(d.supervisor, conversation_id).messages] == [QUESTION, "STOP"]
    assert list_conversations(d.agent) == []
    with pytest.raises(ReplyError):
        reply(d.agent, conversation_id, "Vraiment ?")


def test_a_supervisor_moves_a_conversation_to_another_agent(sandbox, webhooks):
    d = Desk(sandbox)
    conversation_id = d.customer_writes()
    assign(d.supervisor, conversation_id, d.other.user_id)
    assert [r.id for r in list_conversations(d.other)] == [conversation_id]
    assert list_conversations(d.agent) == []
    with pytest.raises(AccessDenied):
        reply(d.agent, conversation_id, "Je reprends.")
    assert reply(d.other, conversation_id, "Je m'en occupe.").outcome == "sent"
    with pytest.raises(AccessDenied):
        assign(d.other, conversation_id, d.other.user_id)  # agents do not assign


def test_a_tenant_chosen_team_receives_new_conversations(sandbox, webhooks):
    d = Desk(sandbox, count=2)
    team = create_team(d.supervisor, "Service client")
    set_agent_teams(d.supervisor, d.other.user_id, [team.id])
    set_routing_team(d.supervisor, team.id)
    conversation_id = d.customer_writes(phone=d.c.phones[1])
    assert [r.id for r in list_conversations(d.other)] == [conversation_id]
    assert list_conversations(d.agent) == []


def test_forged_ids_are_refused_like_missing_ones(sandbox, webhooks):
    d = Desk(sandbox)
    conversation_id = d.customer_writes()
    stranger = context_for(new_tenant(), Role.SUPERVISOR)  # another tenant, same id space
    for actor in (d.other, stranger):
        with pytest.raises(AccessDenied):
            thread(actor, conversation_id)
        with pytest.raises(AccessDenied):
            reply(actor, conversation_id, "Bonjour")
        with pytest.raises(AccessDenied):
            close_conversation(actor, conversation_id)
    with pytest.raises(AccessDenied):
        assign(stranger, conversation_id, d.other.user_id)
    assert list_conversations(stranger) == []
    with tenant_session(d.c.admin) as s:
        conversation = s.get(Conversation, conversation_id)
        answers = s.exec(select(ConversationMessage).where(
            ConversationMessage.direction == "OUT")).all()
    assert conversation.status == "OPEN" and conversation.unread == 1 and answers == []
    with pytest.raises(AccessDenied):
        list_conversations(context_for(None, Role.SUPER_ADMIN))  # no tenant: no console


def test_the_engine_keeps_a_due_answer_until_the_countrys_hours_open(sandbox, webhooks):
    """A worker that finds an answer due at a closed hour (e.g. queued before a preset change)
    puts it back until the next opening instead of sending it."""
    d = Desk(sandbox, numbers=phones(1))  # Cameroon: SMS 06:00-22:00
    conversation_id = d.customer_writes()
    late = _late_evening_in_douala()
    sent = reply(d.agent, conversation_id, "Réponse de nuit.", now=late)
    with tenant_session(d.c.admin) as s:
        s.get(Interaction, sent.attempt_id).next_try_at = datetime.now(timezone.utc)
    with worker_lock() as key:
        claimed = claim_batch(d.c.admin, key, only=sent.attempt_id)
        with tenant_session(d.c.admin) as s:
            batch = _load_batch(s, d.c.admin, claimed)
        assert list(process_batch(d.c.admin, claimed, batch, late).values()) == ["outside-band"]
    with tenant_session(d.c.admin) as s:
        attempt = s.get(Interaction, sent.attempt_id)
    assert (attempt.status, attempt.next_try_at, attempt.claimed_by) == (
        "QUEUED", sent.scheduled_for, None)
    assert not [m for m in sandbox.messages_to(d.phone) if "nuit" in m["body"]]
