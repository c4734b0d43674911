"""Routes of the campaign pages (added to the app by bgotocall.py)."""
from __future__ import annotations

import reflex as rx

from bgotocall.pages.campaigns import campaigns_page
from bgotocall.pages.campaigns_editor import campaign_editor_page
from bgotocall.pages.campaigns_sending import campaign_sending_page
from bgotocall.state.campaigns import CampaignsState
from bgotocall.state.campaigns_editor import EDIT_PAGE, CampaignEditorState
from bgotocall.state.campaigns_sending import SENDING_PAGE, CampaignSendingState
from bgotocall.pages.reports import reports_page
from bgotocall.pages.statistics import statistics_page
from bgotocall.state.reports import REPORTS_PAGE, STATISTICS_PAGE, ReportsState
from bgotocall.state.reports_schedule import ReportScheduleState


def add_campaign_pages(app: rx.App) -> None:
    app.add_page(campaigns_page, route="/campagnes", title="Campagnes",
                 on_load=[CampaignsState.enter_campaigns, CampaignsState.load])
    app.add_page(campaign_editor_page, route="/campagnes/nouvelle", title="Nouvelle campagne",
                 on_load=CampaignEditorState.open_new)
    app.add_page(campaign_editor_page, route=EDIT_PAGE, title="Campagne",
                 on_load=CampaignEditorState.open_existing)
    app.add_page(campaign_sending_page, route=SENDING_PAGE, title="Envois de la campagne",
                 on_load=CampaignSendingState.open_sending)
    app.add_page(reports_page, route=REPORTS_PAGE, title="Données de la campagne",
                 on_load=[ReportsState.open_reports, ReportScheduleState.load_schedules])
    app.add_page(statistics_page, route=STATISTICS_PAGE, title="Statistiques",
                 on_load=[ReportsState.open_statistics, ReportScheduleState.load_schedules])
