"""The tenant's IVR menus written as Asterisk dialplan (extensions.d/<slug>.conf) and its voicemail box
(voicemail.d/<slug>.conf), from what the IVR designer stored (services/voice/ivr.py).

One context per menu, `t-<slug>-ivr-<id>`: the opening hours first (`GotoIfTime` in the tenant's time
zone; outside them `closed`: the closing message, then the closed action, never a queue), then
`Answer`, the greeting with `Background` and `WaitExten`; one extension per key (`Goto` to another
menu, `Queue(<slug>-<queue>,t,,,${QTIMEOUT})` — the agents are the queue's dynamic members —,
`VoiceMail(ivr@t-<slug>,u)` or `Hangup`); `i` (a key with no option) and `t` (no key) go to `retry`,
which repeats the menu up to its number of tries and then runs the fallback action. The PBX simulator
runs these same lines (services/sandbox/pbx/dialplan_files.py).
"""
from __future__ import annotations

from sqlmodel import select

from services.db.tenancy import tenant_session
from services.identity.system import system_context
from services.models.inbound import IvrMenu
from services.models.platform import Tenant
from services.tenant_settings import operating_settings
from services.voice.sip import tenant_context

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAILBOX = "ivr"


def menu_context(tenant_slug: str, menu_id: int | str) -> str:
    return tenant_context(tenant_slug, f"ivr-{menu_id}")


def voicemail_context(tenant_slug: str) -> str:
    return f"t-{tenant_slug}"


def action_lines(tenant_slug: str, action: dict) -> list[str]:
    """The applications that carry out one designed action (a key, the fallback, the closed action)."""
    kind, target = action.get("action"), str(action.get("target", ""))
    if kind == "menu":
        return [f"Goto({menu_context(tenant_slug, target)},s,1)"]
    if kind == "queue":
        return [f"Queue({tenant_slug}-{target},t,,,${{QTIMEOUT}})", "Hangup()"]
    if kind == "voicemail":
        return [f"VoiceMail({MAILBOX}@{voicemail_context(tenant_slug)},u)", "Hangup()"]
    return ["Hangup(16)"]


def _exten(name: str, apps: list[str]) -> list[str]:
    """One extension; an app written "n(label),App()" gets that label (`same => n(label),App()`)."""
    return [f"exten => {name},1,{apps[0]}"] + [
        f" same => {app}" if app.startswith("n(") else f" same => n,{app}" for app in apps[1:]]


def menu_lines(tenant_slug: str, menu: IvrMenu, timezone: str) -> list[str]:
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
        lines += _exten(option["digit"], action_lines(tenant_slug, option))
    lines += _exten("i", ["Playback(${SOUNDS}/ivr-invalid)", "Goto(retry,1)"])
    lines += _exten("t", ["Goto(retry,1)"])
    lines += _exten("retry", ["Set(IVR_TRIES=$[${IVR_TRIES} + 1])",
                              f"GotoIf($[${{IVR_TRIES}} < {menu.max_tries}]?s,menu)"]
                    + action_lines(tenant_slug, menu.fallback))
    if menu.hours:
        lines += _exten("closed", ["Answer()", f"Playback(${{SOUNDS}}/{menu.closed_audio})"]
                        + action_lines(tenant_slug, menu.closed_action))
    return lines


def _safe(text: str) -> str:
    return "".join(ch for ch in text if ch not in ";\r\n[]")


def ivr_section(tenant: Tenant) -> str:
    """Every IVR menu of the tenant as dialplan contexts; '' when it has none."""
    ctx = system_context(tenant.id)
    with tenant_session(ctx) as s:
        menus = s.exec(select(IvrMenu).order_by(IvrMenu.id)).all()
    if not menus:
        return ""
    timezone = operating_settings(ctx).timezone
    return "\n".join(line for menu in menus for line in menu_lines(tenant.slug, menu, timezone)) + "\n"


def voicemail_include(tenant: Tenant) -> str:
    """The tenant's IVR mailbox (voicemail.conf includes voicemail.d/*.conf)."""
    name = _safe(tenant.name).replace(",", " ")
    return (f"; Tenant {tenant.slug}: generated, do not edit.\n[{voicemail_context(tenant.slug)}]\n"
            f"{MAILBOX} => {900000 + tenant.id},Messagerie {name}\n")
