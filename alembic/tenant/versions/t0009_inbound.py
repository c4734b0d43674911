"""Inbound routing: the tenant's IVR menus and the menu each DID enters.

Revision ID: t0009_inbound
Revises: t0008_reports
"""
from alembic import op
import sqlalchemy as sa

revision = "t0009_inbound"
down_revision = "t0009_email"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ivr_menu",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False, unique=True),
        sa.Column("greeting_text", sa.String(500), nullable=False, server_default=""),
        sa.Column("greeting_audio", sa.String(60), nullable=False),
        sa.Column("timeout_seconds", sa.Integer, nullable=False, server_default="5"),
        sa.Column("max_tries", sa.Integer, nullable=False, server_default="3"),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("fallback", sa.JSON, nullable=False),
        sa.Column("hours", sa.JSON, nullable=False),
        sa.Column("closed_audio", sa.String(60), nullable=False, server_default=""),
        sa.Column("closed_action", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.add_column("phone_number", sa.Column("ivr_menu_id", sa.Integer,
                                            sa.ForeignKey("ivr_menu.id", ondelete="SET NULL")))


def downgrade() -> None:
    op.drop_column("phone_number", "ivr_menu_id")
    op.drop_table("ivr_menu")
