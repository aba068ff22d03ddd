"""The diagnosis's finding codes: one :class:`~cdk_durable.rule_info.RuleInfo` each.

A diagnosis's ``Finding.code`` is always one of these (``Finding`` refuses an unregistered code);
``docs/diagnose.md`` has one row per code, with its anchor (``tests/diagnose/test_codes.py`` keeps
them equal). The severity here is the usual one; a finding may carry another
(``operations-near-limit`` is an error at 100 %).
"""

from __future__ import annotations

from typing import Final

from ..rule_info import RuleInfo, Severity, docs_link, register

DOCS_PAGE: Final = "docs/diagnose.md"


def _code(code: str, severity: Severity, summary: str, fix: str) -> RuleInfo:
    return RuleInfo(
        code=code, name=code, severity=severity, summary=summary, fix=fix, docs=docs_link(DOCS_PAGE, code)
    )


STUCK_IN_CALLBACK: Final = _code(
    "stuck-in-callback",
    Severity.WARNING,
    (
        "a callback was created and nobody has answered it; shows its age and the time left before "
        "the first deadline (the callback's own `Timeout` if the history has it, else the execution"
        " timeout)"
    ),
    (
        "run the printed `send-durable-execution-callback-success` (or `-failure`) command; check "
        "that the outside system got the callback id (the operation after the callback usually "
        "sends it)"
    ),
)
CALLBACK_TIMED_OUT: Final = _code(
    "callback-timed-out",
    Severity.ERROR,
    "a callback's timeout passed before an answer",
    (
        "check the receiver and its `SendDurableExecutionCallback*` permission on `<function "
        "ARN>:*`; use heartbeats for long tasks"
    ),
)
CALLBACK_FAILED: Final = _code(
    "callback-failed",
    Severity.ERROR,
    "the outside system answered with `send-durable-execution-callback-failure`",
    "look at the error it sent",
)
RETRIES_EXHAUSTED: Final = _code(
    "retries-exhausted",
    Severity.ERROR,
    "a step failed on every attempt its retry strategy allowed; shows attempts and the last error",
    (
        "fix the cause; for transient errors allow more attempts/backoff; for permanent ones stop "
        "retrying them; start a new execution"
    ),
)
STEP_FAILED: Final = _code(
    "step-failed",
    Severity.ERROR,
    "a step failed on its first attempt and was not retried",
    "fix the cause or give the step a retry strategy",
)
STEP_RETRYING: Final = _code(
    "step-retrying",
    Severity.WARNING,
    "a step failed and the next attempt is scheduled (execution still running)",
    "watch the next attempt",
)
INVOKE_FAILED: Final = _code(
    "invoke-failed",
    Severity.ERROR,
    "a chained invoke (`context.invoke`) failed, timed out or was stopped",
    "diagnose the child execution",
)
INVOCATION_FAILED: Final = _code(
    "invocation-failed",
    Severity.WARNING,
    (
        "an invocation ended with an error (`InvocationCompleted` with `Error`, e.g. "
        "`Runtime.ExitError` when the process crashed) and Lambda invoked the execution again"
    ),
    (
        "read the error and the function's logs (memory, timeout, `os._exit`, native crashes); the "
        "execution replays from its checkpoints, so only work outside steps repeats"
    ),
)
EXECUTION_FAILED: Final = _code(
    "execution-failed",
    Severity.ERROR,
    "the handler raised outside any step",
    "read the error and logs; put code that can fail into steps",
)
EXECUTION_TIMED_OUT: Final = _code(
    "execution-timed-out",
    Severity.ERROR,
    "the execution hit its `ExecutionTimeout`; lists what was still open",
    "raise the timeout for new executions, give callbacks their own shorter timeout",
)
EXECUTION_TIMEOUT_NEAR: Final = _code(
    "execution-timeout-near",
    Severity.WARNING,
    "a running execution has less than 10 % of its `ExecutionTimeout` left",
    "answer what it waits for now",
)
EXECUTION_TIMEOUT_OVER: Final = _code(
    "execution-timeout-over",
    Severity.ERROR,
    "the timeout has passed but the execution is still reported running",
    "fetch again: the data is stale or the timeout is being applied",
)
WAIT_PENDING: Final = _code(
    "wait-pending",
    Severity.INFO,
    "a `context.wait` is in progress; shows when it resumes",
    "nothing: the execution is suspended",
)
WAIT_OUTLIVES_EXECUTION: Final = _code(
    "wait-outlives-execution",
    Severity.ERROR,
    "a pending wait ends after the execution's timeout: it will time out first",
    "shorten the wait or raise the timeout",
)
PAYLOAD_NEAR_LIMIT: Final = _code(
    "payload-near-limit",
    Severity.WARNING,
    "a payload is at 80 % or more of its limit (over 100 % is an error)",
    "keep large data out of checkpoints (store it, return a reference)",
)
PAYLOAD_OVER_LIMIT: Final = _code(
    "payload-over-limit",
    Severity.ERROR,
    "a payload is at 80 % or more of its limit (over 100 % is an error)",
    "keep large data out of checkpoints (store it, return a reference)",
)
STEP_RESULT_OVER_BATCH: Final = _code(
    "step-result-over-batch",
    Severity.WARNING,
    (
        "a step result is larger than the Python SDK's 750 KB checkpoint batch: with "
        "aws-durable-execution-sdk-python 3.0.0 each invocation that produces it waits until its "
        "timeout before the replay checkpoints it"
    ),
    "store the result (S3, DynamoDB) and return a reference",
)
OPERATIONS_NEAR_LIMIT: Final = _code(
    "operations-near-limit",
    Severity.WARNING,
    "80 % or more of the 3,000 operations per execution",
    "batch work into fewer steps or continue in a new execution",
)
EXECUTION_PAUSED: Final = _code(
    "execution-paused",
    Severity.WARNING,
    (
        "the execution is paused (`ExecutionPaused` event or `PAUSED`/`PAUSING` status); says "
        "whether its timeout is paused too"
    ),
    "resume it when ready",
)
EXECUTION_STOPPED: Final = _code(
    "execution-stopped",
    Severity.WARNING,
    "stopped with `StopDurableExecution`",
    "start a new execution if needed",
)
RUNNING: Final = _code(
    "running",
    Severity.INFO,
    "running and waiting on nothing the history shows: an invocation is probably in progress",
    "check the logs, fetch again",
)
SUCCEEDED: Final = _code(
    "succeeded",
    Severity.OK,
    "the execution succeeded; duration, operations, invocations",
    "\u2014",
)

#: Every code, in the order docs/diagnose.md lists them.
CODES: Final[tuple[RuleInfo, ...]] = (
    STUCK_IN_CALLBACK,
    CALLBACK_TIMED_OUT,
    CALLBACK_FAILED,
    RETRIES_EXHAUSTED,
    STEP_FAILED,
    STEP_RETRYING,
    INVOKE_FAILED,
    INVOCATION_FAILED,
    EXECUTION_FAILED,
    EXECUTION_TIMED_OUT,
    EXECUTION_TIMEOUT_NEAR,
    EXECUTION_TIMEOUT_OVER,
    WAIT_PENDING,
    WAIT_OUTLIVES_EXECUTION,
    PAYLOAD_NEAR_LIMIT,
    PAYLOAD_OVER_LIMIT,
    STEP_RESULT_OVER_BATCH,
    OPERATIONS_NEAR_LIMIT,
    EXECUTION_PAUSED,
    EXECUTION_STOPPED,
    RUNNING,
    SUCCEEDED,
)
CODES_BY_NAME: Final = register("diagnosis", r"[a-z]+(-[a-z]+)*", CODES)
