"""The handler runs on the durable testing SDK's in-process runner.

``skip_time=True`` turns durable waits, retry delays and callback timeouts into instant steps;
a small ``poll_interval`` keeps each callback round trip in milliseconds instead of a second.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_durable_execution_sdk_python.serdes import EXTENDED_TYPES_SERDES
from aws_durable_execution_sdk_python_testing.runner import (
    ContextOperation,
    DurableFunctionTestResult,
    DurableFunctionTestRunner,
)

import app

POLL_INTERVAL_SECONDS = 0.005
#: Real seconds a test waits for an execution or a callback before failing.
EXECUTION_TIMEOUT_SECONDS = 30


@pytest.fixture
def runner() -> Iterator[DurableFunctionTestRunner]:
    with DurableFunctionTestRunner(
        handler=app.handler, skip_time=True, poll_interval=POLL_INTERVAL_SECONDS
    ) as test_runner:
        yield test_runner


def run(runner: DurableFunctionTestRunner, event: dict[str, Any]) -> DurableFunctionTestResult:
    """Run one execution to completion with ``event`` as its input."""
    return runner.run(input=json.dumps(event), execution_timeout=EXECUTION_TIMEOUT_SECONDS)


def start(runner: DurableFunctionTestRunner, event: dict[str, Any]) -> str:
    """Start an execution and return its ARN (for tests that answer callbacks)."""
    return runner.run_async(input=json.dumps(event), execution_timeout=EXECUTION_TIMEOUT_SECONDS)


def callback_id(runner: DurableFunctionTestRunner, execution_arn: str, name: str) -> str:
    """The id of the callback that ``context.wait_for_callback(..., name=name)`` created.

    ``wait_for_callback`` runs in a child context named ``name``; the callback inside it is named
    ``"<name> create callback id"``.
    """
    return runner.wait_for_callback(execution_arn, name=f"{name} create callback id", timeout=10)


def finish(runner: DurableFunctionTestRunner, execution_arn: str) -> DurableFunctionTestResult:
    return runner.wait_for_result(execution_arn, timeout=EXECUTION_TIMEOUT_SECONDS)


def payload(raw: str | None) -> Any:
    """Decode the execution's result (JSON text)."""
    assert raw is not None
    return json.loads(raw)


def step_result(result: DurableFunctionTestResult | ContextOperation, name: str) -> Any:
    """Decode the checkpointed result of the step called ``name``.

    Steps checkpoint through the SDK's serializer, which wraps non-primitive values in a typed
    envelope; decode with the same serializer.
    """
    raw = result.get_step(name).result
    assert raw is not None, f"step {name!r} has no result"
    return EXTENDED_TYPES_SERDES.deserialize(raw)
