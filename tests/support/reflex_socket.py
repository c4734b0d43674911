"""A browser tab without a browser: one websocket speaking Reflex's protocol (Engine.IO 4 /
Socket.IO 4 framing on namespace /_event), as the compiled frontend does. Used by the live-page
tests and by bench/agent_panel_load.py to hold thousands of tabs in one process.

A tab hydrates inside its CONNECT packet, sends the events its page sends on mount, and merges the
deltas it receives into `state` ({state path: {field: value}}), calling `on_delta` for each.
"""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import Callable

import aiohttp

REFLEX_VERSION = "0.10.1"
NAMESPACE = "/_event"
ROOT_STATE = "reflex___state____state"
SESSION_STATE = f"{ROOT_STATE}.bgotocall___state___session____session_state"
SUFFIX = "_rx_state_"


def state_path(cls) -> str:
    return cls.get_full_name()


class Tab:
    def __init__(self, base_url: str, path: str, session_token: str,
                 on_delta: Callable[["Tab", dict, float], None] | None = None,
                 client_token: str | None = None) -> None:
        self.base_url, self.path, self.session_token = base_url.rstrip("/"), path, session_token
        self.client_token = client_token or str(uuid.uuid4())
        self.on_delta = on_delta
        self.state: dict[str, dict] = {}
        self.connected = asyncio.Event()
        self.hydrated = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task | None = None
        self._changed = asyncio.Condition()
        self._waiting = 0       # wait_for calls under way: without any, a delta wakes no one

    # ---- life of the socket --------------------------------------------------------------------
    async def open(self, http: aiohttp.ClientSession, on_mount: list[tuple[str, dict]] = ()) -> None:
        """Connect, hydrate as the page does, then send the page's on-mount events."""
        url = (self.base_url.replace("http", "ws", 1)
               + f"/_event/?token={self.client_token}&EIO=4&transport=websocket")
        # The session travels as the browser sends it: in the Cookie header of the handshake (read
        # by the server when the cookie is HttpOnly) and as the cookie var of the hydrate event.
        self._ws = await http.ws_connect(url, protocols=(REFLEX_VERSION,), heartbeat=None,
                                         headers={"Cookie": f"bgc_session={self.session_token}"},
                                         max_msg_size=0)
        opened = await self._ws.receive_str()
        if not opened.startswith("0"):
            raise ConnectionError(f"unexpected Engine.IO open: {opened[:80]}")
        hydrate = self._event(f"{ROOT_STATE}.hydrate_and_load",
                              {"vars": {f"{SESSION_STATE}.token{SUFFIX}": self.session_token}})
        await self._ws.send_str(f"40{NAMESPACE}," + json.dumps({"event": hydrate}))
        self._reader = asyncio.create_task(self._read())
        await asyncio.wait_for(self.connected.wait(), 60)
        for name, payload in on_mount:
            await self.send(name, payload)

    async def close(self) -> None:
        """Leave as a closing page does: the namespace's DISCONNECT, then the socket."""
        if self._ws is not None and not self._ws.closed:
            await self._ws.send_str(f"41{NAMESPACE},")
            await self._ws.close()
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
        self.connected.clear()

    # ---- events ------------------------------------------------------------------------------------
    def _event(self, name: str, payload: dict) -> dict:
        return {"name": name, "payload": payload,
                "router_data": {"pathname": self.path, "query": {}, "asPath": self.path}}

    async def send(self, name: str, payload: dict | None = None) -> None:
        frame = json.dumps(["event", self._event(name, payload or {})])
        await self._ws.send_str(f"42{NAMESPACE},{frame}")

    async def _read(self) -> None:
        prefix = f"42{NAMESPACE},"
        async for message in self._ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = message.data
            if data == "2":                                   # Engine.IO ping
                await self._ws.send_str("3")
            elif data.startswith(f"42{NAMESPACE},[\"new_token\""):
                # The server took this tab for a duplicate of a still-connected one: it now has
                # another token, hence a fresh state.
                self.client_token = json.loads(data[len(prefix):])[1]
            elif data.startswith(prefix):
                received = time.time()
                name, body = json.loads(data[len(prefix):])[:2]
                if name == "event" and isinstance(body, dict) and body.get("delta"):
                    self._merge(body["delta"], received)
            elif data.startswith(f"40{NAMESPACE}"):
                self.connected.set()
            elif data.startswith(f"44{NAMESPACE}"):
                raise ConnectionRefusedError(data)
        self.connected.clear()

    def _merge(self, delta: dict, received: float) -> None:
        for path, fields in delta.items():
            mine = self.state.setdefault(path, {})
            for key, value in fields.items():
                mine[key.removesuffix(SUFFIX)] = value
        self.hydrated.set()
        if self.on_delta:
            self.on_delta(self, delta, received)
        if self._waiting:
            asyncio.ensure_future(self._notify())

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def socket_record_key(self) -> str:
        """The Redis key under which Reflex records this tab's socket (gone once it closed)."""
        return f"token_manager_socket_record_{self.client_token}"

    def loaded(self) -> bool:
        """The page's on-load handlers have run (Reflex says so last, in the root state)."""
        return bool(self.value_of(ROOT_STATE, "is_hydrated"))

    def value(self, cls, field: str, default=None):
        return self.value_of(state_path(cls), field, default)

    def value_of(self, path: str, field: str, default=None):
        return self.state.get(path, {}).get(field, default)

    async def wait_for(self, condition: Callable[["Tab"], bool], timeout: float = 30) -> None:
        """Until `condition(tab)` holds, re-checked at every delta the tab receives."""
        async def until():
            async with self._changed:
                await self._changed.wait_for(lambda: condition(self))
        self._waiting += 1
        try:
            await asyncio.wait_for(until(), timeout)
        finally:
            self._waiting -= 1
