"""Regenerate the execution-history fixtures of ``cdk-durable diagnose`` from real runs.

Each scenario runs a real handler (``tests/diagnose/handlers/``) on the testing SDK's local runner,
serves that runner's executor through the testing SDK's own HTTP emulator (``WebServer``: the
service's routes and JSON), and reads the history back with boto3's ``lambda`` client, exactly as
``aws lambda get-durable-execution-history --include-execution-data`` would. Files written to
``tests/diagnose/fixtures/``:

- ``<scenario>.history.json``   - the history as the AWS CLI prints it (ISO 8601 timestamps);
- ``<scenario>.execution.json`` - ``get-durable-execution`` for the same execution;
- ``callback_pending.history.wire.json`` - the raw HTTP body of the history call (epoch-second
  timestamps, as the service sends them), so both timestamp forms are covered.

Run: ``.venv/bin/python -m tests.diagnose.make_fixtures`` (about 12 seconds; two scenarios wait for
real timeouts of 1 and 2 seconds).
"""

from __future__ import annotations

import json
import logging
import threading
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
from aws_durable_execution_sdk_python.lambda_service import ErrorObject
from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner
from aws_durable_execution_sdk_python_testing.web.server import WebServer, WebServiceConfig

from tests.diagnose.handlers import approval, charge, reminder, report, shipping, signup

FIXTURES = Path(__file__).resolve().parent / "fixtures"
POLL = 0.005


@dataclass(frozen=True)
class Capture:
    history: dict[str, Any]
    execution: dict[str, Any]
    wire_history: bytes


