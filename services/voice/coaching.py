"""UC-RH-04: a supervisor listens to, whispers to or barges into an agent's call.

The supervisor's own phone is originated into the tenant's spy context (`*222<ext>` listen,
`*221<ext>` whisper: ChanSpy option `w`, `*223<ext>` barge: option `B`), which dials a Local channel whose
;2 runs ChanSpy: the phone's leg only sits in a Dial bridge, so hanging it up ends it for certain and leaves
the call untouched (ChanSpy on the phone's own leg ignored that hang-up while the phone sent no RTP: issue 11
defect 5). ChanSpy events carry the phone's leg as the spyer's Linkedid. The originated channel carries a
Uniqueid chosen here (Originate `ChannelId`), so stopping works even while the supervisor's phone still
rings; if the stop comes before the PBX has even created that channel, the bridge hangs it up as soon
as it appears (`unwanted_spy_channel`). The bridge records the spy channel when ChanSpyStart comes.
"""
from __future__ import annotations

import json
import secrets

from services.identity.access import AuthContext, access_area
from services.infra.redis import get_redis
from services.voice.commands import PbxUnavailable, pbx_command
from services.voice.directory import extension_of
from services.voice.presence import AgentState, agent_state
from services.voice.sip import endpoint_name, tenant_context

SPY_KEY = "bgc:spy:{tenant_id}"   # hash: supervisor user id -> {mode, agent_user_id, channel, active}
PREFIX = {"listen": "*222", "whisper": "*221", "barge": "*223"}
CHANNEL_ID = "bgc-spy-{tenant_id}-{user_id}-{nonce}"


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
    channel_id = CHANNEL_ID.format(tenant_id=ctx.tenant_id, user_id=ctx.user_id, nonce=secrets.token_hex(4))
    get_redis().hset(SPY_KEY.format(tenant_id=ctx.tenant_id), str(ctx.user_id),
                     json.dumps({"mode": mode, "agent_user_id": agent_user_id, "channel": "", "active": False,
                                 "channel_id": channel_id}))
    try:
        pbx_command("originate", channel=f"PJSIP/{endpoint_name(ctx.tenant_slug, mine)}",
                    context=tenant_context(ctx.tenant_slug, "spy"), exten=f"{PREFIX[mode]}{theirs}",
                    caller_id=f'"Coaching" <{theirs}>', variables={"BGC_COACHING": mode}, channel_id=channel_id)
    except Exception:
        get_redis().hdel(SPY_KEY.format(tenant_id=ctx.tenant_id), str(ctx.user_id))
        raise


def stop_coaching(ctx: AuthContext) -> None:
    """Hang up the supervisor's spy channel, answered or still ringing; the agent's call goes on."""
    access_area(ctx, "supervision")
    session = coaching_session(ctx)
    get_redis().hdel(SPY_KEY.format(tenant_id=ctx.tenant_id), str(ctx.user_id))
    target = session and (session.get("channel_id") or session.get("channel"))
    if target:
        try:
            pbx_command("hangup", channel=target)
        except PbxUnavailable as error:
            if "No such channel" not in str(error):   # gone, or not created yet (the bridge sees to it)
                raise


def spy_owner(uniqueid: str) -> tuple[int, int] | None:
    """(tenant id, supervisor id) of a channel originated by start_coaching, from its Uniqueid."""
    parts = uniqueid.split("-")
    if len(parts) != 5 or parts[:2] != ["bgc", "spy"] or not (parts[2].isdigit() and parts[3].isdigit()):
        return None
    return int(parts[2]), int(parts[3])


def _session_for(uniqueid: str) -> tuple[int, int, dict | None] | None:
    owner = spy_owner(uniqueid)
    if owner is None:
        return None
    raw = get_redis().hget(SPY_KEY.format(tenant_id=owner[0]), str(owner[1]))
    session = json.loads(raw) if raw else None
    return owner[0], owner[1], session if session and session.get("channel_id") == uniqueid else None


def unwanted_spy_channel(uniqueid: str) -> bool:
    """A coaching channel just created whose coaching was stopped (or replaced) meanwhile."""
    found = _session_for(uniqueid)
    return found is not None and found[2] is None


def end_spy_channel(uniqueid: str) -> tuple[int, int] | None:
    """A coaching channel hung up (unanswered, refused, ended): its session goes; (tenant, supervisor) if it was one."""
    found = _session_for(uniqueid)
    if found is None or found[2] is None:
        return None
    get_redis().hdel(SPY_KEY.format(tenant_id=found[0]), str(found[1]))
    return found[0], found[1]
