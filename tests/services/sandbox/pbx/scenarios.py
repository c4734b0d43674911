"""Helpers that drive the simulator through the steps of a trace scenario."""
from __future__ import annotations


def agent_first(customer: str, campaign: str = "spring-promo", **variables: str) -> dict:
    variable = ",".join(f"{k}={v}" for k, v in {"AGENT_ID": "2001", "CAMPAIGN": campaign, **variables}.items())
    return {"Action": "Originate", "Channel": "PJSIP/2001", "Context": "outbound-agent-first", "Exten": customer,
            "Priority": "1", "CallerID": f'"Customer" <{customer}>', "Timeout": "30000", "Async": "true",
            "Variable": variable}


def customer_first(customer: str, timeout_ms: int = 30000, **target: str) -> dict:
    action = {"Action": "Originate", "Channel": f"PJSIP/{customer}@carrier",
              "CallerID": '"Acme Sales" <+15550001000>', "Timeout": str(timeout_ms), "Async": "true"}
    return {**action, **(target or {"Context": "amd-outbound", "Exten": "s", "Priority": "1"})}


def events_of(recorder, first: int = 0) -> list[dict]:
    return [dict(e) for e in recorder.events[first:]]