@contextmanager
def _served(runner: DurableFunctionTestRunner) -> Iterator[tuple[Any, str]]:
    """The runner's executor behind the testing SDK's HTTP emulator, and a boto3 client for it."""
    # The runner does not expose its executor; the emulator's WebServer needs it.
    server = WebServer(
        WebServiceConfig(host="127.0.0.1", port=0, log_level=logging.WARNING), runner._executor
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "lambda",
        endpoint_url=endpoint,
        region_name="us-west-2",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    try:
        yield client, endpoint
    finally:
        server.shutdown()
        server.server_close()


def _capture(
    runner: DurableFunctionTestRunner, arn: str, before: Callable[[Any], None] | None = None
) -> Capture:
    """Read the history back through the emulator; ``before(client)`` runs first (e.g. a stop call)."""
    with _served(runner) as (client, endpoint):
        if before is not None:
            before(client)
            runner.wait_for_result(arn, timeout=30)
        events: list[dict[str, Any]] = []
        for page in client.get_paginator("get_durable_execution_history").paginate(
            DurableExecutionArn=arn, IncludeExecutionData=True
        ):
            events.extend(page["Events"])
        execution = client.get_durable_execution(DurableExecutionArn=arn)
        execution.pop("ResponseMetadata", None)
        url = (
            f"{endpoint}/2025-12-01/durable-executions/{urllib.parse.quote(arn, safe='')}/history"
            "?IncludeExecutionData=true"
        )
        with urllib.request.urlopen(url) as response:
            wire = response.read()
    return Capture({"Events": events}, execution, wire)


def _runner(handler: Callable[..., Any], *, skip_time: bool = True) -> DurableFunctionTestRunner:
    return DurableFunctionTestRunner(handler=handler, poll_interval=POLL, skip_time=skip_time)


def _start(runner: DurableFunctionTestRunner, name: str, timeout: int, payload: Any) -> str:
    return runner.run_async(
        input=json.dumps(payload), execution_timeout=timeout, function_name="orders", execution_name=name
    )


def callback_pending() -> Capture:
    """Waiting for a manager's approval (never sent): RUNNING with one pending callback."""
    with _runner(approval.handler) as runner:
        arn = _start(runner, "order-1001", 86_400, {"order": "o-1001"})
        runner.wait_for_callback(arn, name="manager-approval", timeout=30)
        _settle(runner, arn, "notify-manager")
        return _capture(runner, arn)


def succeeded() -> Capture:
    """The same workflow with the approval answered: SUCCEEDED, a wait, a callback, five steps."""
    with _runner(approval.handler) as runner:
        arn = _start(runner, "order-1002", 86_400, {"order": "o-1002"})
        callback_id = runner.wait_for_callback(arn, name="manager-approval", timeout=30)
        runner.send_callback_success(callback_id, result=json.dumps({"approved": True}).encode())
        runner.wait_for_result(arn, timeout=30)
        return _capture(runner, arn)


def retries_exhausted() -> Capture:
    """``charge-card`` raises on every attempt: three attempts, then the execution FAILED."""
    with _runner(charge.handler) as runner:
        arn = _start(runner, "order-1003", 3_600, {"order": "o-1003"})
        runner.wait_for_result(arn, timeout=30)
        return _capture(runner, arn)


def timed_out() -> Capture:
    """Nobody answers the approval and the execution timeout (2 s, real clock) ends it: TIMED_OUT."""
    with _runner(approval.handler, skip_time=False) as runner:
        arn = _start(runner, "order-1004", 2, {"order": "o-1004"})
        runner.wait_for_result(arn, timeout=30)
        return _capture(runner, arn)


def wait_pending() -> Capture:
    """A seven-day wait in progress (real clock, so the wait stays pending): RUNNING."""
    with _runner(reminder.handler, skip_time=False) as runner:
        arn = _start(runner, "reminder-42", 30 * 86_400, {"user": "u-42"})
        _settle(runner, arn, "wait-one-week")
        return _capture(runner, arn)


def payload_near_limit() -> Capture:
    """A 240 KB step result (the SDK checkpoints up to 256 KB inline): SUCCEEDED."""
    with _runner(report.handler) as runner:
        arn = _start(runner, "report-7", 3_600, {"report": "monthly"})
        runner.wait_for_result(arn, timeout=30)
        return _capture(runner, arn)


def wait_for_callback_pending() -> Capture:
    """``wait_for_callback`` (a child context holding the callback and its submitter step), unanswered."""
    with _runner(signup.handler) as runner:
        arn = _start(runner, "signup-7", 7 * 86_400, {"email": "ada@example.com"})
        runner.wait_for_callback(arn, timeout=30)
        _settle(runner, arn, "email-confirmation")
        return _capture(runner, arn)


def callback_failed() -> Capture:
    """The courier answers with send-durable-execution-callback-failure: FAILED."""
    with _runner(shipping.handler, skip_time=False) as runner:
        arn = _start(runner, "ship-1", 3_600, {"mode": "callback", "order": "o-1"})
        callback_id = runner.wait_for_callback(arn, name="courier-pickup", timeout=30)
        runner.send_callback_failure(
            callback_id,
            ErrorObject(
                message="no courier available", type="CourierUnavailable", data=None, stack_trace=None
            ),
        )
        runner.wait_for_result(arn, timeout=30)
        return _capture(runner, arn)


def callback_timed_out() -> Capture:
    """Nobody answers the courier callback within its 1-second timeout (real clock): FAILED."""
    with _runner(shipping.handler, skip_time=False) as runner:
        arn = _start(runner, "ship-2", 3_600, {"mode": "callback", "order": "o-2"})
        runner.wait_for_result(arn, timeout=30)
        return _capture(runner, arn)


def step_failed() -> Capture:
    """``validate-address`` fails once with a one-attempt retry strategy: FAILED."""
    with _runner(shipping.handler) as runner:
        arn = _start(runner, "ship-3", 3_600, {"mode": "address", "order": "o-3"})
        runner.wait_for_result(arn, timeout=30)
        return _capture(runner, arn)


def invoke_failed() -> Capture:
    """A chained invoke of ``label-printer`` (a plain function that raises): FAILED."""
    with _runner(shipping.handler) as runner:
        runner.register_function("label-printer", shipping.label_printer)
        arn = _start(runner, "ship-4", 3_600, {"mode": "invoke", "order": "o-4"})
        runner.wait_for_result(arn, timeout=30)
        return _capture(runner, arn)


def stopped() -> Capture:
    """The approval workflow stopped with StopDurableExecution while it waits: STOPPED."""
    with _runner(approval.handler) as runner:
        arn = _start(runner, "order-1005", 86_400, {"order": "o-1005"})
        runner.wait_for_callback(arn, name="manager-approval", timeout=30)
        _settle(runner, arn, "notify-manager")

        def stop(client: Any) -> None:
            client.stop_durable_execution(
                DurableExecutionArn=arn,
                Error={"ErrorType": "OrderCancelled", "ErrorMessage": "customer cancelled the order"},
            )

        return _capture(runner, arn, before=stop)


def _settle(runner: DurableFunctionTestRunner, arn: str, operation_name: str, timeout: float = 30) -> None:
    """Poll the history until ``operation_name`` has started and the invocation has ended."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = runner.get_execution_history(arn).events
        names = {e.name for e in events}
        if operation_name in names and any(e.event_type == "InvocationCompleted" for e in events):
            return
        time.sleep(POLL)
    raise TimeoutError(f"{operation_name!r} did not start within {timeout}s")


SCENARIOS: dict[str, Callable[[], Capture]] = {
    "callback_pending": callback_pending,
    "succeeded": succeeded,
    "retries_exhausted": retries_exhausted,
    "timed_out": timed_out,
    "wait_pending": wait_pending,
    "payload_near_limit": payload_near_limit,
    "wait_for_callback_pending": wait_for_callback_pending,
    "callback_failed": callback_failed,
    "callback_timed_out": callback_timed_out,
    "step_failed": step_failed,
    "invoke_failed": invoke_failed,
    "stopped": stopped,
}


def _cli_json(data: Any) -> str:
    """JSON as the AWS CLI v2 prints it: timestamps in ISO 8601."""

    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat()
        raise TypeError(f"unexpected {type(value).__name__} in an API response")

    return json.dumps(data, indent=4, default=default) + "\n"


def main() -> None:
    logging.disable(logging.CRITICAL)  # the runner logs every handler failure with a traceback
    FIXTURES.mkdir(exist_ok=True)
    for name, scenario in SCENARIOS.items():
        captured = scenario()
        (FIXTURES / f"{name}.history.json").write_text(_cli_json(captured.history))
        (FIXTURES / f"{name}.execution.json").write_text(_cli_json(captured.execution))
        if name == "callback_pending":
            wire = json.loads(captured.wire_history)
            (FIXTURES / f"{name}.history.wire.json").write_text(json.dumps(wire, indent=4) + "\n")
        print(f"{name}: {len(captured.history['Events'])} events, status {captured.execution['Status']}")


if __name__ == "__main__":
    main()
