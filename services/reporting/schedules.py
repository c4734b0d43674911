"""Synthesis reports emailed on a schedule (UC-CP-05 step 3): a campaign's (or the whole
tenant's) PDF every day, week or month, to the recipients a supervisor or admin chose.

Invariant: each schedule sends each period once — the period is claimed (its last day
written to `last_period_end` by a conditional UPDATE) before anything is built, so a tick
run twice, a restart or two schedulers send nothing twice. A period is sent once it is over:
yesterday, last week (Monday to Sunday), last month, in the report's zone.

Process (scheduler tick `report_syntheses`): for every tenant, every schedule whose last
finished period is not sent yet is claimed, its PDF built with its author's rights (an
author since disabled, or a campaign gone, stops the schedule: nothing is sent), and one
email per recipient goes through services.notifications with the PDF attached.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update

from services.audience.cleaning import is_valid_email
from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext
from services.identity.system import system_context
from services.models.columns import utcnow
from services.models.platform import Tenant, TenantStatus
from services.models.reporting import ReportSchedule
from services.reporting.periods import Period
from services.reporting.scope import ReportNotFound, report_scope

log = logging.getLogger(__name__)
FREQUENCIES = {"daily": "Chaque jour", "weekly": "Chaque semaine", "monthly": "Chaque mois"}
MAX_RECIPIENTS = 20
_T = ReportSchedule.__table__


class ScheduleError(ValueError):
    pass


@dataclass(frozen=True)
class ScheduleView:
    id: int
    campaign_id: int | None
    frequency: str
    recipients: list[str]
    last_period_end: date | None
    created_by: int


def parse_recipients(text: str) -> list[str]:
    """The addresses typed (commas, semicolons, spaces or lines between), lowercased, each
    once; raises ScheduleError naming the first invalid one."""
    found: list[str] = []
    for part in (text or "").replace(";", ",").replace("\n", ",").replace(" ", ",").split(","):
        address = part.strip().lower()
        if not address or address in found:
            continue
        if not is_valid_email(address):
            raise ScheduleError(f"Adresse email invalide : {address[:80]}")
        found.append(address)
    if not found:
        raise ScheduleError("Indiquez au moins un destinataire.")
    if len(found) > MAX_RECIPIENTS:
        raise ScheduleError(f"Au plus {MAX_RECIPIENTS} destinataires.")
    return found


def last_period(frequency: str, zone: str, now: datetime) -> Period:
    """The last period of this frequency that is over at `now`, in `zone`."""
    today = now.astimezone(ZoneInfo(zone)).date()
    if frequency == "daily":
        day = today - timedelta(days=1)
        return Period("custom", day, day, zone)
    if frequency == "weekly":
        monday = today - timedelta(days=today.weekday() + 7)
        return Period("custom", monday, monday + timedelta(days=6), zone)
    if frequency == "monthly":
        last = today.replace(day=1) - timedelta(days=1)
        return Period("custom", last.replace(day=1), last, zone)
    raise ScheduleError(f"Fréquence inconnue : {frequency!r}")


def save_schedule(ctx: AuthContext, campaign_id: int | None, frequency: str,
                  recipients_text: str) -> ScheduleView:
    """A new schedule for a campaign of the caller's tenant (None: the whole tenant)."""
    if frequency not in FREQUENCIES:
        raise ScheduleError("Choisissez une fréquence : chaque jour, semaine ou mois.")
    recipients = parse_recipients(recipients_text)
    with report_scope(ctx, campaign_id) as (session, _):  # role and tenant checked there
        schedule = ReportSchedule(campaign_id=campaign_id, frequency=frequency,
                                  recipients=recipients, created_by=ctx.user_id)
        session.add(schedule)
        session.flush()
        return _view(schedule)


def list_schedules(ctx: AuthContext, campaign_id: int | None) -> list[ScheduleView]:
    with report_scope(ctx, campaign_id) as (session, _):
        rows = session.execute(select(ReportSchedule).where(
            ReportSchedule.campaign_id.is_(None) if campaign_id is None
            else ReportSchedule.campaign_id == campaign_id).order_by(ReportSchedule.id)
        ).scalars().all()
        return [_view(r) for r in rows]


