"""Each use of the testing SDK's internals (``cdk_durable.local_run._sdk``) against the installed SDK.

An SDK release that renames or reshapes one of them fails here, by name, and not in the middle of
``cdk-durable run`` or ``serve``.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from cdk_durable.local_run import _sdk
from cdk_durable.local_run.inputs import load_handler

HANDLERS = Path(__file__).parent / "handlers"
CALLBACKS = HANDLERS / "callbacks.py"


@pytest.fixture
def runner() -> Any:
    from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

    with DurableFunctionTestRunner(
        handler=load_handler(f"{CALLBACKS}:handler"), skip_time=True, poll_interval=0.005
    ) as test_runner:
        yield test_runner


def _callback_started(runner: Any, arn: str) -> dict[str, Any]:
    for _ in range(3000):  # bounded: at most ~30 s of 10 ms pauses, enough on a loaded machine
        events, _marker = _sdk.history_page(runner, arn, None, 1000)
        started = [e for e in events if e["EventType"] == "CallbackStarted"]
        if started:
            return started[0]
        _sdk.probe(runner, arn)
        time.sleep(0.01)
    raise AssertionError("no callback started")


def test_clock_executor_store_and_history(runner: Any) -> None:
    arn = runner.run_async(input=json.dumps({"callbacks": ["review"]}), execution_timeout=86400)
    assert isinstance(_sdk.now(runner), datetime)
    started = _callback_started(runner, arn)
    seq, invocations, complete = _sdk.probe(runner, arn)
    assert isinstance(seq, int) and isinstance(invocations, int) and complete is False
    options, scanned = _sdk.callback_options(runner, arn, 0)
    assert scanned >= 1 and options[started["Id"]] == (8 * 3600, 0)  # the review's 8-hour timeout
    deadlines = list(_sdk.running_deadlines(runner))
    assert [(a, t) for _, a, t in deadlines] == [(arn, 86400)]
    # skip to the callback's timeout and fire it through the executor's own handler
    _sdk.skip_to(runner, _sdk.now(runner) + timedelta(hours=8))
    _sdk.fire_callback_timeout(runner, arn, started["CallbackStartedDetails"]["CallbackId"], heartbeat=False)
    result = runner.wait_for_result(arn, timeout=60)
    assert result.status.name == "SUCCEEDED"
    assert [i.request_id for i in _sdk.invocations(runner, arn)]  # invocation records, with request ids
    events, marker = _sdk.history_page(runner, arn, None, 1000)
    assert marker is None and any(e["EventType"] == "CallbackTimedOut" for e in events)


def test_handler_swap_retry_backoff_and_clock_wrap(runner: Any) -> None:
    calls: list[str] = []
    _sdk.set_main_handler(runner, lambda event, context: calls.append("swapped"))
    _sdk.no_retry_backoff(runner)
    assert _sdk.executor(runner).RETRY_BACKOFF_SECONDS == 0
    seen: list[datetime] = []

    def wrapper(original: Any, wake: datetime) -> float:
        seen.append(wake)
        return float(original(wake))

    _sdk.wrap_clock_arm(runner, wrapper)
    when = _sdk.now(runner) + timedelta(days=1)
    _sdk.skip_to(runner, when)
    assert seen == [when]
    assert _sdk.store(runner).list_all() == []


def test_the_request_handler_hooks_serve_overrides_exist() -> None:
    base = _sdk.request_handler_base()
    assert all(callable(getattr(base, name)) for name in _sdk.REQUEST_HANDLER_HOOKS)


def test_a_missing_internal_is_named() -> None:
    with pytest.raises(_sdk.SdkChangedError, match="'_executor'"):
        _sdk.executor(object())


def test_web_runner_internals(tmp_path: Path) -> None:
    """What serve uses: the web server, the store, re-arming an execution read back from disk."""
    from cdk_durable.serve.service import Service

    from ..serve.conftest import free_port

    service = Service([], port=free_port(), state_dir=tmp_path, skip_time=True, log=lambda line: None)
    service.start()
    try:
        assert _sdk.web_server(service._web).service is service
        assert _sdk.store(service._web).list_all() == []
        assert service.resume() == []
        with pytest.raises(Exception, match=r"missing|not found|Execution"):
            _sdk.rearm_execution(service._web, "missing")
        assert _sdk.completion_event(service._web, "missing") is None
    finally:
        service.close()
