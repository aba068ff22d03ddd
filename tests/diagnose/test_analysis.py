"""The analysis functions on real histories (recorded by ``make_fixtures.py``), one diagnosis per test."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cdk_durable import platform as p
from cdk_durable.diagnose import callback_commands, diagnose_history, format_duration, parse_timestamp

from . import _fixtures as fx


def _codes(diagnosis):  # type: ignore[no-untyped-def]
    return [f.code for f in diagnosis.findings]


def _finding(diagnosis, code):  # type: ignore[no-untyped-def]
    matches = [f for f in diagnosis.findings if f.code == code]
    assert matches, f"no {code} in {_codes(diagnosis)}"
    return matches[0]


# --- stuck in callback -------------------------------------------------------------------------


def test_pending_callback_reports_id_age_time_left_and_the_cli_command() -> None:
    # Given a running execution waiting on 'manager-approval' (execution timeout 1 day)
    history = fx.history("callback_pending")
    callback_id = fx.event(history, "CallbackStarted")["CallbackStartedDetails"]["CallbackId"]
    # When it is diagnosed two hours after the start
    diagnosis = diagnose_history(
        history, fx.execution("callback_pending"), now=fx.at("callback_pending", hours=2)
    )
    # Then the callback is pending with its id, age and the time left before the execution timeout
    [pending] = diagnosis.pending_callbacks
    assert pending.operation.name == "manager-approval"
    assert pending.callback_id == callback_id
    assert timedelta(hours=1, minutes=59) < pending.age <= timedelta(hours=2)
    assert pending.deadline_source == "execution timeout"
    assert pending.deadline == fx.at("callback_pending", days=1)
    assert pending.time_left == timedelta(hours=22)
    assert pending.commands["success"] == (
        f"aws lambda send-durable-execution-callback-success --callback-id {callback_id} "
        "--cli-binary-format raw-in-base64-out --result '<result JSON>' --region us-west-2"
    )
    finding = _finding(diagnosis, "stuck-in-callback")
    assert finding.severity == "warning"
    assert "'manager-approval'" in finding.message and "22h 00m left" in finding.message
    assert any(pending.commands["success"] in step for step in finding.next_steps)
    # the step right after the callback is the one that usually sends the id out
    assert any("'notify-manager'" in step for step in finding.next_steps)
    assert diagnosis.execution.status == "RUNNING"
    assert diagnosis.time_left == timedelta(hours=22)


def test_callback_timeout_from_the_service_bounds_time_left_when_earlier() -> None:
    # Given the same history as the service reports it: CallbackStartedDetails carries Timeout (the
    # emulator leaves it out), here 4 hours as the handler configured
    history = fx.history("callback_pending")
    started = fx.event(history, "CallbackStarted")
    details = started["CallbackStartedDetails"]
    details["Timeout"] = 4 * 3600
    details["HeartbeatTimeout"] = 3600
    # When diagnosed after 1 hour
    now = fx.at("callback_pending", hours=1)
    diagnosis = diagnose_history(history, now=now)
    # Then the callback's own timeout is the deadline
    [pending] = diagnosis.pending_callbacks
    assert pending.deadline_source == "callback timeout"
    callback_start = parse_timestamp(started["EventTimestamp"], where="test")
    assert pending.deadline == callback_start + timedelta(hours=4)
    assert pending.time_left == callback_start + timedelta(hours=4) - now
    assert pending.operation.heartbeat_timeout_seconds == 3600


def test_callback_result_option_is_quoted_into_the_command() -> None:
    commands = callback_commands("AbC+/=", region="eu-west-1", result='{"approved": true}')
    assert commands["success"] == (
        "aws lambda send-durable-execution-callback-success --callback-id AbC+/= "
        "--cli-binary-format raw-in-base64-out --result '{\"approved\": true}' --region eu-west-1"
    )
    assert commands["failure"].startswith(
        "aws lambda send-durable-execution-callback-failure --callback-id AbC+/="
    )
    assert commands["heartbeat"] == (
        "aws lambda send-durable-execution-callback-heartbeat --callback-id AbC+/= --region eu-west-1"
    )


def test_no_region_flag_when_no_arn_is_known() -> None:
    diagnosis = diagnose_history(fx.history("callback_pending"), now=fx.at("callback_pending", hours=1))
    assert "--region" not in diagnosis.pending_callbacks[0].commands["success"]


# --- execution timeout -------------------------------------------------------------------------


def test_execution_timeout_near() -> None:
    # 23 h into a 24 h execution timeout: 1 h left, under 10 %
    diagnosis = diagnose_history(fx.history("callback_pending"), now=fx.at("callback_pending", hours=23))
    finding = _finding(diagnosis, "execution-timeout-near")
    assert finding.severity == "warning"
    assert finding.message.startswith("1h 00m left of the ExecutionTimeout (1d 0h)")
    assert "stuck-in-callback" in _codes(diagnosis)


def test_execution_timeout_not_near_with_plenty_left() -> None:
    diagnosis = diagnose_history(fx.history("callback_pending"), now=fx.at("callback_pending", hours=12))
    assert "execution-timeout-near" not in _codes(diagnosis)


def test_execution_timeout_over_while_still_running() -> None:
    diagnosis = diagnose_history(fx.history("callback_pending"), now=fx.at("callback_pending", hours=25))
    finding = _finding(diagnosis, "execution-timeout-over")
    assert finding.severity == "error"
    assert "passed 1h 00m ago" in finding.message


def test_timed_out_execution() -> None:
    # Given an execution that hit its 2-second ExecutionTimeout while waiting on the approval
    diagnosis = diagnose_history(
        fx.history("timed_out"), fx.execution("timed_out"), now=fx.at("timed_out", days=3)
    )
    assert diagnosis.execution.status == "TIMED_OUT"
    finding = diagnosis.findings[0]
    assert finding.code == "execution-timed-out" and finding.severity == "error"
    assert "ExecutionTimeout of 2.0s" in finding.message
    assert "still open: 'manager-approval'" in finding.message
    # a finished execution has no callbacks left to answer, and its duration ends at the timeout
    assert diagnosis.pending_callbacks == []
    assert timedelta(seconds=2) <= diagnosis.duration < timedelta(seconds=3)
    assert str(diagnosis.execution.error) == "Execution timed out after 2 seconds."


# --- retries exhausted -------------------------------------------------------------------------


def test_retries_exhausted_reports_error_and_attempts() -> None:
    diagnosis = diagnose_history(
        fx.history("retries_exhausted"),
        fx.execution("retries_exhausted"),
        now=fx.at("retries_exhausted", hours=1),
    )
    assert diagnosis.execution.status == "FAILED"
    [failed] = diagnosis.failures
    assert failed.name == "charge-card"
    assert failed.attempts == 3
    assert failed.error is not None
    assert failed.error.type == "tests.diagnose.handlers.charge.CardDeclinedError"
    assert failed.error.message == "card declined: insufficient funds"
    assert _codes(diagnosis) == ["retries-exhausted"]
    finding = diagnosis.findings[0]
    assert finding.severity == "error"
    assert finding.message == (
        "step 'charge-card' failed after 3 attempts: "
        "tests.diagnose.handlers.charge.CardDeclinedError: card declined: insufficient funds"
    )
    assert any("max_attempts" in step for step in finding.next_steps)


def test_step_failing_once_then_retry_scheduled_is_retrying_not_exhausted() -> None:
    # Given the retries history cut after the first failed attempt (the service has scheduled a retry)
    history = fx.history("retries_exhausted")
    first_failure = fx.event(history, "StepFailed", "charge-card")
    history["Events"] = history["Events"][: history["Events"].index(first_failure) + 1]
    diagnosis = diagnose_history(history, now=fx.at("retries_exhausted", seconds=1))
    assert diagnosis.execution.status == "RUNNING"
    finding = _finding(diagnosis, "step-retrying")
    delay = first_failure["StepFailedDetails"]["RetryDetails"]["NextAttemptDelaySeconds"]
    assert delay > 0
    assert "failed attempt 1" in finding.message and f"next attempt in {delay:.1f}s" in finding.message
    assert "retries-exhausted" not in _codes(diagnosis)


# --- waits -------------------------------------------------------------------------------------


def test_pending_wait_reports_when_it_resumes() -> None:
    history = fx.history("wait_pending")
    scheduled = fx.event(history, "WaitStarted")["WaitStartedDetails"]["ScheduledEndTimestamp"]
    now = fx.at("wait_pending", days=2)
    diagnosis = diagnose_history(history, fx.execution("wait_pending"), now=now)
    [wait] = diagnosis.pending_waits
    assert wait.operation.name == "wait-one-week"
    assert wait.until == parse_timestamp(scheduled, where="test")
    assert wait.operation.wait_seconds == 7 * 86400
    assert wait.time_left == wait.until - now
    assert timedelta(days=5) <= wait.time_left < timedelta(days=5, seconds=1)
    assert not wait.after_execution_deadline
    finding = _finding(diagnosis, "wait-pending")
    assert finding.severity == "info"
    assert "'wait-one-week'" in finding.message and "(in 5d 0h)" in finding.message


def test_wait_ending_after_the_execution_timeout_is_an_error() -> None:
    # Given the wait history with a 3-day ExecutionTimeout instead of 30 days
    history = fx.history("wait_pending")
    fx.event(history, "ExecutionStarted")["ExecutionStartedDetails"]["ExecutionTimeout"] = 3 * 86400
    diagnosis = diagnose_history(history, now=fx.at("wait_pending", days=1))
    assert diagnosis.pending_waits[0].after_execution_deadline
    assert _finding(diagnosis, "wait-outlives-execution").severity == "error"


# --- payloads and limits -----------------------------------------------------------------------


def test_a_step_result_past_the_sdks_256_kb_threshold_is_within_the_limit() -> None:
    diagnosis = diagnose_history(fx.history("payload_near_limit"), now=fx.at("payload_near_limit", hours=1))
    assert diagnosis.execution.status == "SUCCEEDED"
    assert not [c for c in _codes(diagnosis) if c.startswith("payload")]
    top = diagnosis.payloads[0]
    assert top.limit_bytes == p.OPERATION_PAYLOAD_MAX_BYTES
    assert top.size_bytes == 240 * 1024 + 2  # the JSON string's quotes
    assert "succeeded" in _codes(diagnosis)


def test_payload_near_the_checkpoint_limit() -> None:
    history = fx.history("payload_near_limit")
    result = fx.event(history, "StepSucceeded", "build-report")["StepSucceededDetails"]["Result"]
    result["Payload"] = '"' + "x" * (p.OPERATION_PAYLOAD_MAX_BYTES * 94 // 100) + '"'
    diagnosis = diagnose_history(history, now=fx.at("payload_near_limit", hours=1))
    finding = _finding(diagnosis, "payload-near-limit")
    assert finding.severity == "warning"
    assert finding.message.startswith("step 'build-report' result is 5.6 MB, 94% of the 6.0 MB checkpoint")


def test_payload_over_the_limit_is_an_error() -> None:
    history = fx.history("payload_near_limit")
    result = fx.event(history, "StepSucceeded", "build-report")["StepSucceededDetails"]["Result"]
    result["Payload"] = '"' + "x" * (p.OPERATION_PAYLOAD_MAX_BYTES + 10) + '"'
    diagnosis = diagnose_history(history, now=fx.at("payload_near_limit", hours=1))
    assert _finding(diagnosis, "payload-over-limit").severity == "error"


def test_a_step_result_over_the_python_sdks_batch_size_is_a_warning_below_it_nothing() -> None:
    history = fx.history("payload_near_limit")
    result = fx.event(history, "StepSucceeded", "build-report")["StepSucceededDetails"]["Result"]
    result["Payload"] = '"' + "x" * p.PYTHON_SDK_CHECKPOINT_BATCH_BYTES + '"'
    diagnosis = diagnose_history(history, now=fx.at("payload_near_limit", hours=1))
    finding = _finding(diagnosis, "step-result-over-batch")
    assert finding.severity == "warning"
    assert finding.message.startswith(
        "step 'build-report' result is 750.0 KB, over the Python SDK's 750.0 KB"
    )
    assert "Sandbox.Timedout" in finding.message
    result["Payload"] = '"' + "x" * (p.PYTHON_SDK_CHECKPOINT_BATCH_BYTES - 2) + '"'  # exactly the batch
    diagnosis = diagnose_history(history, now=fx.at("payload_near_limit", hours=1))
    assert "step-result-over-batch" not in _codes(diagnosis)


def test_history_without_execution_data_says_sizes_are_unknown() -> None:
    history = fx.history("payload_near_limit")
    for event in history["Events"]:
        for key, details in event.items():
            if key.endswith("Details") and isinstance(details, dict):
                for member in ("Result", "Input"):
                    if member in details:
                        details[member] = {"Truncated": True}
    diagnosis = diagnose_history(history, now=fx.at("payload_near_limit", hours=1))
    assert not [c for c in _codes(diagnosis) if c.startswith("payload")]
    assert any("--include-execution-data" in note for note in diagnosis.notes)


def test_operation_count_near_the_quota() -> None:
    history = fx.history("succeeded")
    template = fx.event(history, "StepStarted", "ship")
    extra = int(0.85 * p.MAX_OPERATIONS_PER_EXECUTION)
    history["Events"] += [{**template, "Id": f"op-{i}", "Name": f"item-{i}"} for i in range(extra)]
    diagnosis = diagnose_history(history, now=fx.at("succeeded", hours=1))
    assert _finding(diagnosis, "operations-near-limit").severity == "warning"


# --- succeeded, timeline, slowest --------------------------------------------------------------


def test_succeeded_execution_timeline_and_slowest() -> None:
    diagnosis = diagnose_history(
        fx.history("succeeded"), fx.execution("succeeded"), now=fx.at("succeeded", days=9)
    )
    assert _codes(diagnosis) == ["succeeded"]
    assert diagnosis.findings[0].severity == "ok"
    assert diagnosis.pending_callbacks == [] and diagnosis.failures == [] and diagnosis.pending_waits == []
    names = [(e.operation.kind, e.operation.name, e.depth) for e in diagnosis.timeline]
    assert names == [
        ("Step", "validate-order", 0),
        ("Step", "reserve-stock", 0),
        ("Callback", "manager-approval", 0),
        ("Step", "notify-manager", 0),
        ("Wait", "cool-off", 0),
        ("Context", "fulfilment", 0),
        ("Step", "print-label", 1),
        ("Step", "ship", 1),
    ]
    # the 30-second wait is the slowest operation; durations end at the recorded end, not at `now`
    assert diagnosis.slowest[0].operation.name == "cool-off"
    assert timedelta(seconds=30) <= diagnosis.slowest[0].duration < timedelta(seconds=31)
    assert diagnosis.slowest == sorted(diagnosis.slowest, key=lambda e: e.duration, reverse=True)
    assert timedelta(seconds=30) < diagnosis.duration < timedelta(seconds=32)
    assert diagnosis.invocations == 3
    assert diagnosis.execution.name == "order-1002"
    assert diagnosis.execution.function_arn == "arn:aws:lambda:us-west-2:123456789012:function:orders:$LATEST"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.051, "51ms"),
        (2.04, "2.0s"),
        (65, "1m 05s"),
        (3 * 3600 + 300, "3h 05m"),
        (86400 * 2 + 7200, "2d 2h"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text
    assert format_duration(-seconds) == "-" + text


def test_wire_and_cli_forms_give_the_same_diagnosis() -> None:
    # The service sends epoch seconds; the AWS CLI prints ISO 8601. Same execution, same analysis.
    import json

    wire = json.loads((fx.FIXTURES / "callback_pending.history.wire.json").read_text())
    now = fx.at("callback_pending", hours=2)
    from_wire = diagnose_history(wire, now=now)
    from_cli = diagnose_history(fx.history("callback_pending"), now=now)
    assert [f.message for f in from_wire.findings] == [f.message for f in from_cli.findings]
    assert [e.offset for e in from_wire.timeline] == [e.offset for e in from_cli.timeline]


# --- callbacks answered badly, steps without retry, chained invokes, stops ---------------------


def _recorded(name: str, **delta: float):  # type: ignore[no-untyped-def]
    return diagnose_history(fx.history(name), fx.execution(name), now=fx.at(name, **delta))


def test_wait_for_callback_pending_is_nested_in_its_child_context() -> None:
    diagnosis = _recorded("wait_for_callback_pending", hours=5)
    [pending] = diagnosis.pending_callbacks
    # wait_for_callback runs a child context: the callback and its submitter step sit inside it
    assert pending.operation.name == "email-confirmation create callback id"
    by_name = {e.operation.name: e for e in diagnosis.timeline}
    assert by_name["email-confirmation"].operation.kind == "Context" and by_name["email-confirmation"].open
    assert by_name["email-confirmation create callback id"].depth == 1
    assert by_name["email-confirmation submitter"].depth == 1
    finding = _finding(diagnosis, "stuck-in-callback")
    assert any("step 'email-confirmation submitter' (SUCCEEDED)" in step for step in finding.next_steps)
    assert pending.deadline_source == "execution timeout"
    assert timedelta(days=6, hours=18) < pending.time_left <= timedelta(days=6, hours=19)


def test_callback_answered_with_a_failure() -> None:
    diagnosis = _recorded("callback_failed", hours=1)
    assert diagnosis.execution.status == "FAILED"
    finding = diagnosis.findings[0]
    assert (finding.code, finding.severity) == ("callback-failed", "error")
    assert finding.message == (
        "callback 'courier-pickup' was answered with a failure: CourierUnavailable: no courier available"
    )
    assert _codes(diagnosis) == ["callback-failed"]


def test_callback_timed_out() -> None:
    diagnosis = _recorded("callback_timed_out", hours=1)
    finding = diagnosis.findings[0]
    assert (finding.code, finding.severity) == ("callback-timed-out", "error")
    assert finding.message.startswith("callback 'courier-pickup' timed out before anyone answered it")
    [failed] = diagnosis.failures
    assert failed.status == "TIMED_OUT"
    assert timedelta(seconds=1) <= failed.ended - failed.started < timedelta(seconds=2)


def test_step_failed_without_retry() -> None:
    diagnosis = _recorded("step_failed", hours=1)
    assert _codes(diagnosis) == ["step-failed"]
    assert diagnosis.findings[0].message == (
        "step 'validate-address' failed on its first attempt and was not retried: "
        "tests.diagnose.handlers.shipping.InvalidAddressError: address has no postcode"
    )
    assert diagnosis.failures[0].attempts == 1


def test_chained_invoke_failed() -> None:
    diagnosis = _recorded("invoke_failed", hours=1)
    finding = diagnosis.findings[0]
    assert (finding.code, finding.severity) == ("invoke-failed", "error")
    assert (
        finding.message
        == "chained invoke 'print-label' of label-printer ended FAILED: RuntimeError: printer offline"
    )
    assert finding.next_steps == (
        "Read the errors and logs of label-printer (the invoked function raised or timed out).",
    )


def test_chained_invoke_of_a_durable_function_points_at_the_child_execution() -> None:
    history = fx.history("invoke_failed")
    child = "arn:aws:lambda:us-west-2:123456789012:function:label-printer:3/durable-execution/x/y"
    fx.event(history, "ChainedInvokeStarted")["ChainedInvokeStartedDetails"]["DurableExecutionArn"] = child
    diagnosis = diagnose_history(history, now=fx.at("invoke_failed", hours=1))
    assert diagnosis.findings[0].next_steps == (
        f"Diagnose the child execution: cdk-durable diagnose --execution-arn {child}",
    )


def test_stopped_execution() -> None:
    diagnosis = _recorded("stopped", days=2)
    assert diagnosis.execution.status == "STOPPED"
    finding = diagnosis.findings[0]
    assert (finding.code, finding.severity) == ("execution-stopped", "warning")
    assert finding.message.endswith(": Execution stopped by user request")
    # the callback it waited on is reported as never completed, not as pending
    assert diagnosis.pending_callbacks == []
    assert [e.operation.name for e in diagnosis.timeline if e.open] == ["manager-approval"]


def test_paused_execution() -> None:
    # Given the pending-callback history followed by an ExecutionPaused event (shape from the botocore
    # model; the emulator pauses without recording one)
    history = fx.history("callback_pending")
    paused_at = fx.at("callback_pending", hours=1).isoformat()
    history["Events"].append(
        {
            "EventType": "ExecutionPaused",
            "EventId": len(history["Events"]) + 1,
            "EventTimestamp": paused_at,
            "ExecutionPausedDetails": {"PauseRequestTimestamp": paused_at, "ExecutionTimeoutPaused": True},
        }
    )
    diagnosis = diagnose_history(history, now=fx.at("callback_pending", hours=2))
    assert diagnosis.execution.status == "PAUSED"
    finding = _finding(diagnosis, "execution-paused")
    assert finding.severity == "warning"
    assert "its ExecutionTimeout is paused too" in finding.message
    assert "running" not in _codes(diagnosis)
    assert "stuck-in-callback" in _codes(diagnosis)


def test_running_with_an_open_step_and_nothing_to_wait_for() -> None:
    # Given the retries history cut right after a StepStarted: an invocation is running the step
    history = fx.history("retries_exhausted")
    started = fx.event(history, "StepStarted", "charge-card")
    history["Events"] = history["Events"][: history["Events"].index(started) + 1]
    diagnosis = diagnose_history(history, now=fx.at("retries_exhausted", seconds=2))
    finding = _finding(diagnosis, "running")
    assert finding.severity == "info"
    assert finding.message.endswith("(open: 'charge-card')")


def test_printed_cli_commands_match_the_botocore_model() -> None:
    # The AWS CLI derives command and option names from the service model: operation
    # SendDurableExecutionCallbackSuccess -> send-durable-execution-callback-success, member CallbackId
    # -> --callback-id. Check every printed command against the model botocore ships.
    import shlex

    import botocore.session
    from botocore import xform_name

    model = botocore.session.get_session().get_service_model("lambda")
    commands = {xform_name(name, "-"): name for name in model.operation_names}
    for command in callback_commands("AbC=", region="eu-west-1", result="{}").values():
        words = shlex.split(command)
        assert words[:2] == ["aws", "lambda"]
        operation = model.operation_model(commands[words[2]])
        members = {xform_name(m, "-") for m in operation.input_shape.members}
        options = [w[2:] for w in words[3:] if w.startswith("--")]
        global_options = {"region", "cli-binary-format"}
        assert set(options) - global_options <= members, (words[2], options)
        assert "callback-id" in options
        if "result" in options:
            assert operation.input_shape.members["Result"].type_name == "blob"  # hence --cli-binary-format