def delete_schedule(ctx: AuthContext, campaign_id: int | None, schedule_id: int) -> bool:
    """Remove a schedule of this report (another report's or tenant's: False)."""
    with report_scope(ctx, campaign_id) as (session, _):
        same_report = (_T.c.campaign_id.is_(None) if campaign_id is None
                       else _T.c.campaign_id == campaign_id)
        gone = session.execute(_T.delete().where(_T.c.id == schedule_id, same_report)
                               .returning(_T.c.id)).first()
        return gone is not None


def _view(row: ReportSchedule) -> ScheduleView:
    return ScheduleView(row.id, row.campaign_id, row.frequency, list(row.recipients),
                        row.last_period_end, row.created_by)


def _claim(ctx: AuthContext, schedule_id: int, period_end: date) -> bool:
    """Mark the period sent, unless it already was (by this tick or another)."""
    with tenant_session(ctx) as session:
        claimed = session.execute(
            update(_T).where(_T.c.id == schedule_id,
                             or_(_T.c.last_period_end.is_(None),
                                 _T.c.last_period_end < period_end))
            .values(last_period_end=period_end, last_sent_at=utcnow()).returning(_T.c.id)
        ).first()
        return claimed is not None


def _send(tenant_id: int, schedule: ScheduleView, now: datetime) -> bool:
    try:
        author = system_context(tenant_id, schedule.created_by)
        with report_scope(author, schedule.campaign_id) as (_, scope):
            zone, title = scope.zone, scope.title
    except (PermissionError, ReportNotFound):
        log.warning("schedule %s of tenant %s stopped: author or campaign gone",
                    schedule.id, tenant_id)
        return False
    chosen = last_period(schedule.frequency, zone, now)
    if not _claim(author, schedule.id, chosen.last_day):
        return False
    _email(author, schedule.campaign_id, chosen, title, schedule.recipients,
           f" ({FREQUENCIES[schedule.frequency].lower()})")
    return True


def email_synthesis_now(ctx: AuthContext, campaign_id: int | None, period_of, recipients_text: str) -> list[str]:
    """« Envoyer par email »: the synthesis of the period on screen, built with the caller's rights, to
    the recipients typed, at once; the addresses it went to."""
    recipients = parse_recipients(recipients_text)
    with report_scope(ctx, campaign_id) as (_, scope):  # role and tenant checked there
        zone, title = scope.zone, scope.title
    _email(ctx, campaign_id, period_of(zone), title, recipients, "")
    return recipients


def _email(ctx: AuthContext, campaign_id: int | None, chosen: Period, title: str, recipients: list[str],
           frequency: str) -> None:
    """One email per recipient through services.notifications, the synthesis PDF attached."""
    from services.notifications import email_people
    from services.providers.email import attachment
    from services.reporting.synthesis import synthesis_pdf

    pdf, name = synthesis_pdf(ctx, campaign_id, lambda _zone: chosen)
    span = (f"du {chosen.first_day:%d/%m/%Y} au {chosen.last_day:%d/%m/%Y}"
            if chosen.first_day != chosen.last_day else f"du {chosen.last_day:%d/%m/%Y}")
    email_people(recipients, f"Synthèse {title} — {span}",
                 f"Bonjour,\n\nVoici la synthèse « {title} » {span}{frequency}, en pièce jointe au format PDF.\n",
                 kind="report_synthesis", attachments=[attachment(name, pdf, "application/pdf")])


def send_due_syntheses(now: datetime | None = None) -> int:
    """The scheduler's tick: every schedule's last finished period, once; how many sent."""
    now = now or datetime.now(timezone.utc)
    with platform_session() as session:
        tenants = session.execute(select(Tenant.id).where(
            Tenant.status == TenantStatus.ACTIVE.value)).scalars().all()
    sent = 0
    for tenant_id in tenants:
        try:
            ctx = system_context(tenant_id)
            with tenant_session(ctx) as session:
                schedules = [_view(r) for r in session.execute(
                    select(ReportSchedule).order_by(ReportSchedule.id)).scalars()]
        except Exception:  # a tenant not provisioned yet, or being removed: the next tick
            log.exception("report schedules of tenant %s unreadable", tenant_id)
            continue
        for schedule in schedules:
            sent += _send(tenant_id, schedule, now)
    return sent


__all__ = ["FREQUENCIES", "ScheduleError", "ScheduleView", "delete_schedule", "email_synthesis_now", "last_period",
           "list_schedules", "parse_recipients", "save_schedule", "send_due_syntheses"]
