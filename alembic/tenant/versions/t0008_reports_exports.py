"""Reporting: the export jobs a supervisor starts, and the indexes the reports read.

- `report_export`: one row per export asked for (campaign, chosen columns, format), moved on
  by the worker (rows written, total, state) and pointing at the finished file;
- `interaction_time` serves the tenant-wide figures of a period (no campaign given);
- `interaction_campaign_agent` / `interaction_campaign_code` serve the journal filtered by
  agent or qualification code, newest first, inside a campaign.

Revision ID: t0008_reports
Revises: t0007_tenant
"""
from alembic import op
import sqlalchemy as sa

revision = "t0008_reports"
down_revision = "t0007_tenant"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_export",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("token", sa.String(40), nullable=False, unique=True),
        sa.Column("campaign_id", sa.Integer),  # NULL: the whole tenant
        sa.Column("requested_by", sa.Integer),
        sa.Column("format", sa.String(4), nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("state", sa.String(10), nullable=False, server_default="EN_ATTENTE"),
        sa.Column("rows_total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("rows_written", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.String(500), nullable=False, server_default=""),
        sa.Column("file_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False,
                  server_default=sa.func.now()),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
    )
    op.execute("CREATE INDEX interaction_time ON interaction (queued_at)")
    op.execute("CREATE INDEX interaction_campaign_agent ON interaction "
               "(campaign_id, agent_id, queued_at DESC) WHERE agent_id IS NOT NULL")
    op.execute("CREATE INDEX interaction_campaign_code ON interaction "
               "(campaign_id, qualification, queued_at DESC) WHERE qualification <> ''")


def downgrade() -> None:
    op.execute("DROP INDEX interaction_campaign_code")
    op.execute("DROP INDEX interaction_campaign_agent")
    op.execute("DROP INDEX interaction_time")
    op.drop_table("report_export")
