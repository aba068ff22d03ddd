"""From a parsed history to a diagnosis: pure functions, no I/O, ``now`` always passed in."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .. import platform as p
from .._history import (
    ErrorInfo,
    ExecutionRecord,
    History,
    Operation,
    add_seconds,
    format_duration,
    parse_history,
)
from ..platform import ExecutionStatus, OperationStatus
from ..rule_info import Finding, Severity
from . import codes

#: A quantity at or above this share of its limit is "near" the limit.
NEAR_LIMIT_RATIO = 0.8
#: A running execution with less than this share of its timeout left is "near" its timeout.
TIMEOUT_NEAR_RATIO = 0.1
SLOWEST_COUNT = 5
RESULT_PLACEHOLDER = "<result JSON>"

SEVERITIES = tuple(Severity)


@dataclass(frozen=True)
class PendingCallback:
    operation: Operation
    callback_id: str
    age: timedelta
    deadline: datetime | None
    deadline_source: str  # "callback timeout" | "execution timeout" | "unknown"
    time_left: timedelta | None
    commands: dict[str, str]


@dataclass(frozen=True)
class PendingWait:
    operation: Operation
    until: datetime | None
    time_left: timedelta | None
    after_execution_deadline: bool


@dataclass(frozen=True)
class PayloadCheck:
    """A payload measured against the platform limit that applies to it."""

    what: str
    size_bytes: int
    limit_bytes: int
    limit_name: str

    @property
    def ratio(self) -> float:
        return self.size_bytes / self.limit_bytes


@dataclass(frozen=True)
class TimelineEntry:
    operation: Operation
    depth: int
    offset: timedelta | None
    duration: timedelta | None
    open: bool


@dataclass
class Diagnosis:
    """Everything ``cdk-durable diagnose`` reports about one execution."""

    execution: ExecutionRecord
    now: datetime
    duration: timedelta
    time_left: timedelta | None
    timeline: list[TimelineEntry]
    pending_callbacks: list[PendingCallback]
    failures: list[Operation]
    pending_waits: list[PendingWait]
    slowest: list[TimelineEntry]
    payloads: list[PayloadCheck]
    findings: list[Finding]
    event_count: int
    invocations: int
    payloads_known: bool
    notes: list[str] = field(default_factory=list)

    @property
    def worst_severity(self) -> str:
        return min((f.severity for f in self.findings), key=SEVERITIES.index, default=Severity.OK)


def format_bytes(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size} B"


_ARN_REGION = re.compile(rf"^arn:{p.ARN_PARTITION_CHARS}:lambda:({p.REGION_CHARS}):")


def region_of(execution: ExecutionRecord) -> str | None:
    """The region in the execution or function ARN, if either is a real ARN."""
    for arn in (execution.arn, execution.function_arn):
        match = _ARN_REGION.match(arn or "")
        if match:
            return match[1]
    return None


def callback_commands(
    callback_id: str, *, region: str | None = None, result: str | None = None
) -> dict[str, str]:
    """The AWS CLI commands that complete (or fail, or heartbeat) a pending callback."""
    base = ["aws", "lambda"]
    tail = ["--region", region] if region else []
    quoted_id = shlex.quote(callback_id)
    success = " ".join(
        [
            *base,
            p.CLI_CALLBACK_SUCCESS,
            "--callback-id",
            quoted_id,
            "--cli-binary-format",
            "raw-in-base64-out",
            "--result",
            shlex.quote(result if result is not None else RESULT_PLACEHOLDER),
            *tail,
        ]
    )
    failure = " ".join(
        [
            *base,
            p.CLI_CALLBACK_FAILURE,
            "--callback-id",
            quoted_id,
            "--error",
            shlex.quote("ErrorType=Rejected,ErrorMessage=<reason>"),
            *tail,
        ]
    )
    heartbeat = " ".join([*base, p.CLI_CALLBACK_HEARTBEAT, "--callback-id", quoted_id, *tail])
    return {"success": success, "failure": failure, "heartbeat": heartbeat}


def diagnose_history(
    history: Any,
    execution: Any = None,
    *,
    now: datetime,
    callback_result: str | None = None,
    source: str = "history",
) -> Diagnosis:
    """Parse ``history`` (and the optional ``GetDurableExecution`` JSON) and diagnose it at ``now``."""
    return analyze(parse_history(history, execution, source=source), now=now, callback_result=callback_result)


def analyze(history: History, *, now: datetime, callback_result: str | None = None) -> Diagnosis:
    """Diagnose a parsed history as of ``now`` (an aware datetime)."""
    execution = history.execution
    assert execution.started is not None  # parse_history guarantees it
    asked = now
    latest = max(history.last_event or execution.started, execution.started)
    if now < latest:  # ages and time left would be negative: measure at the last event instead
        now = latest
    terminal = execution.status.is_terminal
    end = execution.ended if terminal and execution.ended else now
    time_left = execution.deadline - now if execution.deadline and not terminal else None
    timeline = build_timeline(history.operations, execution.started, end)
    pending_callbacks = [] if terminal else find_pending_callbacks(history, now=now, result=callback_result)
    pending_waits = [] if terminal else find_pending_waits(history, now=now)
    failures = [
        op
        for op in history.operations
        if op.status
        in (
            OperationStatus.FAILED,
            OperationStatus.TIMED_OUT,
            OperationStatus.STOPPED,
            OperationStatus.RETRYING,
        )
    ]
    payloads = check_payloads(history)
    diagnosis = Diagnosis(
        execution=execution,
        now=now,
        duration=end - execution.started,
        time_left=time_left,
        timeline=timeline,
        pending_callbacks=pending_callbacks,
        failures=failures,
        pending_waits=pending_waits,
        slowest=slowest(timeline),
        payloads=payloads,
        findings=[],
        event_count=history.event_count,
        invocations=history.invocations,
        payloads_known=any(op.payload_bytes for op in history.operations)
        or execution.input_bytes is not None,
    )
    diagnosis.notes.extend(history.notes)
    if asked < now:
        diagnosis.notes.append(
            f"--now {asked.isoformat()} is before the history's last event ({now.isoformat()}): ages and "
            "time left are measured at that event instead"
        )
    if history.more_pages:
        diagnosis.notes.append(
            "the input has a NextMarker/NextToken: it is one page of the history and later events are "
            "missing (the AWS CLI joins all pages unless --max-items or --no-paginate is given)"
        )
    if history.unknown_event_types:
        kinds = ", ".join(sorted(set(history.unknown_event_types)))
        diagnosis.notes.append(f"ignored event types this tool does not know: {kinds}")
    if not diagnosis.payloads_known:
        diagnosis.notes.append(
            "no payloads in the history: fetch it with --include-execution-data to check payload sizes"
        )
    truncated = any(op.truncated for op in history.operations) or execution.truncated
    if truncated and diagnosis.payloads_known:
        diagnosis.notes.append("some payloads are truncated in the history: sizes shown are lower bounds")
    diagnosis.findings = find_problems(diagnosis, history)
    return diagnosis


def build_timeline(operations: list[Operation], started: datetime, end: datetime) -> list[TimelineEntry]:
    """Operations in start order with nesting depth, offset from the execution start and duration."""
    by_id = {op.id: op for op in operations}

    def depth(op: Operation) -> int:
        level, parent, seen = 0, op.parent_id, set()
        while parent in by_id and parent not in seen:
            seen.add(parent)
            level += 1
            parent = by_id[parent].parent_id
        return level

    entries = []
    for op in sorted(operations, key=lambda o: (o.started or end, o.first_event_id)):
        is_open = op.ended is None
        finish = op.ended or end
        entries.append(
            TimelineEntry(
                operation=op,
                depth=depth(op),
                offset=op.started - started if op.started else None,
                duration=finish - op.started if op.started else None,
                open=is_open,
            )
        )
    return entries


def slowest(timeline: list[TimelineEntry], count: int = SLOWEST_COUNT) -> list[TimelineEntry]:
    """The longest operations (child contexts included, ties in timeline order), zero durations left out."""
    timed = [e for e in timeline if e.duration is not None and e.duration > timedelta(0)]
    return sorted(timed, key=lambda e: -e.duration.total_seconds() if e.duration else 0)[:count]


def find_pending_callbacks(
    history: History, *, now: datetime, result: str | None = None
) -> list[PendingCallback]:
    """Callbacks started and not completed, with age and the time left before the first deadline."""
    execution = history.execution
    region = region_of(execution)
    pending = []
    for op in history.operations:
        if op.kind != "Callback" or not op.is_open or op.started is None:
            continue
        deadlines: list[tuple[datetime, str]] = []
        if op.callback_timeout_seconds:
            until = add_seconds(op.started, op.callback_timeout_seconds)
            if until is not None:
                deadlines.append((until, "callback timeout"))
        if execution.deadline:
            deadlines.append((execution.deadline, "execution timeout"))
        deadline, source = min(deadlines) if deadlines else (None, "unknown")
        callback_id = op.callback_id or ""
        pending.append(
            PendingCallback(
                operation=op,
                callback_id=callback_id,
                age=now - op.started,
                deadline=deadline,
                deadline_source=source,
                time_left=deadline - now if deadline else None,
                commands=callback_commands(callback_id, region=region, result=result) if callback_id else {},
            )
        )
    return pending


def find_pending_waits(history: History, *, now: datetime) -> list[PendingWait]:
    deadline = history.execution.deadline
    waits = []
    for op in history.operations:
        if op.kind != "Wait" or not op.is_open:
            continue
        until = op.wait_until
        if until is None and op.started and op.wait_seconds is not None:
            until = add_seconds(op.started, op.wait_seconds)
        waits.append(
            PendingWait(
                operation=op,
                until=until,
                time_left=until - now if until else None,
                after_execution_deadline=bool(until and deadline and until > deadline),
            )
        )
    return waits


def check_payloads(history: History) -> list[PayloadCheck]:
    """Every measured payload against its limit (``platform.py``), largest share first."""
    checks: list[PayloadCheck] = []
    execution = history.execution
    if execution.input_bytes is not None:
        checks.append(
            PayloadCheck(
                "execution input",
                execution.input_bytes,
                p.ASYNC_PAYLOAD_MAX_BYTES,
                "async invocation payload",
            )
        )
    if execution.result_bytes is not None:
        checks.append(
            PayloadCheck(
                "execution result", execution.result_bytes, p.SYNC_PAYLOAD_MAX_BYTES, "Lambda response"
            )
        )
    for op in history.operations:
        for key, size in op.payload_bytes.items():
            if op.kind == "Callback" and key == "result":
                limit, name = p.CALLBACK_RESULT_MAX_BYTES, "callback result"
            else:
                # What Lambda refuses past (the SDKs' 256 KB is a child context's ReplayChildren
                # threshold, not a limit: platform.py).
                limit, name = p.OPERATION_PAYLOAD_MAX_BYTES, "checkpoint payload"
            checks.append(PayloadCheck(f"{op.kind.lower()} {op.label!r} {key}", size, limit, name))
    total = sum(c.size_bytes for c in checks if not c.what.startswith("execution input"))
    checks.append(
        PayloadCheck("all checkpointed data", total, p.MAX_STORAGE_WRITTEN_BYTES, "storage per execution")
    )
    return sorted(checks, key=lambda c: -c.ratio)


def find_problems(diagnosis: Diagnosis, history: History) -> list[Finding]:
    """The diagnosis proper: each finding has a code (see docs/diagnose.md) and next steps."""
    execution = diagnosis.execution
    findings: list[Finding] = []
    status = execution.status
    timeout_text = format_duration(execution.timeout_seconds) if execution.timeout_seconds else "?"

    failed_steps = [
        op for op in history.operations if op.kind == "Step" and op.status == OperationStatus.FAILED
    ]
    for op in failed_steps:
        findings.append(_failed_step(op))
    for op in history.operations:
        if op.kind == "Step" and op.status == OperationStatus.RETRYING and status == ExecutionStatus.RUNNING:
            findings.append(
                Finding.of(
                    codes.STEP_RETRYING,
                    f"step {op.label!r} failed attempt {op.attempts} ({op.error}); next attempt in "
                    f"{format_duration(op.retry_delay_seconds)}",
                    (
                        "Watch the next attempt; if the error is permanent, fix it and the retry "
                        "will pick it up.",
                    ),
                )
            )
        elif op.kind == "Callback" and op.status in (OperationStatus.FAILED, OperationStatus.TIMED_OUT):
            findings.append(_failed_callback(op))
        elif op.kind == "ChainedInvoke" and op.status in (
            OperationStatus.FAILED,
            OperationStatus.TIMED_OUT,
            OperationStatus.STOPPED,
        ):
            findings.append(_failed_invoke(op))

    if history.invocation_errors:
        errors = history.invocation_errors
        kinds = sorted({str(e.type or e.message or "unknown error") for e in errors})
        findings.append(
            Finding.of(
                codes.INVOCATION_FAILED,
                f"{plural(len(errors), 'invocation')} ended with an error and the execution was invoked "
                f"again ({', '.join(kinds)}); last: {errors[-1]}",
                (
                    "Read the function's logs for those invocations: Runtime.ExitError means the process "
                    "ended (out of memory, os._exit, a crash in native code).",
                    "The execution replays from its checkpoints: only code outside steps ran again.",
                ),
            )
        )

    if status == ExecutionStatus.TIMED_OUT:
        waiting = [e.operation.label for e in diagnosis.timeline if e.open]
        what = f"; still open: {', '.join(repr(w) for w in waiting)}" if waiting else ""
        findings.append(
            Finding.of(
                codes.EXECUTION_TIMED_OUT,
                f"the execution hit its ExecutionTimeout of {timeout_text} after "
                f"{format_duration(diagnosis.duration)}{what}",
                (
                    f"Raise DurableConfig.ExecutionTimeout (up to {p.EXECUTION_TIMEOUT_MAX_DAYS} days) if "
                    "the workflow legitimately takes longer.",
                    "Give callbacks their own timeout (CallbackConfig.timeout) shorter than the execution's, "
                    "and handle CallbackTimeoutError in the handler.",
                    "Start a new execution (a new --durable-execution-name) once fixed.",
                ),
            )
        )
    elif (
        status == ExecutionStatus.FAILED
        and not failed_steps
        and not any(f.severity == "error" for f in findings)
    ):
        findings.append(
            Finding.of(
                codes.EXECUTION_FAILED,
                f"the handler failed outside any step: {execution.error}",
                (
                    "Code between durable operations raised: read the error above and the function's logs.",
                    "Move code that can fail transiently into a step so it is retried and checkpointed.",
                ),
            )
        )
    elif status == ExecutionStatus.STOPPED:
        findings.append(
            Finding.of(
                codes.EXECUTION_STOPPED,
                "the execution was stopped (StopDurableExecution) after "
                f"{format_duration(diagnosis.duration)}: "
                f"{execution.error}",
                ("Start a new execution if the work still has to be done.",),
            )
        )
    elif status == ExecutionStatus.SUCCEEDED:
        findings.append(
            Finding.of(
                codes.SUCCEEDED,
                f"the execution succeeded in {format_duration(diagnosis.duration)} "
                f"({plural(len(history.operations), 'operation')}, "
                f"{plural(diagnosis.invocations, 'invocation')})",
            )
        )

    if status in (ExecutionStatus.PAUSED, ExecutionStatus.PAUSING):
        since = f" since {format_time(execution.paused_at)}" if execution.paused_at else ""
        clock = (
            "its ExecutionTimeout is paused too"
            if execution.timeout_paused
            else "its ExecutionTimeout keeps running"
        )
        findings.append(
            Finding.of(
                codes.EXECUTION_PAUSED,
                f"the execution is {status}{since}: no invocation runs until it is resumed; {clock}",
                ("Resume the execution when ready.",),
            )
        )
    if status.is_open:
        findings.extend(_running_findings(diagnosis, timeout_text))

    findings.extend(_limit_findings(diagnosis, history))
    return sorted(findings, key=lambda f: SEVERITIES.index(f.severity))


def _failed_step(op: Operation) -> Finding:
    if op.attempts > 1:
        return Finding.of(
            codes.RETRIES_EXHAUSTED,
            f"step {op.label!r} failed after {op.attempts} attempts: {op.error}",
            (
                "Fix the cause of the error above (it repeated on every attempt).",
                "If it is transient, allow more attempts or a longer backoff "
                "(StepConfig(retry_strategy=create_retry_strategy(RetryStrategyConfig(max_attempts=...)))).",
                "If it is permanent, stop retrying it (RetryStrategyConfig.retryable_error_types) "
                "and handle it.",
                "Start a new execution (a new --durable-execution-name) once fixed.",
            ),
        )
    return Finding.of(
        codes.STEP_FAILED,
        f"step {op.label!r} failed on its first attempt and was not retried: {op.error}",
        (
            "Fix the cause of the error above.",
            "If the error is transient, give the step a retry strategy (StepConfig.retry_strategy).",
        ),
    )


def _failed_invoke(op: Operation) -> Finding:
    target = op.invoked_function or "another function"
    if op.child_execution_arn:
        steps: tuple[str, ...] = (
            f"Diagnose the child execution: cdk-durable diagnose --execution-arn {op.child_execution_arn}",
        )
    else:
        steps = (f"Read the errors and logs of {target} (the invoked function raised or timed out).",)
    return Finding.of(
        codes.INVOKE_FAILED,
        f"chained invoke {op.label!r} of {target} ended {op.status}: {op.error}",
        steps,
    )


def _failed_callback(op: Operation) -> Finding:
    if op.status == OperationStatus.TIMED_OUT:
        return Finding.of(
            codes.CALLBACK_TIMED_OUT,
            f"callback {op.label!r} timed out before anyone answered it: {op.error}",
            (
                "Check that the system you sent the callback id to received it and can call "
                f"{p.CLI_CALLBACK_SUCCESS} (it needs lambda:SendDurableExecutionCallbackSuccess on the "
                "execution ARN, `<function ARN>:*`).",
                "Use heartbeats (CallbackConfig.heartbeat_timeout) for long human tasks.",
            ),
        )
    return Finding.of(
        codes.CALLBACK_FAILED,
        f"callback {op.label!r} was answered with a failure: {op.error}",
        (
            "The external system reported a failure (send-durable-execution-callback-failure): "
            "check its side.",
        ),
    )


def _running_findings(diagnosis: Diagnosis, timeout_text: str) -> list[Finding]:
    findings: list[Finding] = []
    execution = diagnosis.execution
    for callback in diagnosis.pending_callbacks:
        left = (
            f"{format_duration(callback.time_left)} left before the {callback.deadline_source}"
            if callback.time_left is not None
            else "no deadline known"
        )
        steps = [f"Complete it: {callback.commands['success']}"] if callback.commands else []
        if callback.commands:
            steps.append("Or fail it, or heartbeat it: see the commands under Pending callbacks.")
        sender = _next_sibling(diagnosis.timeline, callback.operation)
        if sender is not None:
            steps.append(
                f"The operation right after it, {sender.kind.lower()} {sender.label!r} "
                f"({sender.status}), usually "
                "hands the callback id to the outside system: check that system received it."
            )
        else:
            steps.append("Check that the system meant to answer received the callback id.")
        findings.append(
            Finding.of(
                codes.STUCK_IN_CALLBACK,
                f"waiting on callback {callback.operation.label!r} for "
                f"{format_duration(callback.age)}; {left}",
                tuple(s for s in steps if s),
            )
        )
    if execution.deadline is not None and diagnosis.time_left is not None:
        total = execution.timeout_seconds or diagnosis.duration.total_seconds() or 1
        if diagnosis.time_left <= timedelta(0):
            findings.append(
                Finding.of(
                    codes.EXECUTION_TIMEOUT_OVER,
                    f"the ExecutionTimeout ({timeout_text}) passed "
                    f"{format_duration(-diagnosis.time_left)} ago "
                    "but the execution is still reported RUNNING",
                    ("Fetch the history again: the timeout is being applied, or the data is stale.",),
                )
            )
        elif diagnosis.time_left.total_seconds() <= TIMEOUT_NEAR_RATIO * total:
            findings.append(
                Finding.of(
                    codes.EXECUTION_TIMEOUT_NEAR,
                    f"{format_duration(diagnosis.time_left)} left of the ExecutionTimeout ({timeout_text})",
                    (
                        "Answer pending callbacks now, or the execution ends TIMED_OUT.",
                        "A running execution keeps the ExecutionTimeout it started with; raise "
                        "DurableConfig.ExecutionTimeout for new executions.",
                    ),
                )
            )
    for wait in diagnosis.pending_waits:
        if wait.after_execution_deadline:
            findings.append(
                Finding.of(
                    codes.WAIT_OUTLIVES_EXECUTION,
                    f"wait {wait.operation.label!r} ends {_at(wait.until)}, after the execution times out "
                    f"({_at(execution.deadline)}): the execution will end TIMED_OUT",
                    ("Shorten the wait or raise DurableConfig.ExecutionTimeout for new executions.",),
                )
            )
        else:
            findings.append(
                Finding.of(
                    codes.WAIT_PENDING,
                    f"wait {wait.operation.label!r} resumes the execution {_at(wait.until)} "
                    f"(in {format_duration(wait.time_left)})",
                    ("Nothing to do: the execution is suspended and uses no compute while it waits.",),
                )
            )
    open_steps = [e.operation for e in diagnosis.timeline if e.open and e.operation.kind == "Step"]
    if (
        execution.status == ExecutionStatus.RUNNING
        and not diagnosis.pending_callbacks
        and not diagnosis.pending_waits
        and not any(f.code == codes.STEP_RETRYING.code for f in findings)
    ):
        running = f" (open: {', '.join(repr(op.label) for op in open_steps)})" if open_steps else ""
        findings.append(
            Finding.of(
                codes.RUNNING,
                f"the execution is running and not waiting on a callback or a wait{running}",
                (
                    "An invocation is probably in progress: check the function's logs and fetch "
                    "the history again.",
                ),
            )
        )
    return findings


def _next_sibling(timeline: list[TimelineEntry], op: Operation) -> Operation | None:
    ops = [e.operation for e in timeline]
    after = ops[ops.index(op) + 1 :]
    return next((o for o in after if o.parent_id == op.parent_id), None)


def _limit_findings(diagnosis: Diagnosis, history: History) -> list[Finding]:
    findings: list[Finding] = []
    for check in diagnosis.payloads:
        if check.ratio < NEAR_LIMIT_RATIO:
            continue
        over = check.ratio > 1
        findings.append(
            Finding.of(
                codes.PAYLOAD_OVER_LIMIT if over else codes.PAYLOAD_NEAR_LIMIT,
                f"{check.what} is {format_bytes(check.size_bytes)}, {check.ratio:.0%} of the "
                f"{format_bytes(check.limit_bytes)} {check.limit_name} limit",
                (
                    "Keep large data out of checkpoints: store it (S3, DynamoDB) and return a reference.",
                    "Or give the step a serdes that offloads large results (the SDK's filesystem serdes).",
                ),
            )
        )
    batch = p.PYTHON_SDK_CHECKPOINT_BATCH_BYTES
    for op in history.operations:
        size = op.payload_bytes.get("result", 0)
        if op.kind == "Step" and batch < size <= p.OPERATION_PAYLOAD_MAX_BYTES:
            findings.append(
                Finding.of(
                    codes.STEP_RESULT_OVER_BATCH,
                    f"step {op.label!r} result is {format_bytes(size)}, over the Python SDK's "
                    f"{format_bytes(batch)} checkpoint batch: an invocation that produces it waits "
                    "until its timeout (Sandbox.Timedout) before the replay checkpoints it",
                    (
                        "Store the result (S3, DynamoDB) and return a reference, or split the step.",
                        "`cdk-durable run` shows it locally: a Sandbox.Timedout crash, then the replay.",
                    ),
                )
            )
    count = len(history.operations)
    if count >= NEAR_LIMIT_RATIO * p.MAX_OPERATIONS_PER_EXECUTION:
        findings.append(
            Finding.of(
                codes.OPERATIONS_NEAR_LIMIT,
                f"{count} operations, {count / p.MAX_OPERATIONS_PER_EXECUTION:.0%} of the "
                f"{p.MAX_OPERATIONS_PER_EXECUTION:,} per execution",
                ("Batch work into fewer steps, or continue in a new execution (chained invoke).",),
                # at the limit itself the next operation fails: an error, not the rule's warning
                severity=Severity.ERROR if count >= p.MAX_OPERATIONS_PER_EXECUTION else None,
            )
        )
    return findings


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _at(when: datetime | None) -> str:
    return f"at {format_time(when)}" if when else "at an unknown time"


def format_time(when: datetime) -> str:
    return f"{when.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def error_dict(error: ErrorInfo | None) -> dict[str, Any] | None:
    if error is None:
        return None
    return {"type": error.type, "message": error.message, "data": error.data}
