"""The event bus: every event goes to the logged-in AMI sessions and to in-process waiters."""
from __future__ import annotations

import asyncio
from typing import Callable

from .wire import Fields

Listener = Callable[[Fields], None]


def field(fields: Fields, key: str, default: str = "") -> str:
    return next((value for name, value in fields if name == key), default)


class EventBus:
    def __init__(self) -> None:
        self._listeners: list[Listener] = []
        self.history: list[Fields] = []

    def emit(self, name: str, privilege: str | None, fields: Fields) -> Fields:
        head = [("Event", name)] + ([("Privilege", f"{privilege},all")] if privilege else [])
        message = head + fields
        self.history.append(message)
        for listener in list(self._listeners):
            listener(message)
        return message

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def wait_for(self, event: str, timeout: float = 5.0, **match: str) -> Fields:
        """The next event named `event` whose fields equal `match` (for the control API and tests)."""
        future: asyncio.Future = asyncio.get_running_loop().create_future()

        def listener(message: Fields) -> None:
            if field(message, "Event") == event and all(field(message, k) == v for k, v in match.items()):
                if not future.done():
                    future.set_result(message)

        unsubscribe = self.subscribe(listener)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            unsubscribe()
