"""The export download route: the file for its own tenant, 404 for any other, 403 for agents."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bgotocall.api_reports import REPORT_ROUTES
from services.identity.login import log_in
from services.models.platform import Role
from services.reporting.exports import record_export, run_export
from tests.support.accounts import PASSWORD, new_tenant, new_user
from tests.support.interactions import add_interactions, new_report_campaign

APP = Starlette(routes=REPORT_ROUTES)


def signed_in(tenant, role):
    result = log_in(new_user(tenant, role), PASSWORD, "testclient")
    return result.token, result.context


@pytest.fixture(scope="module")
def export():
    tenant = new_tenant()
    token, ctx = signed_in(tenant, Role.SUPERVISOR)
    campaign = new_report_campaign(ctx)
    add_interactions(ctx, [dict(channel="SMS", campaign_id=campaign, contact_id=1, slot="sms",
                                status="SENT", queued_at=datetime.now(timezone.utc))])
    job = record_export(ctx, campaign, ["date", "statut"], "csv")
    run_export(ctx.tenant_id, ctx.user_id, job.id)
    return dict(tenant=tenant, session=token, link=f"/api/rapports/exports/{job.token}",
                synthesis=f"/api/rapports/synthese/{campaign}?periode=7d")


def get(link, session):
    return TestClient(APP, cookies={"bgc_session": session} if session else None).get(link)


def test_the_owner_downloads_the_file(export):
    response = get(export["link"], export["session"])
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "Envoyé" in response.content.decode("utf-8-sig")
    assert "attachment" in response.headers["content-disposition"]


def test_another_tenants_admin_gets_404(export):
    token, _ = signed_in(new_tenant(), Role.ADMIN)
    assert get(export["link"], token).status_code == 404
    assert get("/api/rapports/exports/" + "x" * 32, token).status_code == 404


def test_an_agent_or_a_stranger_is_refused(export):
    agent, _ = signed_in(export["tenant"], Role.AGENT)
    assert get(export["link"], agent).status_code == 403
    assert get(export["link"], "").status_code == 403


def test_the_synthesis_pdf_for_its_tenant_only(export):
    response = get(export["synthesis"], export["session"])
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    token, _ = signed_in(new_tenant(), Role.SUPERVISOR)
    assert get(export["synthesis"], token).status_code == 404
    assert get(export["synthesis"] + "x", export["session"]).status_code == 400
