"""fan-out: all items, tolerated failures, too many failures, retried items, bad input."""

from __future__ import annotations

import pytest
from aws_durable_execution_sdk_python.execution import InvocationStatus

import app
from conftest import payload, run, step_result

ITEMS = [{"id": c, "value": v} for c, v in zip("abcdefghij", range(1, 11), strict=True)]


def test_processes_every_item_then_finalizes(runner):
    result = run(runner, {"batch_id": "b-1", "items": ITEMS})

    assert result.status is InvocationStatus.SUCCEEDED
    body = payload(result.result)
    assert body == {"batch_id": "b-1", "processed": 10, "failed": [], "total": 110}
    process_items = result.get_context("process-items")
    assert process_items.status.value == "SUCCEEDED"
    item_b = process_items.get_context("item-b")
    assert step_result(item_b, "process-item") == {"id": "b", "result": 4}
    finalize = result.get_context("finalize")
    assert step_result(finalize.get_context("publish-summary"), "send-summary") == {"published": "b-1"}
    assert step_result(finalize.get_context("archive-results"), "write-archive")["count"] == 10


def test_tolerates_a_few_failed_items(runner):
    items = [*ITEMS[:9], {"id": "bad", "value": "x"}]  # 1 of 10 = 10% <= 20%

    result = run(runner, {"batch_id": "b-2", "items": items})

    assert result.status is InvocationStatus.SUCCEEDED
    body = payload(result.result)
    assert body["failed"] == ["bad"]
    assert body["processed"] == 9
    assert result.get_context("process-items").get_context("item-bad").status.value == "FAILED"


def test_too_many_failures_fail_the_execution(runner):
    items = [{"id": f"bad-{i}", "value": None} for i in range(4)] + ITEMS[:4]  # 50% > 20%

    result = run(runner, {"batch_id": "b-3", "items": items})

    assert result.status is InvocationStatus.FAILED
    assert "items failed" in (result.error.message or "")
    assert "finalize" not in [op.name for op in result.operations]


def test_transient_item_errors_are_retried(runner, monkeypatch):
    calls = []
    real = app.process_item

    def flaky(item):
        calls.append(item["id"])
        if item["id"] == "a" and calls.count("a") < 3:
            raise TimeoutError("downstream timed out")
        return real(item)

    monkeypatch.setattr(app, "process_item", flaky)
    result = run(runner, {"batch_id": "b-4", "items": ITEMS[:3]})

    assert result.status is InvocationStatus.SUCCEEDED
    assert payload(result.result)["failed"] == []
    assert calls.count("a") == 3


@pytest.mark.parametrize(
    "event", [{}, {"batch_id": "b", "items": []}, {"batch_id": "b", "items": [{"value": 1}]}]
)
def test_invalid_batch_fails_before_processing(runner, event):
    result = run(runner, event)

    assert result.status is InvocationStatus.FAILED
    assert "process-items" not in [op.name for op in result.operations]
