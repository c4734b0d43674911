"""Synthesis PDFs emailed on a schedule: recipients validated, the last finished period
computed in the report's zone, role and tenant checked, each period sent once."""
from __future__ import annotations

import io
import urllib.request
import uuid
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from services.identity.access import AccessDenied
from services.models.platform import Role
from services.reporting import text
from services.reporting.schedules import (
    ScheduleError, delete_schedule, email_synthesis_now, last_period, list_schedules, parse_recipients,
    save_schedule, send_due_syntheses,
)
from services.reporting.scope import ReportNotFound
from tests.support.accounts import context_for, new_tenant
from tests.support.campaigns import new_agent
from tests.support.inbox import messages_to, wait_for_message
from tests.support.interactions import add_interactions, new_report_campaign, production_day

ZONE = "Africa/Douala"


def test_recipients_are_validated_and_kept_once():
    assert parse_recipients(" Chef@Exemple.cm; dg@exemple.cm,\nchef@exemple.cm ") == [
        "chef@exemple.cm", "dg@exemple.cm"]
    with pytest.raises(ScheduleError, match="invalide : pas-une-adresse"):
        parse_recipients("chef@exemple.cm, pas-une-adresse")
    with pytest.raises(ScheduleError, match="au moins un"):
        parse_recipients(" ;, ")
    with pytest.raises(ScheduleError, match="Au plus 20"):
        parse_recipients(",".join(f"p{n}@exemple.cm" for n in range(21)))


def test_the_last_finished_period_in_the_reports_zone():
    # Monday 7 December 2026, 00:30 in Douala (23:30 UTC on Sunday)
    now = datetime(2026, 12, 6, 23, 30, tzinfo=timezone.utc)
    daily, weekly, monthly = (last_period(f, ZONE, now) for f in ("daily", "weekly", "monthly"))
    assert (daily.first_day, daily.last_day) == (date(2026, 12, 6), date(2026, 12, 6))
    assert (weekly.first_day, weekly.last_day) == (date(2026, 11, 30), date(2026, 12, 6))
    assert (monthly.first_day, monthly.last_day) == (date(2026, 11, 1), date(2026, 11, 30))
    # in UTC it is still Sunday: yesterday is Saturday, and last week the one before
    assert last_period("daily", "UTC", now).last_day == date(2026, 12, 5)
    assert last_period("weekly", "UTC", now).last_day == date(2026, 11, 29)


def test_schedules_are_checked_for_role_and_tenant():
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    campaign = new_report_campaign(ctx)
    mine = save_schedule(ctx, campaign, "weekly", "chef@exemple.cm")
    whole = save_schedule(context_for(tenant, Role.ADMIN), None, "monthly", "dg@exemple.cm")
    assert [s.id for s in list_schedules(ctx, campaign)] == [mine.id]
    assert [s.id for s in list_schedules(ctx, None)] == [whole.id]
    with pytest.raises(ScheduleError, match="fréquence"):
        save_schedule(ctx, campaign, "hourly", "chef@exemple.cm")

    other = context_for(new_tenant(), Role.SUPERVISOR)
    with pytest.raises(ReportNotFound):
        save_schedule(other, campaign, "daily", "x@exemple.cm")
    with pytest.raises(ReportNotFound):
        list_schedules(other, campaign)
    with pytest.raises(ReportNotFound):
        delete_schedule(other, campaign, mine.id)
    assert not delete_schedule(other, None, mine.id)  # its own tenant has no such schedule
    with pytest.raises(AccessDenied):
        save_schedule(context_for(tenant, Role.AGENT), campaign, "daily", "x@exemple.cm")
    assert not delete_schedule(ctx, None, mine.id)  # not the tenant-wide report's schedule
    assert delete_schedule(ctx, campaign, mine.id)
    assert list_schedules(ctx, campaign) == []


def test_a_scheduled_synthesis_is_emailed_once_per_period(product):
    tenant = new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    campaign = new_report_campaign(ctx, "Relance hebdo")
    agents = [new_agent(tenant)[1] for _ in range(2)]
    now = datetime.now(timezone.utc)
    yesterday = now.astimezone(ZoneInfo(ZONE)).date() - timedelta(days=1)
    start = datetime.combine(yesterday, datetime.min.time(), ZoneInfo(ZONE))
    rows = production_day(campaign, agents, start, 57, seed=11)
    add_interactions(ctx, rows + [dict(r, contact_id=r["contact_id"] + 500)  # today: not in it
                                  for r in production_day(campaign, agents, start
                                                          + timedelta(days=1), 9, seed=12)
                                  if r["queued_at"] < now])
    box = f"chef-{uuid.uuid4().hex[:6]}@exemple.cm"
    schedule = save_schedule(ctx, campaign, "daily", f"{box}; dg-{box}")

    # the product's own scheduler may run the same tick meanwhile: the period goes once
    send_due_syntheses(now)
    assert send_due_syntheses(now) == 0
    message = wait_for_message(product.sandbox_url, box)
    assert len(messages_to(product.sandbox_url, box)) == 1
    assert wait_for_message(product.sandbox_url, f"dg-{box}")["subject"] == message["subject"]
    assert message["subject"] == f"Synthèse Relance hebdo — du {yesterday:%d/%m/%Y}"
    [pdf] = message["attachments"]
    with urllib.request.urlopen(product.sandbox_url + pdf["url"], timeout=10) as response:
        data = response.read()
    reader = PdfReader(io.BytesIO(data))
    content = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    calls = sum(r["channel"] == "VOIX" for r in rows)
    assert f"Volume {text.number(len(rows))}" in content
    assert f"Appels {text.number(calls)}" in content
    [saved] = list_schedules(ctx, campaign)
    assert saved.id == schedule.id and saved.last_period_end == yesterday

    # the next day's tick sends the next period, once
    tomorrow = now + timedelta(days=1)
    assert send_due_syntheses(tomorrow) >= 1
    assert send_due_syntheses(tomorrow) == 0
    wait_for_message(product.sandbox_url, box, count=2)
    assert len(messages_to(product.sandbox_url, box)) == 2


def test_a_synthesis_emailed_on_demand_is_checked_like_a_schedule(product):
    from services.reporting.periods import period

    tenant, other = new_tenant(), new_tenant()
    ctx = context_for(tenant, Role.SUPERVISOR)
    campaign = new_report_campaign(ctx, "Relance du jour")
    today = lambda zone: period("today", zone)
    with pytest.raises(ScheduleError):
        email_synthesis_now(ctx, campaign, today, "pas-une-adresse")
    with pytest.raises(AccessDenied):
        email_synthesis_now(context_for(tenant, Role.AGENT), campaign, today, "chef@exemple.cm")
    with pytest.raises(ReportNotFound):
        email_synthesis_now(context_for(other, Role.SUPERVISOR), campaign, today, "chef@exemple.cm")
    box = f"chef-{uuid.uuid4().hex[:6]}@exemple.cm"
    assert email_synthesis_now(ctx, campaign, today, box) == [box]
    message = wait_for_message(product.sandbox_url, box)
    assert message["subject"].startswith("Synthèse Relance du jour — du ")
    assert [a["type"] for a in message["attachments"]] == ["application/pdf"]
