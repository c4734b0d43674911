"""Campaigns, versions, forms, qualification codes, WhatsApp templates.

The editable configuration (frame, time bands, channels, form, qualification codes,
audience lists) is one JSON document per campaign; each save writes an immutable
`campaign_version`. Agents assigned live in `campaign_agent` (with a pending removal that
waits for the end of a call); form answers are never deleted by a form change.

Revision ID: t0004
Revises: t0003
"""
from alembic import op
import sqlalchemy as sa

revision = "t0004"
down_revision = "t0003"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _campaign_fk() -> sa.Column:
    return sa.Column("campaign_id", sa.Integer,
                     sa.ForeignKey("campaign.id", ondelete="CASCADE"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.Column("contacts_total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("contacts_done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_by", sa.Integer),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("launched_by", sa.Integer),
        sa.Column("launched_by_name", sa.String(200), nullable=False, server_default=""),
        _ts("launched_at", True),
    )
    op.create_index("campaign_status", "campaign", ["status"])
    op.create_table(
        "campaign_version",
        sa.Column("id", sa.Integer, primary_key=True),
        _campaign_fk(),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("config", sa.JSON, nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("author_id", sa.Integer),
        sa.Column("author_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("note", sa.String(300), nullable=False, server_default=""),
        _ts("created_at"),
        sa.UniqueConstraint("campaign_id", "number"),
    )
    op.create_table(
        "campaign_agent",
        sa.Column("id", sa.Integer, primary_key=True),
        _campaign_fk(),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("pending_removal", sa.Boolean, nullable=False, server_default=sa.false()),
        _ts("added_at"),
        sa.UniqueConstraint("campaign_id", "user_id"),
    )
    op.create_index("campaign_agent_user_id", "campaign_agent", ["user_id"])
    op.create_table(
        "form_answer",
        sa.Column("id", sa.Integer, primary_key=True),
        _campaign_fk(),
        sa.Column("field_key", sa.String(60), nullable=False),
        sa.Column("contact_id", sa.BigInteger),
        sa.Column("agent_id", sa.Integer),
        sa.Column("value", sa.String(4000), nullable=False, server_default=""),
        sa.Column("form_version", sa.Integer, nullable=False, server_default="1"),
        _ts("created_at"),
    )
    op.create_index("form_answer_campaign_field", "form_answer", ["campaign_id", "field_key"])
    op.create_table(
        "whatsapp_template",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("body", sa.String(1024), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("rejection_reason", sa.String(500), nullable=False, server_default=""),
        _ts("created_at"),
        sa.UniqueConstraint("name", "language"),
    )
    op.create_table(
        "frequency_cap",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False, unique=True),
        sa.Column("max_contacts", sa.Integer, nullable=False),
        sa.Column("window_days", sa.Integer, nullable=False),
        sa.Column("cooldown_after_refusal_days", sa.Integer, nullable=False, server_default="0"),
        sa.Column("source", sa.String(300), nullable=False, server_default=""),
        _ts("updated_at"),
    )


def downgrade() -> None:
    for table in ("frequency_cap", "whatsapp_template", "form_answer", "campaign_agent",
                  "campaign_version", "campaign"):
        op.drop_table(table)
