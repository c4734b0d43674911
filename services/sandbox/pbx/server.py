"""The AMI TCP server: banner, Login, per-session responses, events broadcast to logged-in sessions."""
from __future__ import annotations

import asyncio
import logging

from .actions import HANDLERS, AmiError
from .pbx import Pbx
from .wire import Action, Fields, encode, encode_banner, read_message

log = logging.getLogger(__name__)
# modules loaded late in the boot (res_pjsip, app_queue, app_mixmonitor): "Invalid/unknown command" until then
BOOT_LATE_ACTIONS = ("pjsip", "queue", "mixmonitor", "stopmixmonitor")


class Session:
    def __init__(self, server: "AmiServer", reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.server, self.reader, self.writer = server, reader, writer
        self.pbx: Pbx = server.pbx
        self.logged_in = False
        self.username = ""
        self.events = True
        self.closed = False
        self._unsubscribe = None

    # ---- output ------------------------------------------------------------------------------
    def write(self, fields: Fields) -> None:
        if not self.closed and not self.writer.is_closing():
            self.writer.write(encode(fields))

    def respond(self, act: Action, fields: Fields, response: str = "Success") -> None:
        action_id = [("ActionID", act.action_id)] if act.action_id is not None else []
        self.write([("Response", response)] + action_id + fields)

    def send_list(self, act: Action, message: str, items: list[tuple[str, Fields]], complete: str) -> None:
        """Response + EventList start, the items (each repeating the ActionID), then the Complete event."""
        action_id = [("ActionID", act.action_id)] if act.action_id is not None else []
        self.respond(act, [("EventList", "start"), ("Message", message)])
        for event, fields in items:
            self.write([("Event", event)] + action_id + fields)
        self.write([("Event", complete)] + action_id + [("EventList", "Complete"), ("ListItems", str(len(items)))])

    def on_event(self, message: Fields) -> None:
        if self.logged_in and self.events:
            self.write(message)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self._unsubscribe:
                self._unsubscribe()
            self.writer.close()

    # ---- input -------------------------------------------------------------------------------
    async def serve(self) -> None:
        self.writer.write(encode_banner())
        try:
            while not self.closed:
                fields = await read_message(self.reader)
                if fields is None:
                    break
                await self.handle(Action(fields))
                await self.writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.close()

    async def handle(self, act: Action) -> None:
        name = act.name.lower()
        if name == "login":
            return await self.login(act)
        if not self.logged_in and name not in ("logoff", "challenge"):
            return self.respond(act, [("Message", "Permission denied")], "Error")
        handler = HANDLERS.get(name)
        if not self.server.booted and name not in ("logoff", "ping"):
            # still booting: the modules that register most actions are not loaded yet (trace 17)
            handler = None if name.startswith(BOOT_LATE_ACTIONS) else self._permission_denied
        if handler is None:
            self.security_event("RequestBadFormat", "Error", [("RequestType", f"Action: {act.name}"),
                                                               ("AccountID", self.username)])
            return self.respond(act, [("Message", f"Invalid/unknown command: {act.name}. Use Action: "
                                                  "ListCommands to show available commands.")], "Error")
        try:
            fields = await handler(self, act)
        except AmiError as error:
            return self.respond(act, [("Message", str(error))], "Error")
        if fields is not None:
            self.respond(act, fields)

    @staticmethod
    async def _permission_denied(session: "Session", act: Action) -> None:
        raise AmiError("Permission denied")

    async def login(self, act: Action) -> None:
        username = act.get("Username") or ""
        if self.server.users.get(username) is None or act.get("Secret") != self.server.users[username]:
            await self.pbx.clock.sleep(self.server.auth_failure_delay)
            self.respond(act, [("Message", "Authentication failed")], "Error")
            await self.writer.drain()
            return self.close()
        if not self.server.allow_multiple_login and any(s.logged_in and s.username == username
                                                        for s in self.server.sessions):
            # manager.conf allowmultiplelogin = no (trace 17: a SessionLimit per refused attempt)
            self.security_event("SessionLimit", "Error", [("AccountID", "")],
                                session_tv="1970-01-01T00:00:00.000+0000")
            self.respond(act, [("Message", "Login Already In Use")], "Error")
            await self.writer.drain()
            return self.close()
        self.logged_in, self.username = True, username
        self.events = act.get("Events", "on").lower() not in ("off", "no", "false")
        self.respond(act, [("Message", "Authentication accepted")])
        if self.server.booted:
            self.fully_booted()
        self._unsubscribe = self.pbx.bus.subscribe(self.on_event)
        self.security_event("SuccessfulAuth", "Informational", [("AccountID", username),
                                                                 ("UsingPassword", "0")])

    def fully_booted(self) -> None:
        """Sent at login once Asterisk has booted, and to every session when the boot ends."""
        uptime = str(self.pbx.uptime())
        self.write([("Event", "FullyBooted"), ("Privilege", "system,all"), ("Uptime", uptime),
                    ("LastReload", uptime), ("Status", "Fully Booted")])

    def security_event(self, event: str, severity: str, extra: Fields, session_tv: str | None = None) -> None:
        local, remote = self.writer.get_extra_info("sockname"), self.writer.get_extra_info("peername")
        tail = [("SessionTV", session_tv)] if session_tv else []
        self.pbx.bus.emit(event, "security", [
            ("EventTV", self.pbx.event_tv()), ("Severity", severity), ("Service", "AMI"), ("EventVersion", "1"),
            ("SessionID", hex(id(self))), ("LocalAddress", f"IPV4/TCP/{local[0]}/{local[1]}"),
            ("RemoteAddress", f"IPV4/TCP/{remote[0]}/{remote[1]}")] + tail + extra)


class AmiServer:
    def __init__(self, pbx: Pbx, *, host: str = "127.0.0.1", port: int = 5038, username: str = "amiuser",
                 secret: str = "amipass", auth_failure_delay: float = 1.0, extra_users: dict[str, str] | None = None,
                 allow_multiple_login: bool = False) -> None:
        self.pbx, self.host, self.port = pbx, host, port
        self.username, self.secret = username, secret
        self.users = {username: secret, **(extra_users or {})}
        self.allow_multiple_login = allow_multiple_login      # asterisk/manager.conf says no
        self.booted = True
        self.auth_failure_delay = auth_failure_delay
        self.sessions: set[Session] = set()
        self._server: asyncio.base_events.Server | None = None
        self._handlers: set[asyncio.Task] = set()

    async def start(self) -> "AmiServer":
        self.pbx.clock.start()
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        session = Session(self, reader, writer)
        self.sessions.add(session)
        self._handlers.add(asyncio.current_task())
        try:
            await session.serve()
        finally:
            self.sessions.discard(session)
            self._handlers.discard(asyncio.current_task())

    async def stop(self) -> None:
        if self._server:
            self._server.close()
        for session in list(self.sessions):
            session.close()
        if self._handlers:
            await asyncio.wait(set(self._handlers), timeout=1.0)
        if self._server:
            await self._server.wait_closed()
            self._server = None
        await self.pbx.shutdown()

    async def restart(self, boot_seconds: float | None = 0.0) -> None:
        """Like `core restart now`: `Shutdown` is announced, connections drop, calls vanish, configuration
        stays; same port. For `boot_seconds` (virtual; None: until `finish_boot()`) after, logins work but
        actions are refused and no FullyBooted is sent; then every session gets FullyBooted, as a booting
        Asterisk does."""
        for session in list(self.sessions):
            session.on_event([("Event", "Shutdown"), ("Privilege", "system,all"), ("Shutdown", "Cleanly"),
                              ("Restart", "True")])
        await self.stop()
        self.booted = boot_seconds is not None and boot_seconds <= 0
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        if boot_seconds is not None and boot_seconds > 0:
            self.pbx.spawn(self._boot_for(boot_seconds))

    async def _boot_for(self, seconds: float) -> None:
        await self.pbx.clock.sleep(seconds)
        self.finish_boot()

    def finish_boot(self) -> None:
        if self.booted:
            return
        self.booted = True
        self.pbx.started_at = self.pbx.clock.time()
        for session in list(self.sessions):
            if session.logged_in:
                session.fully_booted()

    async def close(self) -> None:
        await self.stop()
        await self.pbx.clock.stop()
