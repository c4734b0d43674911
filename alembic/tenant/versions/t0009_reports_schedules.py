"""Reporting: the synthesis PDFs a tenant has emailed on a schedule (issue 14).

- `report_schedule`: one row per schedule — a campaign (NULL: the whole tenant), daily /
  weekly / monthly, the recipients, who set it (the PDF is built with that user's rights);
  `last_period_end` is the last day of the last period sent, so a scheduler tick run twice
  (or by two schedulers) sends each period once.

Revision ID: t0009_reports
Revises: t0008_reports
"""
from alembic import op
import sqlalchemy as sa

revision = "t0009_reports"
down_revision = "t0009_calls"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_schedule",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer,
                  sa.ForeignKey("campaign.id", ondelete="CASCADE")),  # NULL: the whole tenant
        sa.Column("frequency", sa.String(10), nullable=False),
        sa.Column("recipients", sa.JSON, nullable=False),
        sa.Column("created_by", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("last_period_end", sa.Date),
        sa.Column("last_sent_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("report_schedule")
