"""« Téléphone du navigateur »: the agent panel's WebRTC phone (JsSIP over the PBX's websocket).

JsSIP (npm `jssip`, pinned) runs in the page as one module-level phone, `window.bgcPhone`, so a call
survives moving between the agent's pages. It registers with the agent's own credentials, which
`SoftphoneState.connect_phone` hands to it (never rendered, never stored in the page's state); the
agent chooses once to use it (remembered in the browser), since a desk or mobile SIP phone on the same
endpoint would otherwise lose its registration (one contact per agent, asterisk/pjsip.conf).

Each change of registration or call is reported to `SoftphoneState.phone_changed`, and the panel's
buttons call the phone directly: answer (audio only), hang up, hold, mute, DTMF (SIP INFO, which both
Asterisk and the simulator take without media), transfer (REFER to a colleague's extension or the
general queue, checked by the server first).
"""
from __future__ import annotations

import reflex as rx

from bgotocall.i18n import t
from bgotocall.state.softphone import SoftphoneState as S
from bgotocall.state.voice import VoiceState

JSSIP = "jssip@3.10.1"
WANTED = "bgc.webphone"           # localStorage: the agent uses the browser phone

_PHONE = """
const bgcPhone = (() => {
  let ua = null, session = null, domain = "", audio = null, listener = null;
  let view = {phone: "off", call: "", caller: "", muted: false, held: false};
  const report = (patch) => {
    view = {...view, ...patch};
    if (listener) listener(view.phone, view.call, view.caller, view.muted, view.held);
  };
  const ended = () => { session = null; report({call: "", caller: "", muted: false, held: false}); };
  const play = (pc) => pc.addEventListener("track", (e) => {
    if (!audio) { audio = new Audio(); audio.autoplay = true; }
    audio.srcObject = e.streams[0];
  });
  const follow = (s) => {
    session = s;
    s.on("peerconnection", (e) => play(e.peerconnection));
    s.on("confirmed", () => report({call: "up"}));
    s.on("ended", ended);
    s.on("failed", ended);
    s.on("hold", () => report({held: true}));
    s.on("unhold", () => report({held: false}));
    s.on("muted", () => report({muted: true}));
    s.on("unmuted", () => report({muted: false}));
  };
  return {
    listen(fn) { listener = fn; if (fn) report({}); },
    start(c) {
      if (ua) ua.stop();
      window.localStorage.setItem("%(wanted)s", "1");
      domain = c.domain;
      ua = new JsSIP.UA({sockets: [new JsSIP.WebSocketInterface(c.websocket)], uri: c.uri, password: c.password,
                         authorization_user: c.user, register: true, session_timers: false,
                         user_agent: "B-GOTOCALL WebPhone"});
      ua.on("registered", () => report({phone: "on"}));
      ua.on("unregistered", () => report({phone: "off"}));
      ua.on("registrationFailed", () => report({phone: "failed"}));
      ua.on("disconnected", () => report({phone: view.phone === "failed" ? "failed" : "connecting"}));
      ua.on("newRTCSession", (e) => {
        if (e.originator !== "remote") return;
        if (session) { e.session.terminate({status_code: 486}); return; }   // one call at a time
        follow(e.session);
        const from = e.request.from;
        report({call: "ringing", caller: from.display_name || from.uri.user});
      });
      ua.start();
    },
    stop() {
      window.localStorage.removeItem("%(wanted)s");
      if (ua) { ua.stop(); ua = null; }
      report({phone: "off"}); ended();
    },
    answer() {
      if (session) session.answer({mediaConstraints: {audio: true, video: false}, pcConfig: {iceServers: []}});
    },
    hangup() { if (session) session.terminate(); },
    hold(on) { if (session) { on ? session.hold() : session.unhold(); } },
    mute(on) { if (session) { on ? session.mute({audio: true}) : session.unmute({audio: true}); } },
    dtmf(tone) { if (session) session.sendDTMF(tone, {transportType: "INFO"}); },
    transfer(target) { if (session) session.refer(`sip:${target}@${domain}`); },
  };
})();
if (typeof window !== "undefined") { window.bgcPhone = bgcPhone; }

function BgcSoftphone({onChange, onWanted}) {
  const handlers = useRef({});
  handlers.current = {onChange, onWanted};
  useEffect(() => {
    bgcPhone.listen((...args) => handlers.current.onChange && handlers.current.onChange(...args));
    if (window.localStorage.getItem("%(wanted)s") === "1" && handlers.current.onWanted) handlers.current.onWanted();
    return () => bgcPhone.listen(null);
  }, []);
  return null;
}
""" % {"wanted": WANTED}


class Softphone(rx.Component):
    """Renders nothing: holds the page's phone and reports its changes."""

    tag = "BgcSoftphone"
    on_change: rx.EventHandler[lambda phone, call, caller, muted, held: [phone, call, caller, muted, held]]
    on_wanted: rx.EventHandler[lambda: []]

    def add_imports(self):
        return {"react": ["useEffect", "useRef"], JSSIP: [rx.ImportVar(tag="JsSIP", is_default=True)]}

    def add_custom_code(self) -> list[str]:
        return [_PHONE]


