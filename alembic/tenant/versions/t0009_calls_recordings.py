"""Calls: the length of an answered call's recording (its file is `interaction.recording_url`, a path in
the tenant's storage, see services/voice/recordings.py).

Revision ID: t0009_calls
Revises: t0008_reports
"""
from alembic import op
import sqlalchemy as sa

revision = "t0009_calls"
down_revision = "t0009_whatsapp"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("interaction", sa.Column("recording_seconds", sa.Integer, nullable=False, server_default="0"))
    op.execute("CREATE INDEX interaction_recording ON interaction (ended_at) WHERE recording_url <> ''")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS interaction_recording")
    op.drop_column("interaction", "recording_seconds")
