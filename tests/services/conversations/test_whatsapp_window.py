"""WhatsApp's 24-hour rule in the console's service: the window's end is computed from the
customer's last message; outside it free text is refused and only an APPROVED template of the
tenant goes, filled from the contact and sent through the same engine to the Meta twin."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select

from services.conversations import list_conversations, reply, thread
from services.conversations.replies import ReplyError, reply_template
from services.db.tenancy import tenant_session
from services.messaging.sending import send_due
from services.messaging.sequencer import sequence_tenant
from services.models.campaigns import TemplateStatus, WhatsAppTemplate
from services.models.conversations import Conversation, ConversationMessage
from services.models.interactions import Interaction
from services.models.columns import utcnow
from tests.services.messaging.conftest import WhatsAppCampaign, approved_template
from tests.support.waiting import wait_until


def _customer_wrote(meta) -> tuple[WhatsAppCampaign, int]:
    c = WhatsAppCampaign(count=1)
    sequence_tenant(c.admin)
    send_due(c.tenant.id)
    meta.inbound(c.phones[0], "Bonjour, toujours valable ?")
    [row] = list_conversations(c.admin)
    return c, row.id


def _age_window(c: WhatsAppCampaign, conversation_id: int, hours: int) -> None:
    """The customer's last message `hours` ago (at the twin too: Meta closes its window)."""
    with tenant_session(c.admin) as s:
        s.execute(update(Conversation).where(Conversation.id == conversation_id)
                  .values(last_inbound_at=utcnow() - timedelta(hours=hours)))


def test_the_window_ends_24_hours_after_the_customers_last_message(meta):
    c, conversation_id = _customer_wrote(meta)
    with tenant_session(c.admin) as s:
        last = s.get(Conversation, conversation_id).last_inbound_at
    shown = thread(c.admin, conversation_id)
    assert shown.free_text and shown.window_ends_at == last + timedelta(hours=24)
    _age_window(c, conversation_id, 23)
    assert thread(c.admin, conversation_id).free_text
    _age_window(c, conversation_id, 25)
    closed = thread(c.admin, conversation_id)
    assert not closed.free_text and "24 h" in closed.locked_reason
    assert closed.window_ends_at < utcnow()


def test_outside_the_window_free_text_is_refused_and_an_approved_template_goes(meta):
    c, conversation_id = _customer_wrote(meta)
    _age_window(c, conversation_id, 25)
    with pytest.raises(ReplyError, match="24 h"):
        reply(c.admin, conversation_id, "Toujours là ?")
    with tenant_session(c.admin) as s:
        assert s.exec(select(ConversationMessage).where(
            ConversationMessage.direction == "OUT")).all() == []

    sent = reply_template(c.admin, conversation_id, c.template_id, {"1": "Nom"})
    assert sent.body == "Bonjour Client0, -10 % ce mois."
    with tenant_session(c.admin) as s:
        attempt = s.get(Interaction, sent.attempt_id)
    assert (attempt.conversation_id, attempt.channel) == (conversation_id, "WHATSAPP")
    # the campaign's own message was this template already: the answer is the second one
    wait_until(lambda: len([m for m in meta.conversation(c.phones[0])
                            if m["direction"] == "out" and m["type"] == "template"
                            and m["text"] == "Bonjour Client0, -10 % ce mois."]) == 2,
               timeout=20, what="the template answer at the customer's phone")
    assert thread(c.admin, conversation_id).messages[-1].body == sent.body


def test_only_an_approved_template_of_the_tenant_with_every_value_goes(meta):
    c, conversation_id = _customer_wrote(meta)
    pending = approved_template(c.admin, "Votre dossier {{1}} est prêt, merci.", name="dossier")
    with tenant_session(c.admin) as s:
        s.execute(update(WhatsAppTemplate).where(WhatsAppTemplate.id == pending)
                  .values(status=TemplateStatus.PENDING.value))
    for template_id in (pending, 987654):
        with pytest.raises(ReplyError, match="approuvé"):
            reply_template(c.admin, conversation_id, template_id, {"1": "Nom"})
    with pytest.raises(ReplyError):
        reply_template(c.admin, conversation_id, c.template_id, {"1": "Ville"})  # no value
    with tenant_session(c.admin) as s:
        assert s.exec(select(ConversationMessage).where(
            ConversationMessage.direction == "OUT")).all() == []
