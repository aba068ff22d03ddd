"""hello: happy path and invalid input, asserted through the operations by name."""

from __future__ import annotations

from aws_durable_execution_sdk_python.execution import InvocationStatus

import app
from conftest import payload, run, step_result


def test_greets_waits_and_says_goodbye(runner):
    result = run(runner, {"name": "Ada"})

    assert result.status is InvocationStatus.SUCCEEDED
    assert payload(result.result) == {"greeting": "Hello, Ada!", "farewell": "Goodbye, Ada!"}
    assert step_result(result, "validate-input") == "Ada"
    assert step_result(result, "make-greeting") == "Hello, Ada!"
    wait = result.get_wait("pause")
    assert wait.scheduled_end_timestamp is not None
    assert (wait.scheduled_end_timestamp - wait.start_timestamp).total_seconds() >= app.PAUSE.seconds - 1


def test_defaults_to_world(runner):
    result = run(runner, {})

    assert result.status is InvocationStatus.SUCCEEDED
    assert payload(result.result)["greeting"] == "Hello, World!"


def test_invalid_name_fails_without_retrying(runner):
    result = run(runner, {"name": "   "})

    assert result.status is InvocationStatus.FAILED
    assert "name must be a non-empty string" in result.error.message
    step = result.get_step("validate-input")
    assert step.attempt <= 1
    names = [op.name for op in result.operations]
    assert "make-greeting" not in names
