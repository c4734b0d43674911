"""Predictive pacing: the pure rule, and simulated days against populations with known answer rates."""
import subprocess
import sys

import pytest

from services.sandbox.dialer_day import simulate_day
from services.voice.pacing import (
    MAX_ABANDON, MIN_SAMPLE, PacingState, agents_freeing, calls_to_place, dial_ratio, expected_abandons)


def state(**changes) -> PacingState:
    base = dict(idle_agents=10, freeing_agents=0, in_flight=0, answer_rate=0.3, measured=500,
                answered_today=1000, abandoned_today=0)
    return PacingState(**{**base, **changes})


def test_expected_abandons_is_the_binomial_excess():
    assert expected_abandons(3, 1.0, 1) == pytest.approx(2.0)
    assert expected_abandons(2, 0.5, 1) == pytest.approx(0.25)           # both answer with p = 1/4
    assert expected_abandons(5, 0.3, 5) == 0


def test_a_low_answer_rate_dials_more_lines_than_agents_and_a_high_one_fewer():
    low, high = calls_to_place(state(answer_rate=0.2)), calls_to_place(state(answer_rate=0.8))
    assert low > 20 and 10 <= high < low
    assert dial_ratio(state(answer_rate=0.2)) > 2


def test_too_few_measured_calls_or_no_agent_means_progressive():
    assert calls_to_place(state(measured=MIN_SAMPLE - 1)) == 10
    assert calls_to_place(state(measured=MIN_SAMPLE - 1, in_flight=4)) == 6
    assert calls_to_place(state(idle_agents=0)) == 0


def test_the_days_abandon_rate_at_the_limit_falls_back_to_progressive():
    at_limit = state(answered_today=1000, abandoned_today=int(1000 * MAX_ABANDON))
    assert calls_to_place(at_limit) == 10
    assert calls_to_place(state(answered_today=1000, abandoned_today=5)) > 10


def test_agents_about_to_free_up_count_from_the_average_handle_time():
    assert agents_freeing(20, 140, 15) == 2
    assert agents_freeing(0, 140, 15) == 0
    assert calls_to_place(state(idle_agents=0, freeing_agents=2)) > 0


@pytest.mark.parametrize("answer_rate", [0.15, 0.3, 0.6])
def test_a_simulated_day_keeps_abandons_under_3_percent_and_agents_busier(answer_rate):
    progressive = simulate_day("progressive", 20, answer_rate, seed=7)
    predictive = simulate_day("predictive", 20, answer_rate, seed=7)
    assert progressive.abandoned == 0
    assert predictive.abandon_rate <= MAX_ABANDON
    assert predictive.occupancy > progressive.occupancy
    assert predictive.calls_per_hour > progressive.calls_per_hour


def test_the_bench_prints_both_modes():
    out = subprocess.run([sys.executable, "bench/dialer_pacing.py", "--agents", "5", "--answer-rate", "0.3",
                          "--hours", "1"], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert "occupancy %" in lines[1] and "abandon %" in lines[1] and "calls/hour" in lines[1]
    assert lines[2].startswith("progressive") and lines[3].startswith("predictive")
