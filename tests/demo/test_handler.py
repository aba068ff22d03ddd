"""The triage workflow on the durable testing SDK's runner: every path, operations found by name.

Each callback suspends the execution and each answer resumes it with a new invocation, so every
test here replays the handler from its checkpoints (``test_replay_*`` asserts it explicitly).
"""

from __future__ import annotations

import json
from typing import Any

from aws_durable_execution_sdk_python.execution import InvocationStatus
from aws_durable_execution_sdk_python.lambda_service import ErrorObject, OperationStatus
from aws_durable_execution_sdk_python_testing.runner import (
    DurableFunctionTestResult,
    DurableFunctionTestRunner,
)

from cdk_durable.local_run import expire_callback
from demo.handler.triage import analyzer
from demo.handler.triage.app import handler

from .conftest import POLL_INTERVAL, StubBedrock, load_event, throttling

APPROVE = {"approved": True, "agentNotes": "ok"}


def start(runner: DurableFunctionTestRunner, event: Any) -> str:
    return runner.run_async(input=json.dumps(event), execution_timeout=600)


def callback_id(runner: DurableFunctionTestRunner, arn: str, name: str) -> str:
    # wait_for_callback(name="agent-review") records its callback as "agent-review create callback id".
    return runner.wait_for_callback(arn, name=f"{name} create callback id", timeout=10)


def answer(runner: DurableFunctionTestRunner, arn: str, name: str, payload: dict[str, Any]) -> None:
    runner.send_callback_success(callback_id(runner, arn, name), result=json.dumps(payload).encode())


def time_out(runner: DurableFunctionTestRunner, arn: str, name: str) -> None:
    expire_callback(runner, arn, callback_id(runner, arn, name))


def finish(runner: DurableFunctionTestRunner, arn: str) -> DurableFunctionTestResult:
    return runner.wait_for_result(arn, timeout=30)


def output(result: DurableFunctionTestResult) -> dict[str, Any]:
    assert result.status is InvocationStatus.SUCCEEDED, result.error
    assert result.result is not None
    return json.loads(result.result)  # type: ignore[no-any-return]


def invocations(runner: DurableFunctionTestRunner, arn: str) -> int:
    return sum(e.event_type == "InvocationCompleted" for e in runner.get_execution_history(arn).events)


def review_callback(result: DurableFunctionTestResult, name: str) -> Any:
    return result.get_context(name).get_callback(f"{name} create callback id")


def assert_closed_out(result: DurableFunctionTestResult) -> None:
    close_out = result.get_context("close-out")
    assert close_out.status is OperationStatus.SUCCEEDED
    assert close_out.get_context("send-reply").get_step("send-reply").status is OperationStatus.SUCCEEDED
    assert close_out.get_context("send-survey").get_step("send-survey").status is OperationStatus.SUCCEEDED


# --- the eight scenarios ---------------------------------------------------------------------------


def test_standard_resolution(runner: DurableFunctionTestRunner) -> None:
    # Given a pro-tier billing ticket
    arn = start(runner, load_event("standard"))
    # When the agent approves with an edited response
    answer(runner, arn, "agent-review", {"approved": True, "editedResponse": "Refunded."})
    result = finish(runner, arn)
    # Then the ticket is resolved with the agent's text, and both close-out branches ran
    assert output(result) == {
        "status": "resolved",
        "ticketId": "TKT-001",
        "category": "billing",
        "priority": "medium",
        "finalResponse": "Refunded.",
    }
    assert result.get_step("analyze-ticket").status is OperationStatus.SUCCEEDED
    assert review_callback(result, "agent-review").status is OperationStatus.SUCCEEDED
    assert_closed_out(result)
    names = {op.name for op in result.get_all_operations()}
    assert "specialist-review" not in names


def test_escalation_with_specialist_review(runner: DurableFunctionTestRunner) -> None:
    arn = start(runner, load_event("escalation"))  # enterprise tier, data loss
    answer(runner, arn, "agent-review", APPROVE)
    answer(runner, arn, "specialist-review", {"approved": True, "editedResponse": "Restored from backup."})
    result = finish(runner, arn)

    assert output(result)["status"] == "escalated"
    assert output(result)["category"] == "data_loss"
    assert output(result)["priority"] == "urgent"
    assert output(result)["finalResponse"] == "Restored from backup."
    assert review_callback(result, "specialist-review").status is OperationStatus.SUCCEEDED
    assert_closed_out(result)


