"""Images and PDFs in a WhatsApp conversation: an inbound photo or PDF from the Meta twin is
opened through the product's route (fetched with the adapter, served as what its bytes are:
images inline, PDFs as attachments, never HTML) by those who may see the conversation only —
404 for another tenant, an agent it is not routed to, no session; an agent's PDF or image is
checked, stored under the data folder and reaches the customer's phone as a document."""
from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bgotocall.api_conversation_media import MEDIA_ROUTES, media_url
from services.campaigns.assignment import sync_agents
from services.conversations import list_conversations, thread
from services.conversations.media import MAX_BYTES, attach, storage_dir
from services.conversations.replies import ReplyError
from services.db.tenancy import tenant_session
from services.identity.login import log_in
from services.identity.sessions import resolve_session
from services.messaging.sending import send_due
from services.messaging.sequencer import sequence_tenant
from services.models.columns import utcnow
from services.models.conversations import Conversation, ConversationMessage
from services.models.platform import Role
from services.sandbox.meta.app import PIXEL
from tests.services.messaging.conftest import WhatsAppCampaign
from tests.support.accounts import PASSWORD, new_tenant, new_user
from tests.support.waiting import wait_until

APP = Starlette(routes=MEDIA_ROUTES)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML = b"<html><script>alert(document.cookie)</script></html>"


def _session(tenant, role) -> str:
    return log_in(new_user(tenant, role), PASSWORD, "testclient").token


def _get(token: str, url: str):
    return TestClient(APP, cookies={"bgc_session": token} if token else None).get(url)


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


class Chat:
    """A WhatsApp campaign with its agent; the customer wrote a photo, a PDF and an HTML page."""

    def __init__(self, meta):
        self.c = WhatsAppCampaign(count=1)
        self.agent_token = _session(self.c.tenant, Role.AGENT)
        self.agent = resolve_session(self.agent_token)
        with tenant_session(self.c.admin) as s:
            sync_agents(s, self.c.tenant.id, self.c.id, [self.agent.user_id])
        sequence_tenant(self.c.admin)
        send_due(self.c.tenant.id)
        self.phone = self.c.phones[0]
        meta.inbound(self.phone, type="image", caption="Ma facture", content_base64=_b64(PIXEL))
        meta.inbound(self.phone, type="document", filename="devis.pdf",
                     mime_type="application/pdf", content_base64=_b64(PDF))
        meta.inbound(self.phone, type="document", filename="page.html", mime_type="text/html",
                     content_base64=_b64(HTML))
        [row] = list_conversations(self.c.admin)
        self.conversation_id = row.id
        self.photo, self.pdf, self.html = [m.id for m in thread(self.c.admin, row.id).messages]


def test_an_inbound_photo_and_pdf_open_for_those_who_see_the_conversation_only(meta):
    chat = Chat(meta)
    for token in (chat.agent_token, _session(chat.c.tenant, Role.SUPERVISOR)):
        photo = _get(token, media_url(chat.photo))
        assert photo.status_code == 200 and photo.content == PIXEL
        assert photo.headers["content-type"] == "image/png"
        assert photo.headers["content-disposition"].startswith("inline")
        assert photo.headers["x-content-type-options"] == "nosniff"
        pdf = _get(token, media_url(chat.pdf))
        assert pdf.status_code == 200 and pdf.content == PDF
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.headers["content-disposition"] == "attachment; filename*=UTF-8''devis.pdf"
    assert _get(chat.agent_token, media_url(chat.html)).status_code == 404  # never HTML
    assert _get(chat.agent_token, media_url(chat.photo, 1)).status_code == 404
    for stranger in (_session(chat.c.tenant, Role.AGENT),  # not on this campaign
                     _session(new_tenant(), Role.ADMIN),  # another tenant, same id space
                     _session(None, Role.SUPER_ADMIN), ""):  # no tenant; no session
        for message_id in (chat.photo, chat.pdf):
            assert _get(stranger, media_url(message_id)).status_code == 404


def test_the_agents_pdf_is_stored_and_reaches_the_customers_phone(meta):
    chat = Chat(meta)
    sent = attach(chat.agent, chat.conversation_id, "Devis signé.pdf", PDF)
    assert sent.body == "Devis signé.pdf"
    with tenant_session(chat.c.admin) as s:
        media = s.get(ConversationMessage, sent.message_id).media
    assert [(m["type"], m["mime_type"]) for m in media] == [("document", "application/pdf")]
    stored = list(storage_dir(chat.c.admin.tenant_schema).iterdir())
    assert [p.read_bytes() for p in stored] == [PDF]
    wait_until(lambda: [m for m in meta.conversation(chat.phone) if m["direction"] == "out"
                        and m["type"] == "document" and m["text"] == "Devis signé.pdf"],
               timeout=20, what="the PDF at the customer's phone")
    mine = _get(chat.agent_token, media_url(sent.message_id))
    assert mine.status_code == 200 and mine.content == PDF
    assert _get(_session(new_tenant(), Role.ADMIN), media_url(sent.message_id)).status_code == 404


def test_an_attachment_is_an_image_or_pdf_within_the_size_inside_the_window(meta):
    chat = Chat(meta)
    with pytest.raises(ReplyError, match="images"):
        attach(chat.agent, chat.conversation_id, "devis.pdf", HTML)  # the name does not count
    with pytest.raises(ReplyError, match="trop lourd"):
        attach(chat.agent, chat.conversation_id, "scan.pdf", PDF + b"0" * MAX_BYTES)
    with tenant_session(chat.c.admin) as s:
        s.execute(update(Conversation).where(Conversation.id == chat.conversation_id)
                  .values(last_inbound_at=utcnow() - timedelta(hours=25)))
    with pytest.raises(ReplyError, match="24 h"):
        attach(chat.agent, chat.conversation_id, "photo.png", PIXEL)
    with tenant_session(chat.c.admin) as s:
        assert s.exec(select(ConversationMessage).where(
            ConversationMessage.direction == "OUT")).all() == []
    folder = storage_dir(chat.c.admin.tenant_schema)
    assert not folder.exists() or list(folder.iterdir()) == []
