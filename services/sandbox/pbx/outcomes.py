"""What the far end of a call does, chosen deterministically from the called number.

Customer numbers (dialled through the ``carrier`` trunk) are decided by their **last digit**:

====== ==========================================================================================
digit  outcome
====== ==========================================================================================
0      no answer: rings until the caller's timeout (Dial: DialEnd NOANSWER, callee Cause 0;
       Originate: Reason 3, Cause 19)
1      human answers after 1.5 s of ringing
2      human answers after 3 s of ringing
3      human answers after 8 s of ringing
4      busy: 486, Cause 17, DIALSTATUS BUSY (Originate Reason 0)
5      invalid number: 404, Cause 1, DialEnd NOANSWER but DIALSTATUS CHANUNAVAIL (Originate Reason 0)
6      congestion: 503, Cause 34, DIALSTATUS CONGESTION (Originate Reason 0)
7      answering machine: answers after 1.5 s; AMD gives MACHINE / LONGGREETING-1500-1500
8      human answers after 1.5 s of ringing (AMD gives HUMAN / HUMAN-800-800, like 1)
9      human answers at once (no ringing)
====== ==========================================================================================

The **second-to-last digit** ``t`` says how long an answering customer talks: ``0`` means the
customer stays on the line until someone hangs up (control API or AMI), otherwise the customer hangs
up ``t * 5`` seconds after answering. Example: ``+15557654301`` answers after 1.5 s and stays,
``+15557654324`` is busy, ``+15557654311`` answers after 1.5 s and hangs up 5 s later.

Agent and supervisor phones are not numbers but endpoints; they follow their ``PhonePolicy``
(default: ring 1 s then answer, as the sipp phones of the traces), changeable by the control API.
"""
from __future__ import annotations

from dataclasses import dataclass

BUSY, INVALID, CONGESTION = 17, 1, 34
DIALSTATUS_OF_CAUSE = {BUSY: "BUSY", INVALID: "CHANUNAVAIL", CONGESTION: "CONGESTION"}
DIALEND_OF_CAUSE = {BUSY: "BUSY", INVALID: "NOANSWER", CONGESTION: "CONGESTION"}


@dataclass(frozen=True)
class Outcome:
    answers_after: float | None = None   # seconds of ringing before answer; None = never answers
    rings: bool = True
    reject_cause: int | None = None      # SIP error answer (as a Q.850 cause) instead of ringing
    machine: bool = False
    talk_seconds: float | None = None    # the callee hangs up this long after answering

    @property
    def answers(self) -> bool:
        return self.answers_after is not None and self.reject_cause is None


def _by_last_digit(digit: int) -> Outcome:
    table = {
        0: Outcome(),
        1: Outcome(answers_after=1.5),
        2: Outcome(answers_after=3.0),
        3: Outcome(answers_after=8.0),
        4: Outcome(rings=False, reject_cause=BUSY),
        5: Outcome(rings=False, reject_cause=INVALID),
        6: Outcome(rings=False, reject_cause=CONGESTION),
        7: Outcome(answers_after=1.5, machine=True),
        8: Outcome(answers_after=1.5),
        9: Outcome(answers_after=0.0, rings=False),
    }
    return table[digit]


def outcome_for(number: str) -> Outcome:
    digits = [int(c) for c in number if c.isdigit()] or [0]
    base = _by_last_digit(digits[-1])
    talk = digits[-2] * 5 if len(digits) > 1 and digits[-2] else None
    return Outcome(base.answers_after, base.rings, base.reject_cause, base.machine, talk if base.answers else None)


def dial_status(cause: int) -> str:
    """The dialplan's DIALSTATUS after a failed Dial."""
    return DIALSTATUS_OF_CAUSE.get(cause, "NOANSWER")


def dial_end_status(cause: int) -> str:
    """The DialStatus field of the DialEnd event (404 shows NOANSWER there)."""
    return DIALEND_OF_CAUSE.get(cause, "NOANSWER")


def amd_result(outcome: Outcome) -> tuple[str, str, float]:
    """(AMDSTATUS, AMDCAUSE, seconds the detection takes) as in traces 07 and 07b."""
    return ("MACHINE", "LONGGREETING-1500-1500", 1.8) if outcome.machine else ("HUMAN", "HUMAN-800-800", 1.9)