def _phone(js: str) -> rx.event.EventSpec:
    return rx.call_script(f"window.bgcPhone.{js}")


def _keypad() -> rx.Component:
    return rx.popover.root(
        rx.popover.trigger(rx.button(rx.icon("grid-3x3", size=14), t("softphone.keypad"), size="1", variant="soft",
                                     data_testid="softphone-keypad")),
        rx.popover.content(rx.grid(
            *[rx.button(key, on_click=_phone(f"dtmf({key!r})"), variant="surface", data_testid=f"dtmf-{key}")
              for key in "123456789*0#"],
            columns="3", spacing="2")))


def _transfer() -> rx.Component:
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(placeholder=t("softphone.transfer.to"), data_testid="softphone-transfer-target"),
            rx.select.content(rx.foreach(S.targets, lambda row: rx.select.item(
                rx.cond(row[1] == "", t("softphone.transfer.queue"), row[1] + " (" + row[0] + ")"),
                value=row[0]))),
            value=S.target, on_change=S.set_target, size="1"),
        rx.button(rx.icon("arrow-right-left", size=14), t("softphone.transfer"), on_click=S.transfer, size="1",
                  variant="soft", disabled=S.target == "", data_testid="softphone-transfer"),
        rx.cond(S.transfer_error != "", rx.text(t("softphone.transfer.refused"), color=rx.color("red", 11),
                                                 size="1")),
        spacing="2", align="center")


def _switch(on, undo_key: str, do_key: str, method: str, testid: str) -> rx.Component:
    """Hold / resume, mute / unmute: one button whose action follows the call's state."""
    return rx.cond(on, rx.button(t(undo_key), size="1", variant="solid", on_click=_phone(f"{method}(false)"),
                                 data_testid=testid),
                   rx.button(t(do_key), size="1", variant="soft", on_click=_phone(f"{method}(true)"),
                             data_testid=testid))


def _in_call() -> rx.Component:
    return rx.hstack(
        rx.badge(rx.cond(S.held, t("softphone.on_hold"), t("softphone.in_call")), color_scheme="red",
                 data_testid="softphone-call"),
        rx.text(S.caller, weight="medium"),
        _switch(S.held, "softphone.resume", "softphone.hold", "hold", "softphone-hold"),
        _switch(S.muted, "softphone.unmute", "softphone.mute", "mute", "softphone-mute"),
        _keypad(),
        _transfer(),
        rx.button(rx.icon("phone-off", size=14), t("softphone.hangup"), size="1", color_scheme="red",
                  on_click=_phone("hangup()"), data_testid="softphone-hangup"),
        spacing="3", align="center", wrap="wrap")


def _ringing() -> rx.Component:
    return rx.hstack(
        rx.badge(t("softphone.incoming"), color_scheme="blue", size="2", data_testid="softphone-call"),
        rx.text(S.caller, weight="medium", data_testid="softphone-caller"),
        rx.button(rx.icon("phone", size=14), t("softphone.answer"), color_scheme="green", size="2",
                  on_click=_phone("answer()"), data_testid="softphone-answer"),
        rx.button(rx.icon("phone-off", size=14), t("softphone.hangup"), color_scheme="red", size="2",
                  on_click=_phone("hangup()"), data_testid="softphone-hangup"),
        spacing="3", align="center")


def _desk_call() -> rx.Component:
    """A call on the agent's desk or mobile SIP phone: the panel hangs it up or transfers it over AMI."""
    return rx.hstack(
        rx.badge(t("softphone.desk_call"), color_scheme="red", data_testid="desk-call"),
        _transfer(),
        rx.button(rx.icon("phone-off", size=14), t("softphone.hangup"), size="1", color_scheme="red",
                  on_click=S.hang_up_desk_phone, data_testid="desk-hangup"),
        spacing="3", align="center", wrap="wrap", on_mount=S.load_targets)


def softphone_panel() -> rx.Component:
    """The agent's browser phone: its state, the connect switch, and the call's controls."""
    status = rx.match(S.phone, *[(s, t(f"softphone.status.{s}")) for s in ("on", "connecting", "failed")],
                      t("softphone.status.off"))
    return rx.card(rx.vstack(
        Softphone.create(on_change=S.phone_changed, on_wanted=S.connect_phone),
        rx.hstack(
            rx.icon("headset", size=18),
            rx.text(t("softphone.title"), " : ", rx.text.span(status, data_testid="softphone-status"),
                    weight="medium"),
            rx.spacer(),
            rx.cond(S.phone == "off",
                    rx.button(t("softphone.connect"), size="1", on_click=S.connect_phone,
                              data_testid="softphone-connect"),
                    rx.button(t("softphone.disconnect"), size="1", variant="soft", color_scheme="gray",
                              on_click=S.disconnect_phone, data_testid="softphone-disconnect")),
            width="100%", align="center", spacing="2"),
        rx.cond(S.phone == "off", rx.text(t("softphone.desk_phone"), size="1", color=rx.color("gray", 11))),
        rx.cond(S.call == "ringing", _ringing()),
        rx.cond(S.call == "up", _in_call()),
        rx.cond((S.phone != "on") & (VoiceState.my_state == "IN_CALL"), _desk_call()),
        spacing="2", width="100%"), width="100%", data_testid="softphone")
