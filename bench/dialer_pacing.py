"""Progressive vs predictive pacing over a simulated calling day (services/sandbox/dialer_day.py).

    python bench/dialer_pacing.py --agents 20 --answer-rate 0.3 [--hours 8] [--talk 120] [--wrap 20] [--seed 1]

Prints, for each mode, the agents' occupancy, the abandon rate (abandoned / answered, to stay ≤ 3 %) and
the connected calls per hour. The predictive mode runs the product's pacing function
(services/voice/pacing.py) on the rates the day measures.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from services.sandbox.dialer_day import simulate_day  # noqa: E402
from services.voice.pacing import MAX_ABANDON  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--answer-rate", type=float, default=0.3)
    parser.add_argument("--hours", type=float, default=8.0)
    parser.add_argument("--talk", type=float, default=120.0, help="mean talk time (s)")
    parser.add_argument("--wrap", type=float, default=20.0, help="wrap-up time (s)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print(f"{args.agents} agents, answer rate {args.answer_rate:.0%}, {args.hours:g} h, talk {args.talk:g} s, "
          f"wrap-up {args.wrap:g} s, max abandon {MAX_ABANDON:.0%}")
    print(f"{'mode':<12}{'placed':>8}{'answered':>10}{'abandoned':>11}{'abandon %':>11}{'occupancy %':>13}"
          f"{'calls/hour':>12}")
    for mode in ("progressive", "predictive"):
        r = simulate_day(mode, args.agents, args.answer_rate, hours=args.hours, talk_seconds=args.talk,
                         wrap_seconds=args.wrap, seed=args.seed)
        print(f"{mode:<12}{r.placed:>8}{r.answered:>10}{r.abandoned:>11}{r.abandon_rate:>11.2%}"
              f"{r.occupancy:>13.1%}{r.calls_per_hour:>12.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
