"""Paramètres: the tenant's operating settings (time zone, default country, pause reasons,
maximum wrap-up, recording retention), its phone numbers (DIDs) and its SIP trunk.

Revision ID: t0007_tenant
Revises: t0007_msg
"""
from alembic import op
import sqlalchemy as sa

revision = "t0007_tenant"
down_revision = "t0007_msg"
branch_labels = None
depends_on = None


def _ts(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "tenant_settings",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("default_country", sa.String(2), nullable=False),
        sa.Column("pause_reasons", sa.JSON, nullable=False),
        sa.Column("max_wrapup_seconds", sa.Integer, nullable=False),
        sa.Column("recording_retention_days", sa.Integer, nullable=False),
        _ts("updated_at"),
        sa.CheckConstraint("id = 1", name="tenant_settings_one_row"),
    )
    op.create_table(
        "phone_number",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("number", sa.String(16), nullable=False, unique=True),
        sa.Column("label", sa.String(80), nullable=False),
        sa.Column("caller_id_campaigns", sa.JSON, nullable=False),
        sa.Column("route_campaign_id", sa.Integer, nullable=True),
        _ts("created_at"),
    )
    op.create_table(
        "sip_trunk",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("port", sa.Integer, nullable=False),
        sa.Column("username", sa.String(80), nullable=False),
        sa.Column("password_sealed", sa.Text, nullable=False),
        sa.Column("codecs", sa.JSON, nullable=False),
        _ts("updated_at"),
        sa.CheckConstraint("id = 1", name="sip_trunk_one_row"),
    )


def downgrade() -> None:
    op.drop_table("sip_trunk")
    op.drop_table("phone_number")
    op.drop_table("tenant_settings")
