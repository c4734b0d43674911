"""The unsubscribe link of every campaign email (UC-DG-04): signed with the platform's secret
(HMAC over tenant and attempt), so nobody can unsubscribe someone else by editing the URL.
Opening it shows a confirmation (mail scanners follow links); the POST — the page's button,
or an RFC 8058 one-click POST — blacklists the person and cancels their queued attempts."""
from __future__ import annotations

import hashlib
import hmac

from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.messaging.opt_out import record_contact_opt_out
from services.models.audience import ContactRecord, OptOutChannel, OptOutSource
from services.models.interactions import Interaction
from services.settings import get_settings


def _signature(tenant_id: int, attempt_id: int) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"unsubscribe:{tenant_id}:{attempt_id}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def unsubscribe_url(tenant_id: int, attempt_id: int) -> str:
    return (f"{get_settings().public_url}/api/messaging/unsubscribe"
            f"?t={tenant_id}&a={attempt_id}&s={_signature(tenant_id, attempt_id)}")


def is_signed(tenant_id: int, attempt_id: int, signature: str) -> bool:
    return hmac.compare_digest(_signature(tenant_id, attempt_id), signature or "")


def unsubscribe(tenant_id: int, attempt_id: int) -> bool:
    """Blacklist the recipient of this attempt; False when the attempt does not exist."""
    with tenant_session(system_context(tenant_id)) as s:
        attempt = s.get(Interaction, attempt_id)
        if attempt is None:
            return False
        contact = s.exec(select(ContactRecord).where(
            ContactRecord.id == attempt.contact_id)).first()
    email = attempt.address if attempt.channel == "EMAIL" else (contact.email if contact else "")
    phone = contact.telephone if contact else ""
    record_contact_opt_out(tenant_id, phone=phone, email=email, channel=OptOutChannel.EMAIL,
                           source=OptOutSource.UNSUBSCRIBE_LINK,
                           note=f"Lien de désinscription (campagne {attempt.campaign_id})",
                           reason="Désinscrit (lien de désinscription).")
    return True
