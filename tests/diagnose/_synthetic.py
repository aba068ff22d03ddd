"""A history at the service's maximum of 3,000 operations, built from the recorded ``map_retry`` events.

The recorded map (``pack-parcels``) is widened to 1,499 items, each a ``MapIteration`` context
holding one step (every 100th item's step fails once and succeeds on its retry, as ``pack-b`` did),
followed by the recorded pending wait: 1 + 2 x 1,499 + 1 = 3,000 operations. Event shapes are the
recorded ones; ids, names and timestamps are rewritten (item ``i`` starts ``i`` x 200 ms in).
Used by the page tests and ``bench/html_timeline.py``.
"""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

from cdk_durable import platform as p
from cdk_durable.diagnose import parse_timestamp

from . import _fixtures as fx

ITEM_SPACING = timedelta(milliseconds=200)
RETRY_EVERY = 100


def _shift(event: dict[str, Any], delta: timedelta) -> dict[str, Any]:
    moved = copy.deepcopy(event)
    when = parse_timestamp(event["EventTimestamp"], where="template") + delta
    moved["EventTimestamp"] = when.isoformat()
    return moved


def big_map_history(operations: int = p.MAX_OPERATIONS_PER_EXECUTION) -> dict[str, Any]:
    """A RUNNING execution: a map of ``(operations - 2) // 2`` items, then a pending wait."""
    recorded = fx.history("map_retry")["Events"]
    map_id = next(e["Id"] for e in recorded if e.get("Name") == "pack-parcels")
    by_parent: dict[str, list[dict[str, Any]]] = {}
    for event in recorded:
        if event.get("ParentId"):
            by_parent.setdefault(event["ParentId"], []).append(event)
    items = [e for e in by_parent[map_id] if e["EventType"] == "ContextStarted"]
    plain, retried = items[0], items[1]  # map-item-0 (pack-a), map-item-1 (pack-b, two attempts)

    def item_events(template: dict[str, Any]) -> list[dict[str, Any]]:
        ends = [e for e in by_parent[map_id] if e["Id"] == template["Id"] and e is not template]
        return [template, *by_parent[template["Id"]], *ends]

    head = [e for e in recorded if e["EventType"] == "ExecutionStarted" or e.get("Id") == map_id][:2]
    map_end = next(e for e in recorded if e.get("Id") == map_id and e["EventType"] == "ContextSucceeded")
    tail = [e for e in recorded if e["EventType"] in ("WaitStarted", "InvocationCompleted")]
    count = (operations - 2) // 2
    events = list(head)
    for index in range(count):
        template = retried if index % RETRY_EVERY == RETRY_EVERY - 1 else plain
        delta = ITEM_SPACING * index
        item_id, step_id = f"item-{index:04d}", f"item-{index:04d}-step"
        for event in item_events(template):
            moved = _shift(event, delta)
            if moved["Id"] == template["Id"]:
                moved["Id"], moved["Name"] = item_id, f"map-item-{index}"
            else:
                moved["Id"], moved["Name"], moved["ParentId"] = step_id, f"pack-{index}", item_id
            events.append(moved)
    last = ITEM_SPACING * count
    events += [_shift(map_end, last)] + [_shift(e, last) for e in tail]
    for number, event in enumerate(events, 1):
        event["EventId"] = number
    return {"Events": events}


def fail_item(history: dict[str, Any], index: int) -> dict[str, Any]:
    """Turn item ``index``'s step success into a failure (``ScannerBrokenError``), in place."""
    event = next(
        e for e in history["Events"] if e.get("Name") == f"pack-{index}" and e["EventType"] == "StepSucceeded"
    )
    del event["StepSucceededDetails"]
    event["EventType"] = "StepFailed"
    event["StepFailedDetails"] = {
        "Error": {"Payload": {"ErrorType": "ScannerBrokenError", "ErrorMessage": "scanner on fire"}}
    }
    return history
