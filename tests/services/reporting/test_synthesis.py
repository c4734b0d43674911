"""The synthesis PDF holds the figures, the qualification table and the charts."""
from __future__ import annotations

import io
from collections import Counter
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from services.models.platform import Role
from services.reporting.periods import period
from services.reporting.synthesis import synthesis_pdf
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import new_agent
from tests.support.interactions import add_interactions, new_report_campaign, production_day

DAY = date(2026, 11, 20)


def test_the_pdf_holds_the_figures_and_the_codes():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    campaign = new_report_campaign(ctx, "Offre Tabaski", contacts_total=400)
    rows = production_day(campaign, [new_agent(tenant)[1]],
                          datetime(2026, 11, 20, tzinfo=ZoneInfo("Africa/Douala")), 150, seed=4)
    add_interactions(ctx, rows)
    pdf, name = synthesis_pdf(ctx, campaign, lambda zone: period("custom", zone, first_day=DAY,
                                                                 last_day=DAY))
    assert name == "synthese-offre-tabaski-2026-11-20.pdf"
    reader = PdfReader(io.BytesIO(pdf))
    content = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    calls = sum(r["channel"] == "VOIX" for r in rows)
    assert "Synthèse — Offre Tabaski" in content and "20/11/2026" in content
    assert "Volume 150" in content and f"Appels {calls}" in content
    assert f"Messages {150 - calls}" in content
    for code, count in Counter(r["qualification"] for r in rows if r.get("qualification")).items():
        assert f"{code} {count}" in content
    assert sum(len(page.images) for page in reader.pages) == 2  # hours and codes charts
