"""Voice: agent profiles (SIP extension, credentials), team members, skills.

Revision ID: t0005
Revises: t0004
"""
from alembic import op
import sqlalchemy as sa

revision = "t0005"
down_revision = "t0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_profile",
        sa.Column("user_id", sa.Integer, primary_key=True),
        sa.Column("extension", sa.String(8), nullable=False, unique=True),
        sa.Column("login", sa.String(40), nullable=False, unique=True),
        sa.Column("sip_secret_sealed", sa.Text, nullable=False),
        sa.Column("enrolled_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "team_member",
        sa.Column("team_id", sa.Integer, sa.ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.Integer, primary_key=True),
    )
    op.create_table(
        "agent_skill",
        sa.Column("user_id", sa.Integer, primary_key=True),
        sa.Column("skill", sa.String(60), primary_key=True),
        sa.Column("level", sa.Integer, nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="agent_skill_level_range"),
    )


def downgrade() -> None:
    op.drop_table("agent_skill")
    op.drop_table("team_member")
    op.drop_table("agent_profile")