def test_agent_rejection_skips_close_out(runner: DurableFunctionTestRunner) -> None:
    arn = start(runner, load_event("rejection"))
    answer(runner, arn, "agent-review", {"approved": False, "agentNotes": "not a support case"})
    result = finish(runner, arn)

    assert output(result) == {
        "status": "rejected",
        "ticketId": "TKT-003",
        "category": "feature_request",
        "priority": "low",
        "finalResponse": None,
    }
    names = {op.name for op in result.get_all_operations()}
    assert "close-out" not in names and "send-reply" not in names


def test_specialist_rejection(runner: DurableFunctionTestRunner) -> None:
    arn = start(runner, load_event("escalation"))
    answer(runner, arn, "agent-review", APPROVE)
    answer(runner, arn, "specialist-review", {"approved": False})
    assert output(finish(runner, arn))["status"] == "rejected"


def test_callback_failure_fails_the_execution(runner: DurableFunctionTestRunner) -> None:
    # Given the review tool reports a failure instead of an answer
    arn = start(runner, load_event("standard"))
    runner.send_callback_failure(
        callback_id(runner, arn, "agent-review"),
        error=ErrorObject(message="review tool crashed", type="ReviewFailed", data=None, stack_trace=None),
    )
    result = finish(runner, arn)
    # Then the execution fails (the ops status rule sees FAILED) with the reviewer's message
    assert result.status is InvocationStatus.FAILED
    assert result.error is not None
    assert result.error.message == "review tool crashed"
    assert result.error.type is not None and result.error.type.endswith("CallbackExternalError")
    assert review_callback(result, "agent-review").status is OperationStatus.FAILED


def test_malformed_review_answer_fails_with_the_field_named(runner: DurableFunctionTestRunner) -> None:
    arn = start(runner, load_event("standard"))
    runner.send_callback_success(callback_id(runner, arn, "agent-review"), result=b'{"approved": "yes"}')
    result = finish(runner, arn)
    assert result.status is InvocationStatus.FAILED
    assert result.error is not None
    assert result.error.message == "agent-review answer field approved must be true or false, got 'yes'"


def test_callback_timeout_requeues_then_resolves(runner: DurableFunctionTestRunner) -> None:
    # Given nobody answers agent-review within 8 hours
    arn = start(runner, load_event("standard"))
    time_out(runner, arn, "agent-review")
    # When the re-queued review is answered
    answer(runner, arn, "agent-review-requeue", APPROVE)
    result = finish(runner, arn)
    # Then the workflow did not crash: re-queued once, then resolved
    assert output(result)["status"] == "resolved"
    assert review_callback(result, "agent-review").status is OperationStatus.TIMED_OUT
    assert review_callback(result, "agent-review-requeue").status is OperationStatus.SUCCEEDED
    assert_closed_out(result)


def test_callback_timeout_twice_escalates(runner: DurableFunctionTestRunner) -> None:
    arn = start(runner, load_event("standard"))  # not an escalation case by itself
    time_out(runner, arn, "agent-review")
    time_out(runner, arn, "agent-review-requeue")
    answer(runner, arn, "specialist-review", APPROVE)
    result = finish(runner, arn)
    assert output(result)["status"] == "escalated"
    assert review_callback(result, "specialist-review").status is OperationStatus.SUCCEEDED


def test_specialist_timeout_leaves_ticket_escalated(runner: DurableFunctionTestRunner) -> None:
    arn = start(runner, load_event("escalation"))
    answer(runner, arn, "agent-review", APPROVE)
    time_out(runner, arn, "specialist-review")
    result = finish(runner, arn)
    assert output(result)["status"] == "escalated"
    assert output(result)["finalResponse"] is None
    assert "close-out" not in {op.name for op in result.get_all_operations()}


FENCED_ANSWER = """```json
{"category": "billing", "priority": "medium", "sentiment": "neutral",
 "suggestedResponse": "We are looking into the duplicate charge.", "needsEscalation": false,
 "escalationReason": null, "summary": "Duplicate charge."}
```"""


