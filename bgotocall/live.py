"""Pushing live events into the states of open tabs (the web side of services/live)."""
from __future__ import annotations

import inspect

import reflex as rx

from services.live.consumer import consume_with_restarts
from services.live.events import LiveEvent

# kind of event -> the state classes whose `_on_live(event)` apply it.
_RECEIVERS: dict[str, list[type[rx.State]]] = {}


def receives(*kinds: str):
    """Class decorator: this state applies live events of these kinds."""
    def register(cls):
        for kind in kinds:
            _RECEIVERS.setdefault(kind, []).append(cls)
        return cls
    return register


def live_listener(app: rx.App):
    async def deliver(client_token: str, event: LiveEvent) -> None:
        for cls in _RECEIVERS.get(event.kind, []):
            async with app.modify_state(rx.BaseStateToken(ident=client_token, cls=cls)) as root:
                applied = (await root.get_state(cls))._on_live(event)
                if inspect.isawaitable(applied):
                    await applied

    async def listen():
        await consume_with_restarts(deliver)

    return listen
