"""Tenant tables of the voice core: an agent's SIP profile, team membership and skills."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from services.models.columns import TENANT_SCHEMA_PLACEHOLDER, timestamp

_S = {"schema": TENANT_SCHEMA_PLACEHOLDER}


class AgentProfile(SQLModel, table=True):
    """The PBX side of a person: extension and (encrypted) SIP secret. No row = no endpoint."""

    __tablename__ = "agent_profile"
    __table_args__ = _S

    user_id: int = Field(primary_key=True)  # platform.user_account.id
    extension: str = Field(unique=True, max_length=8)
    login: str = Field(unique=True, max_length=40)
    sip_secret_sealed: str
    enrolled_at: datetime = timestamp()


class TeamMember(SQLModel, table=True):
    __tablename__ = "team_member"
    __table_args__ = _S

    team_id: int = Field(foreign_key=f"{TENANT_SCHEMA_PLACEHOLDER}.team.id", primary_key=True)
    user_id: int = Field(primary_key=True)


class AgentSkill(SQLModel, table=True):
    """A skill with a level from 1 (notions) to 5 (expert); routing uses them later."""

    __tablename__ = "agent_skill"
    __table_args__ = _S

    user_id: int = Field(primary_key=True)
    skill: str = Field(primary_key=True, max_length=60)
    level: int = 1
