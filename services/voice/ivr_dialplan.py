"""The tenant's IVR menus written as Asterisk dialplan (extensions.d/<slug>.conf), from what the IVR
designer stored (services/voice/ivr.py).

One context per menu, `t-<slug>-ivr-<id>`: the opening hours first (`GotoIfTime` in the tenant's time
zone; outside them `closed`: the closing message, then the closed action, never a queue), then
`Answer`, the greeting with `Background` and `WaitExten`; one extension per key (`Goto` to another
menu, a queue, the message box or `Hangup`); `i` (a key with no option) and `t` (no key) go
to `retry`, which repeats the menu up to its number of tries and then runs the fallback action. The PBX
simulator runs these same lines (services/sandbox/pbx/dialplan_lines.py).

A queue: when none of its agents is logged in (`QUEUE_MEMBER(<queue>,logged)` = 0) the caller goes
straight to saturation; otherwise `Queue(<slug>-<queue>,t,,,<wait>)` (the agents are the queue's dynamic
members; the wait is the campaign's `max_wait_seconds`, else 60 s), and a caller still there after it
reaches saturation too: `t-<slug>-saturated`, where 1 (or no key) records a message and, for a campaign's
queue, 2 asks for a callback (UserEvents the bridge turns into a task or a callback:
services/voice/inbound.py).
"""
from __future__ import annotations

from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.models.campaigns import Campaign
from services.models.inbound import IvrMenu
from services.models.platform import Tenant
from services.tenant_settings import operating_settings
from services.voice.ivr import SALES, campaign_of_queue
from services.voice.sip import tenant_context

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_WAIT = 60
SATURATED = "saturated"


def menu_context(tenant_slug: str, menu_id: int | str) -> str:
    return tenant_context(tenant_slug, f"ivr-{menu_id}")


def action_lines(tenant_slug: str, action: dict, waits: dict[str, int] | None = None) -> list[str]:
    """The applications that carry out one designed action (a key, the fallback, the closed action);
    `waits`: queue target -> the caller's maximum wait."""
    kind, target = action.get("action"), str(action.get("target", ""))
    if kind == "menu":
        return [f"Goto({menu_context(tenant_slug, target)},s,1)"]
    if kind == "queue":
        queue = f"{tenant_slug}-{target}"
        saturated = f"{tenant_context(tenant_slug, SATURATED)},{'s' if campaign_of_queue(target) else 'message'},1"
        return [f"Set(__SATURATED_QUEUE={queue})",
                f"GotoIf($[${{QUEUE_MEMBER({queue},logged)}} = 0]?{saturated})",
                f"Queue({queue},t,,,{(waits or {}).get(target, DEFAULT_WAIT)})", f"Goto({saturated})"]
    if kind == "voicemail":                  # recorded and kept as the call's task, as on saturation
        return [f"Set(__SATURATED_QUEUE={tenant_slug}-{SALES})",
                f"Goto({tenant_context(tenant_slug, SATURATED)},message,1)"]
    return ["Hangup(16)"]


def _exten(name: str, apps: list[str]) -> list[str]:
    """One extension; an app written "n(label),App()" gets that label (`same => n(label),App()`)."""
    return [f"exten => {name},1,{apps[0]}"] + [
        f" same => {app}" if app.startswith("n(") else f" same => n,{app}" for app in apps[1:]]


def saturation_lines(tenant_slug: str) -> list[str]:
    """No agent took the call: 1 (or no key) leaves a message; 2 asks for a callback (campaign queues)."""
    lines = [f"\n; Saturation: generated, do not edit.", f"[{tenant_context(tenant_slug, SATURATED)}]"]
    lines += _exten("s", ["NoOp(No agent for ${SATURATED_QUEUE}: QUEUESTATUS=${QUEUESTATUS})",
                          "Set(TIMEOUT(response)=6)", "Background(${SOUNDS}/saturation)", "WaitExten(6)"])
    lines += _exten("1", ["Goto(message,1)"])
    lines += _exten("2", ["UserEvent(CallbackRequest,Queue: ${SATURATED_QUEUE})",
                          "Playback(${SOUNDS}/callback-confirmed)", "Hangup()"])
    lines += _exten("i", ["Goto(message,1)"])
    lines += _exten("t", ["Goto(message,1)"])
    lines += _exten("message", ["Answer()", "UserEvent(Voicemail,Queue: ${SATURATED_QUEUE})",
                                "Playback(${SOUNDS}/leave-message)",
                                "Record(${MONITOR_DIR}/vm-${UNIQUEID}.wav,3,120,k)", "Hangup()"])
    return lines


def menu_lines(tenant_slug: str, menu: IvrMenu, timezone: str, waits: dict[str, int] | None = None) -> list[str]:
    ctx = menu_context(tenant_slug, menu.id)
    head = [f"NoOp(IVR menu {menu.id})", "Set(IVR_TRIES=0)"]
    if menu.hours:
        days = "&".join(DAYS[d] for d in menu.hours["days"])
        head += [f"GotoIfTime({menu.hours['start']}-{menu.hours['end']},{days},*,*,{timezone}?open)",
                 "Goto(closed,1)"]
    lines = [f"\n; IVR menu {menu.id} ({_safe(menu.name)}): generated from the IVR designer, do not edit.",
             f"[{ctx}]"]
    lines += _exten("s", head + [
        "n(open),Answer()", "Wait(0.5)", f"n(menu),Set(TIMEOUT(response)={menu.timeout_seconds})",
        f"Background(${{SOUNDS}}/{menu.greeting_audio})", f"WaitExten({menu.timeout_seconds})"])
    for option in menu.options:
        lines += _exten(option["digit"], action_lines(tenant_slug, option, waits))
    lines += _exten("i", ["Playback(${SOUNDS}/ivr-invalid)", "Goto(retry,1)"])
    lines += _exten("t", ["Goto(retry,1)"])
    lines += _exten("retry", ["Set(IVR_TRIES=$[${IVR_TRIES} + 1])",
                              f"GotoIf($[${{IVR_TRIES}} < {menu.max_tries}]?s,menu)"]
                    + action_lines(tenant_slug, menu.fallback, waits))
    if menu.hours:
        lines += _exten("closed", ["Answer()", f"Playback(${{SOUNDS}}/{menu.closed_audio})"]
                        + action_lines(tenant_slug, menu.closed_action, waits))
    return lines


def _safe(text: str) -> str:
    return "".join(ch for ch in text if ch not in ";\r\n[]")


def ivr_section(tenant: Tenant) -> str:
    """Every IVR menu of the tenant as dialplan contexts; '' when it has none."""
    ctx = system_context(tenant.id)
    with tenant_session(ctx) as s:
        menus = s.exec(select(IvrMenu).order_by(IvrMenu.id)).all()
        configs = s.exec(select(Campaign.id, Campaign.config)).all() if menus else []
    if not menus:
        return ""
    timezone = operating_settings(ctx).timezone
    waits = {f"campaign-{cid}": int(config.get("channels", {}).get("voice", {}).get("max_wait_seconds")
                                    or DEFAULT_WAIT) for cid, config in configs}
    lines = [line for menu in menus for line in menu_lines(tenant.slug, menu, timezone, waits)]
    return "\n".join(lines + saturation_lines(tenant.slug)) + "\n"