def test_bedrock_transient_error_then_success_is_retried(bedrock: type[StubBedrock]) -> None:
    # Given Bedrock throttles once, then answers (in a code fence)
    stub = bedrock(throttling(), FENCED_ANSWER)
    analyzer.use_bedrock_client(stub)
    with DurableFunctionTestRunner(handler=handler, poll_interval=POLL_INTERVAL) as runner:
        arn = start(runner, load_event("standard"))
        answer(runner, arn, "agent-review", APPROVE)
        result = finish(runner, arn)
    # Then the step succeeded on its second attempt, and replays did not call the model again
    assert output(result)["finalResponse"] == "We are looking into the duplicate charge."
    step = result.get_step("analyze-ticket")
    assert step.status is OperationStatus.SUCCEEDED
    assert step.attempt == 2
    assert len(stub.calls) == 2
    assert stub.calls[0]["modelId"] == "us.anthropic.claude-3-5-haiku-20241022-v1:0"
    assert stub.calls[0]["system"][0]["text"].startswith("# Role")


def test_bedrock_garbage_output_fails_without_retry(bedrock: type[StubBedrock]) -> None:
    stub = bedrock("Sorry, I can't help with that ticket.")
    analyzer.use_bedrock_client(stub)
    with DurableFunctionTestRunner(handler=handler, poll_interval=POLL_INTERVAL) as runner:
        result = finish(runner, start(runner, load_event("standard")))
    assert result.status is InvocationStatus.FAILED
    assert result.error is not None and result.error.message is not None
    assert "model output is not a JSON object" in result.error.message
    assert result.get_step("analyze-ticket").status is OperationStatus.FAILED
    assert len(stub.calls) == 1  # garbage is not retried: the prompt, not luck, has to change


def test_bedrock_persistent_throttling_gives_up_after_three_attempts(bedrock: type[StubBedrock]) -> None:
    stub = bedrock(throttling())
    analyzer.use_bedrock_client(stub)
    with DurableFunctionTestRunner(handler=handler, poll_interval=POLL_INTERVAL) as runner:
        result = finish(runner, start(runner, load_event("standard")))
    assert result.status is InvocationStatus.FAILED
    assert len(stub.calls) == 3


def test_malformed_ticket_fails_before_the_first_step(runner: DurableFunctionTestRunner) -> None:
    event = {**load_event("standard"), "customerTier": "gold"}
    result = finish(runner, start(runner, event))
    assert result.status is InvocationStatus.FAILED
    assert result.error is not None
    assert (
        result.error.message
        == "invalid ticket: customerTier must be one of free, pro, enterprise, got 'gold'"
    )
    assert result.error.type is not None and result.error.type.endswith("TicketValidationError")
    assert result.operations == []  # no step ran: the model was never called


# --- replay ----------------------------------------------------------------------------------------


def test_replay_reuses_checkpoints_across_invocations(bedrock: type[StubBedrock]) -> None:
    # Given an escalation: three invocations (start, after agent-review, after specialist-review)
    stub = bedrock(FENCED_ANSWER.replace('"billing"', '"security"'))
    analyzer.use_bedrock_client(stub)
    with DurableFunctionTestRunner(handler=handler, poll_interval=POLL_INTERVAL) as runner:
        arn = start(runner, load_event("standard"))
        answer(runner, arn, "agent-review", APPROVE)
        answer(runner, arn, "specialist-review", APPROVE)
        result = finish(runner, arn)
        count = invocations(runner, arn)
    # Then the handler was replayed, yet the model was called once and each step ran once
    assert count >= 3
    assert len(stub.calls) == 1
    assert output(result)["status"] == "escalated"
    steps = [op for op in result.get_all_operations() if op.name == "analyze-ticket"]
    assert len(steps) == 1 and steps[0].attempt == 1  # type: ignore[attr-defined]


def test_handler_passes_the_replay_model_linter() -> None:
    from cdk_durable.lint import lint_paths

    from .conftest import DEMO_DIR

    assert list(lint_paths([str(DEMO_DIR / "handler")])) == []
