"""A simulated calling day for the dialer's pacing: a population with a known answer rate, N agents.

Deterministic (seeded) discrete-event model on a virtual clock, used by `bench/dialer_pacing.py` and the
pacing tests. Customers answer with probability `answer_rate` after 4 to 20 s of ringing (else the call
is given up after `ring_timeout`); an answered call goes to a free agent, waits at most `abandon_wait`
seconds for one (the French rule counts a call with no agent within 2 s as abandoned), then talks for an
exponential time of mean `talk_seconds` and the agent wraps up for `wrap_seconds`.

Progressive: one call per free agent, that agent reserved until the call ends or is answered.
Predictive: every second `services.voice.pacing.calls_to_place` decides how many calls to place,
with the rolling answer rate and the day's abandon rate measured by the model itself.
"""
from __future__ import annotations

import heapq
import itertools
import random
from collections import deque
from dataclasses import dataclass

from services.voice.pacing import PacingState, agents_freeing, calls_to_place


@dataclass(frozen=True)
class DayReport:
    mode: str
    agents: int
    placed: int
    answered: int
    connected: int
    abandoned: int
    occupancy: float          # share of the agents' time in call or wrap-up
    hours: float

    @property
    def abandon_rate(self) -> float:
        return self.abandoned / self.answered if self.answered else 0.0

    @property
    def calls_per_hour(self) -> float:
        return self.connected / self.hours


def simulate_day(mode: str, agents: int, answer_rate: float, *, hours: float = 8.0, talk_seconds: float = 120.0,
                 wrap_seconds: float = 20.0, ring_timeout: float = 25.0, abandon_wait: float = 2.0,
                 seed: int = 1) -> DayReport:
    rng = random.Random(seed)
    end = hours * 3600
    seq = itertools.count()
    events: list = []

    def at(when: float, kind: str, data=None) -> None:
        heapq.heappush(events, (when, next(seq), kind, data))

    free: set[int] = set(range(agents))
    busy_since: dict[int, float] = {}
    waiting: deque = deque()                     # answered calls waiting for an agent: (call, since)
    placed = answered = connected = abandoned = in_flight = 0
    recent: deque = deque(maxlen=200)            # rolling outcomes (1 answered, 0 not)
    busy_time = 0.0
    handle = talk_seconds + wrap_seconds

    def place(reserved: int | None, now: float) -> None:
        nonlocal placed, in_flight
        placed += 1
        in_flight += 1
        if rng.random() < answer_rate:
            at(now + rng.uniform(4, 20), "answer", reserved)
        else:
            at(now + ring_timeout, "no_answer", reserved)

    def connect(agent: int, now: float) -> None:
        nonlocal connected, busy_time
        connected += 1
        free.discard(agent)
        busy_since[agent] = now
        seconds = rng.expovariate(1 / talk_seconds) + wrap_seconds
        busy_time += min(seconds, end - now)
        at(now + seconds, "agent_free", agent)

    def pace(now: float) -> None:
        if mode == "progressive":
            for agent in sorted(free):
                free.discard(agent)
                place(agent, now)
            return
        state = PacingState(
            idle_agents=len(free), in_flight=in_flight,
            freeing_agents=agents_freeing(len(busy_since), handle, 15.0),
            answer_rate=sum(recent) / len(recent) if recent else 0.0, measured=len(recent),
            answered_today=answered, abandoned_today=abandoned)
        for _ in range(calls_to_place(state)):
            place(None, now)

    at(0.0, "tick")
    while events:
        now, _, kind, data = heapq.heappop(events)
        if now >= end:
            break
        if kind == "tick":
            pace(now)
            at(now + 1.0, "tick")
        elif kind == "no_answer":
            in_flight -= 1
            recent.append(0)
            if data is not None:
                free.add(data)
        elif kind == "answer":
            in_flight -= 1
            answered += 1
            recent.append(1)
            agent = data if data is not None else (min(free) if free else None)
            if agent is not None:
                connect(agent, now)
            else:
                waiting.append(now)
                at(now + abandon_wait, "give_up", now)
        elif kind == "give_up":
            if data in waiting:
                waiting.remove(data)
                abandoned += 1
        elif kind == "agent_free":
            busy_since.pop(data, None)
            if waiting:
                waiting.popleft()
                connect(data, now)
            else:
                free.add(data)
    return DayReport(mode, agents, placed, answered, connected, abandoned, busy_time / (agents * end), hours)
