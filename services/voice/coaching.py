"""UC-RH-04: a supervisor listens to, whispers to or barges into an agent's call.

The supervisor's own phone is originated into the tenant's spy context (`*222<ext>` listen,
`*221<ext>` whisper: ChanSpy option `w`, `*223<ext>` barge: option `B`); stopping hangs up that
channel, which ends ChanSpy cleanly and leaves the call untouched. The bridge records the spy channel
when the PBX reports ChanSpyStart.
"""
from __future__ import annotations

import json

from services.identity.access import AuthContext, access_area
from services.infra.redis import get_redis
from services.voice.commands import PbxUnavailable, pbx_command
from services.voice.directory import extension_of
from services.voice.presence import AgentState, agent_state
from services.voice.sip import endpoint_name, tenant_context

SPY_KEY = "bgc:spy:{tenant_id}"   # hash: supervisor user id -> {mode, agent_user_id, channel, active}
PREFIX = {"listen": "*222", "whisper": "*221", "barge": "*223"}


class CoachingError(RuntimeError):
    pass


def coaching_session(ctx: AuthContext) -> dict | None:
    raw = get_redis().hget(SPY_KEY.format(tenant_id=ctx.tenant_id), str(ctx.user_id))
    return json.loads(raw) if raw else None


def start_coaching(ctx: AuthContext, agent_user_id: int, mode: str) -> None:
    """Ring the supervisor's phone; once answered, it hears (and in whisper/barge speaks into) the call."""
    access_area(ctx, "supervision")
    if mode not in PREFIX:
        raise CoachingError("Mode d'écoute inconnu.")
    if agent_state(ctx.tenant_id, agent_user_id) != AgentState.IN_CALL:
        raise CoachingError("Cet agent n'est pas en communication.")
    if coaching_session(ctx):
        raise CoachingError("Vous écoutez déjà un appel : arrêtez-le d'abord.")
    mine, theirs = extension_of(ctx, ctx.user_id), extension_of(ctx, agent_user_id)
    if mine is None:
        raise CoachingError("Vous n'avez pas de poste téléphonique : demandez une extension à l'administrateur.")
    if theirs is None:
        raise CoachingError("Agent introuvable.")
    get_redis().hset(SPY_KEY.format(tenant_id=ctx.tenant_id), str(ctx.user_id),
                     json.dumps({"mode": mode, "agent_user_id": agent_user_id, "channel": "", "active": False}))
    try:
        pbx_command("originate", channel=f"PJSIP/{endpoint_name(ctx.tenant_slug, mine)}",
                    context=tenant_context(ctx.tenant_slug, "spy"), exten=f"{PREFIX[mode]}{theirs}",
                    caller_id=f'"Coaching" <{theirs}>', variables={"BGC_COACHING": mode})
    except Exception:
        get_redis().hdel(SPY_KEY.format(tenant_id=ctx.tenant_id), str(ctx.user_id))
        raise


def stop_coaching(ctx: AuthContext) -> None:
    """Hang up the supervisor's spy channel; the agent's call goes on."""
    access_area(ctx, "supervision")
    session = coaching_session(ctx)
    get_redis().hdel(SPY_KEY.format(tenant_id=ctx.tenant_id), str(ctx.user_id))
    if session and session.get("channel"):
        try:
            pbx_command("hangup", channel=session["channel"])
        except PbxUnavailable as error:
            if "No such channel" not in str(error):   # already gone: nothing left to stop
                raise
