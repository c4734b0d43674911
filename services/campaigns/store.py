"""Reading campaigns of the caller's tenant, and the errors the campaign services raise."""
from __future__ import annotations

from sqlmodel import Session, select

from services.models.campaigns import Campaign


class CampaignError(ValueError):
    """A refusal the UI shows as is (plain French)."""


class PreflightRefused(CampaignError):
    def __init__(self, reasons: list[str]):
        super().__init__(" ".join(reasons))
        self.reasons = reasons


class ConfirmationNeeded(CampaignError):
    """The change would hide collected answers: the caller must confirm it."""

    def __init__(self, sentences: list[str]):
        super().__init__(" ".join(sentences))
        self.sentences = sentences


def load_campaign(session: Session, campaign_id: int, for_update: bool = False) -> Campaign:
    query = select(Campaign).where(Campaign.id == campaign_id)
    if for_update:
        query = query.with_for_update()
    campaign = session.exec(query).first()
    if campaign is None:
        raise CampaignError("Campagne introuvable.")
    return campaign
