"""Loading the recorded histories (``make_fixtures.py``) and instants relative to their start."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cdk_durable.diagnose import parse_timestamp

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCENARIOS = (
    "callback_pending",
    "succeeded",
    "retries_exhausted",
    "timed_out",
    "wait_pending",
    "payload_near_limit",
    "wait_for_callback_pending",
    "callback_failed",
    "callback_timed_out",
    "step_failed",
    "invoke_failed",
    "stopped",
)


def history_path(name: str) -> Path:
    return FIXTURES / f"{name}.history.json"


def execution_path(name: str) -> Path:
    return FIXTURES / f"{name}.execution.json"


def history(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads(history_path(name).read_text()))


def execution(name: str) -> dict[str, Any]:
    return json.loads(execution_path(name).read_text())


def started(name: str) -> datetime:
    first = history(name)["Events"][0]
    assert first["EventType"] == "ExecutionStarted"
    return parse_timestamp(first["EventTimestamp"], where="fixture")


def at(name: str, **delta: float) -> datetime:
    """An instant ``delta`` after the recorded execution started."""
    return started(name) + timedelta(**delta)


def event(document: dict[str, Any], event_type: str, name: str | None = None) -> dict[str, Any]:
    for candidate in document["Events"]:
        if candidate["EventType"] == event_type and (name is None or candidate.get("Name") == name):
            return candidate  # type: ignore[no-any-return]
    raise AssertionError(f"no {event_type} {name or ''} in the fixture")
