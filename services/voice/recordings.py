"""Call recordings (UC-VO-04): the MixMonitor file of an answered call, kept in the tenant's storage.

Invariant: a recording is reached only through its interaction, by an admin or supervisor of that
interaction's tenant, checked on every request; anyone else gets the same answer as for a recording that
does not exist (None, the route's 404). A recording older than the tenant's retention period (Paramètres,
`recording_retention_days`) is deleted and its link cleared by the scheduler.

Process: when the campaign asks for it (voice slot `record`), the dialplan records the agent's leg, both
directions, as `out-<Uniqueid>.wav` in the PBX's monitor folder (`monitor_dir`: the simulator's
--recordings, or Asterisk's MONITOR_DIR shared with the product host); once the call is settled answered,
the bridge moves it into the tenant's storage (`keep`) and writes its path and duration on the
interaction; `recording_file` finds it for the download route; `purge_expired` applies the retention.
"""
from __future__ import annotations

import logging
import os
import shutil
import wave
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update

from services.db.engine import platform_session
from services.db.tenancy import tenant_session
from services.identity.access import AuthContext, can_access
from services.identity.system import system_context
from services.models.columns import utcnow
from services.models.interactions import Interaction
from services.models.platform import Tenant, TenantStatus
from services.settings import get_settings

log = logging.getLogger("recordings")
AREA = "supervision"             # admins and supervisors of the tenant


def monitor_dir() -> Path:
    """Where the PBX writes MixMonitor files (the stack's simulator: <data>/recordings)."""
    return Path(os.environ.get("BGC_MONITOR_DIR") or get_settings().data_dir / "recordings")


def storage_dir(tenant_schema: str) -> Path:
    return get_settings().data_dir / "storage" / tenant_schema / "recordings"


def wav_seconds(path: Path) -> int:
    with wave.open(str(path), "rb") as audio:
        return round(audio.getnframes() / audio.getframerate())


def keep(tenant_id: int, interaction_id: int, channel_id: str, answered: bool = True,
         prefix: str = "out") -> tuple[str, int] | None:
    """Move an answered call's recording (`prefix` "out"; "vm": a caller's voicemail message) into the
    tenant's storage and link it (an unanswered call's file, the agent waiting alone, is deleted); None
    when nothing is kept."""
    source = monitor_dir() / f"{prefix}-{channel_id}.wav"
    if not source.exists():
        return None
    if not answered:
        source.unlink(missing_ok=True)
        return None
    ctx = system_context(tenant_id)
    folder = storage_dir(ctx.tenant_schema)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{interaction_id}.wav"
    shutil.move(str(source), folder / name)
    seconds = wav_seconds(folder / name)
    with tenant_session(ctx) as session:
        session.execute(update(Interaction).where(Interaction.id == interaction_id)
                        .values(recording_url=name, recording_seconds=seconds))
        session.commit()
    return name, seconds


def recording_file(ctx: AuthContext | None, interaction_id: int) -> Path | None:
    """The WAV of one of the caller's tenant's calls, for its admins and supervisors only."""
    if not can_access(ctx, AREA):
        return None
    with tenant_session(ctx) as session:
        name = session.execute(select(Interaction.recording_url).where(Interaction.id == interaction_id)).scalar()
    if not name or "/" in name or name.startswith("."):
        return None
    path = storage_dir(ctx.tenant_schema) / name
    return path if path.is_file() else None


def purge_expired(now: datetime | None = None) -> int:
    """Delete the recordings older than each active tenant's retention; the number deleted."""
    from services.tenant_settings import operating_settings

    now = now or utcnow()
    with platform_session() as s:
        tenants = s.execute(select(Tenant.id).where(Tenant.status == TenantStatus.ACTIVE.value)).scalars().all()
    deleted = 0
    for tenant_id in tenants:
        ctx = system_context(tenant_id)
        limit = now - timedelta(days=operating_settings(ctx).recording_retention_days)
        with tenant_session(ctx) as session:
            names = session.execute(select(Interaction.recording_url).where(
                Interaction.recording_url != "", Interaction.ended_at < limit)).scalars().all()
            session.execute(update(Interaction).where(Interaction.recording_url.in_(names))
                            .values(recording_url="", recording_seconds=0))
            session.commit()
        for name in names:
            (storage_dir(ctx.tenant_schema) / name).unlink(missing_ok=True)
        deleted += len(names)
    return deleted
