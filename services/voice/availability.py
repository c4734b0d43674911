"""The agent's own actions on their state: a break (with its reason) and "I am ready" after a call.

Both go through the bridge, the one writer of agent states: a break pauses the agent in every queue
(QueuePause without Queue), so no call is routed to them; "ready" unpauses them and ends post-call work.
"""
from __future__ import annotations

from services.identity.access import AuthContext, access_area
from services.tenant_settings import DEFAULT_PAUSE_REASONS, pause_reasons
from services.voice.commands import pbx_command
from services.voice.directory import extension_of
from services.voice.sip import endpoint_name

PAUSE_REASONS = DEFAULT_PAUSE_REASONS      # a tenant's own list is set in Paramètres


def my_endpoint(ctx: AuthContext) -> str:
    """The signed-in user's own phone endpoint; LookupError (its French message) without an extension."""
    extension = extension_of(ctx, ctx.user_id)
    if extension is None:
        raise LookupError("Vous n'avez pas de poste téléphonique : contactez votre superviseur.")
    return endpoint_name(ctx.tenant_slug, extension)


def take_break(ctx: AuthContext, reason: str) -> None:
    access_area(ctx, "agent_panel")
    if reason not in pause_reasons(ctx):
        raise ValueError("Motif de pause inconnu.")
    pbx_command("agent_pause", endpoint=my_endpoint(ctx), reason=reason)


def become_ready(ctx: AuthContext) -> None:
    access_area(ctx, "agent_panel")
    pbx_command("agent_ready", endpoint=my_endpoint(ctx))
