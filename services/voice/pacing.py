"""Predictive pacing (UC-VO-01): how many customers to dial now so agents wait less, with the abandon
rate held at or under the maximum (3 %, the French rule) over the day.

Invariant: a batch is placed only if its expected abandons keep both the batch's own rate and the day's
rate (abandoned / answered) under `max_abandon`; when even one call more than the ready agents would
pass it — or while too few calls were measured to trust the rates — the pace is progressive: one call
per ready agent with no call in flight.

Process (`calls_to_place`): the capacity is the ready agents plus those expected to be free within a
ring time (from the average handle time, `agents_freeing`); for n calls more than progressive, the
answers are Binomial(n + in flight, answer rate) and the expected abandons E[max(0, answers - capacity)];
the largest n whose expected rates stay under the limit is placed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

MAX_ABANDON = 0.03
MIN_SAMPLE = 30            # calls measured before the answer rate is trusted
MAX_RATIO = 3.0            # never more than 3 lines per agent
SAFETY = 0.8               # plan for 80 % of the maximum: the realised rate varies around the expected one


@dataclass(frozen=True)
class PacingState:
    idle_agents: int           # Prêt and no call reserved for them
    freeing_agents: int        # in call or wrap-up, expected free within a ring time
    in_flight: int             # customer calls placed, not yet answered or failed
    answer_rate: float         # rolling: answered / placed
    measured: int              # calls the rolling rate is measured on
    answered_today: int        # answered calls of the day (connected or abandoned)
    abandoned_today: int
    max_abandon: float = MAX_ABANDON
    max_ratio: float = MAX_RATIO


def agents_freeing(busy_agents: int, average_handle: float, horizon: float) -> int:
    """Busy agents expected free within `horizon` seconds (a dialled customer's time to answer): handle
    times taken as exponential of mean `average_handle`, each ends within the horizon with 1 - e^(-h/AHT)."""
    if busy_agents <= 0 or average_handle <= 0:
        return 0
    return int(busy_agents * (1 - math.exp(-horizon / average_handle)))


def expected_abandons(calls: int, answer_rate: float, capacity: int) -> float:
    """E[max(0, answers - capacity)] for answers ~ Binomial(calls, answer_rate)."""
    a = min(max(answer_rate, 0.0), 1.0)
    return sum((k - capacity) * math.comb(calls, k) * a ** k * (1 - a) ** (calls - k)
               for k in range(max(capacity + 1, 0), calls + 1))


def day_abandon_rate(answered: int, abandoned: int) -> float:
    return abandoned / answered if answered else 0.0


def calls_to_place(s: PacingState) -> int:
    progressive = max(0, s.idle_agents - s.in_flight)
    if s.measured < MIN_SAMPLE or s.answer_rate <= 0 or s.idle_agents + s.freeing_agents == 0:
        return progressive
    capacity = s.idle_agents + s.freeing_agents
    ceiling = max(progressive, math.ceil(capacity * s.max_ratio) - s.in_flight)
    best = progressive
    for n in range(progressive + 1, ceiling + 1):
        total = n + s.in_flight
        abandons = expected_abandons(total, s.answer_rate, capacity)
        answers = total * s.answer_rate
        batch = abandons / answers if answers else 0.0
        day = (s.abandoned_today + abandons) / (s.answered_today + answers)
        if batch > s.max_abandon * SAFETY or day > s.max_abandon * SAFETY:
            break
        best = n
    return best


def dial_ratio(s: PacingState) -> float:
    """Lines per available agent this pacing gives (for the pacing report)."""
    capacity = s.idle_agents + s.freeing_agents
    return (calls_to_place(s) + s.in_flight) / capacity if capacity else 0.0
