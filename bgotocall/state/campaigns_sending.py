"""A campaign's sending page: counters per channel (the reporting funnel, live: they move as
the engine and the providers' callbacks move the attempts) and "non envoyés et pourquoi"."""
from __future__ import annotations

import dataclasses

import reflex as rx

from bgotocall.live import receives
from bgotocall.state.reports import FunnelView, funnel_views
from bgotocall.state.session import CAMPAIGNS_PAGE, SessionState
from services.campaigns.lifecycle import get_campaign
from services.campaigns.store import CampaignError
from services.live import campaign_topic, subscribe
from services.messaging.report import not_sent
from services.reporting.figures import sending_funnel
from services.reporting.journal import CHANNEL_LABELS
from services.reporting.scope import ReportNotFound

SENDING_PAGE = "/campagnes/envois"
STATUS_LABELS = {"FAILED": "Échec", "CANCELLED": "Annulé", "QUEUED": "En attente"}


@dataclasses.dataclass
class NotSentRow:
    channel: str
    address: str
    status: str
    reason: str
    when: str


@receives("sending")
class CampaignSendingState(SessionState):
    campaign_id: int = 0
    campaign_name: str = ""
    pause_reason: str = ""
    counters: list[FunnelView] = []
    not_sent_rows: list[NotSentRow] = []

    @rx.event
    def open_sending(self):
        self.campaign_id, redirect = self._enter_campaign_page()
        if redirect:
            return redirect
        return self._reload(listen=True)

    @rx.event
    def refresh(self):
        return self._reload()

    def _on_live(self, event) -> None:
        """Attempts of a campaign moved: this tab's counters follow when it shows that one."""
        if event.data.get("campaign_id") == self.campaign_id:
            self._reload()

    def _reload(self, listen: bool = False):
        ctx = self._authorize("campaigns", "campaign_sending")
        if ctx is None:
            return rx.redirect(CAMPAIGNS_PAGE)
        try:
            campaign = get_campaign(ctx, self.campaign_id)
            counters = sending_funnel(ctx, self.campaign_id)
            rows = not_sent(ctx, self.campaign_id)
        except (CampaignError, ReportNotFound):
            return rx.redirect(CAMPAIGNS_PAGE)
        if listen:
            subscribe(self.router.session.client_token,
                      [campaign_topic(ctx.tenant_id, self.campaign_id)])
        self.campaign_name, self.pause_reason = campaign.name, campaign.pause_reason
        self.counters = funnel_views(counters)
        self.not_sent_rows = [NotSentRow(CHANNEL_LABELS.get(r.channel, r.channel), r.address,
                                         STATUS_LABELS.get(r.status, r.status), r.reason,
                                         r.updated_at) for r in rows]
        return None
