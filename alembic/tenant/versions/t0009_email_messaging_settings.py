"""Messaging settings of Paramètres: the email provider (SendGrid or SMTP) and the STOP
confirmation SMS; one confirmation per phone (a partial unique index on interaction).

Revision ID: t0009_email
Revises: t0008_reports
"""
from alembic import op
import sqlalchemy as sa

revision = "t0009_email"
down_revision = "t0008_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tenant_settings", sa.Column("email_provider", sa.String(20), nullable=False,
                                               server_default="sendgrid"))
    op.add_column("tenant_settings", sa.Column("stop_confirmation", sa.Boolean(), nullable=False,
                                               server_default=sa.false()))
    op.create_index("interaction_stop_confirmation", "interaction", ["address"], unique=True,
                    postgresql_where=sa.text("slot = 'stop_ack'"))


def downgrade() -> None:
    op.drop_index("interaction_stop_confirmation", table_name="interaction")
    op.drop_column("tenant_settings", "stop_confirmation")
    op.drop_column("tenant_settings", "email_provider")
