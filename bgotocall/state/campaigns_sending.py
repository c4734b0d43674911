"""A campaign's sending page: counters per channel and "non envoyés et pourquoi"."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.state.session import SessionState
from services.campaigns.lifecycle import get_campaign
from services.campaigns.store import CampaignError
from services.messaging.report import not_sent, sending_counters

SENDING_PAGE = "/campagnes/envois"
CHANNEL_LABELS = {"SMS": "SMS", "EMAIL": "Email", "WHATSAPP": "WhatsApp", "VOIX": "Voix"}
STATUS_LABELS = {"FAILED": "Échec", "CANCELLED": "Annulé", "QUEUED": "En attente"}


@dataclasses.dataclass
class CounterRow:
    channel: str
    total: int
    waiting: int
    sent: int
    delivered: int
    read: int
    clicked: int
    failed: int
    opted_out: int
    progress: int


@dataclasses.dataclass
class NotSentRow:
    channel: str
    address: str
    status: str
    reason: str
    when: str


class CampaignSendingState(SessionState):
    campaign_id: int = 0
    campaign_name: str = ""
    pause_reason: str = ""
    counters: list[CounterRow] = []
    not_sent_rows: list[NotSentRow] = []

    @rx.event
    def open_sending(self):
        redirect = self._enter("campaigns")
        if redirect:
            return redirect
        try:
            self.campaign_id = int(self.router.url.query_parameters.get("id", "0"))
        except ValueError:
            return rx.redirect("/campagnes")
        return self._reload()

    @rx.event
    def refresh(self):
        return self._reload()

    def _reload(self):
        ctx = self._authorize("campaigns", "campaign_sending")
        if ctx is None:
            return rx.redirect("/campagnes")
        try:
            campaign = get_campaign(ctx, self.campaign_id)
            counters = sending_counters(ctx, self.campaign_id)
            rows = not_sent(ctx, self.campaign_id)
        except CampaignError:
            return rx.redirect("/campagnes")
        self.campaign_name, self.pause_reason = campaign.name, campaign.pause_reason
        self.counters = [CounterRow(CHANNEL_LABELS.get(c.channel, c.channel), c.total, c.waiting,
                                    c.sent, c.delivered, c.read, c.clicked, c.failed,
                                    c.opted_out, c.progress) for c in counters]
        self.not_sent_rows = [NotSentRow(CHANNEL_LABELS.get(r.channel, r.channel), r.address,
                                         STATUS_LABELS.get(r.status, r.status), r.reason,
                                         r.updated_at) for r in rows]
        return None
