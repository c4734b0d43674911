"""Export jobs of the campaign data page (UC-CP-06): what was asked, how far the worker got.

alembic/tenant/versions/t0008_reports_exports.py creates the table.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Optional

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from services.models.columns import TENANT_SCHEMA_PLACEHOLDER, timestamp


class ExportState(str, enum.Enum):
    EN_ATTENTE = "EN_ATTENTE"
    EN_COURS = "EN_COURS"
    PRET = "PRET"
    ECHEC = "ECHEC"


class ReportExport(SQLModel, table=True):
    __tablename__ = "report_export"
    __table_args__ = {"schema": TENANT_SCHEMA_PLACEHOLDER}

    id: Optional[int] = Field(default=None, primary_key=True)
    token: str = Field(max_length=40, unique=True)  # the download link's secret part
    campaign_id: Optional[int] = None  # None: every campaign of the tenant
    requested_by: Optional[int] = None
    format: str = Field(max_length=4)  # csv, xlsx
    columns: list = Field(default_factory=list, sa_type=JSON)
    filters: dict = Field(default_factory=dict, sa_type=JSON)
    state: str = Field(default=ExportState.EN_ATTENTE.value, max_length=10)
    rows_total: int = 0
    rows_written: int = 0
    error: str = Field(default="", max_length=500)
    file_name: str = Field(default="", max_length=200)
    created_at: datetime = timestamp()
    finished_at: Optional[datetime] = timestamp(nullable=True, default_now=False)


class ReportSchedule(SQLModel, table=True):
    """A synthesis PDF emailed every day, week or month (t0009_reports)."""

    __tablename__ = "report_schedule"
    __table_args__ = {"schema": TENANT_SCHEMA_PLACEHOLDER}

    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: Optional[int] = None  # None: the whole tenant
    frequency: str = Field(max_length=10)  # services.reporting.schedules.FREQUENCIES
    recipients: list = Field(default_factory=list, sa_type=JSON)
    created_by: int
    created_at: datetime = timestamp()
    last_period_end: Optional[date] = None  # the last period sent ends that day
    last_sent_at: Optional[datetime] = timestamp(nullable=True, default_now=False)
