"""One history model for ``run`` and ``diagnose``: durable-execution events folded into operations.

Shapes follow the botocore Lambda model (API 2025-12-01): a history is ``{"Events": [Event, ...]}``;
an ``Event`` has ``EventType``, ``EventId``, ``EventTimestamp``, ``Id``, ``Name``, ``ParentId``,
``SubType`` and one ``<EventType>Details`` member. Timestamps arrive as ISO 8601 strings (AWS CLI,
boto3 rendered with ``default=str``), epoch seconds (the service's wire format) or ``datetime``
objects (boto3, the testing SDK); all are accepted.

- :class:`HistoryBuilder` folds events one at a time (``cdk-durable run`` feeds it as the history
  grows, reading each event once); :func:`parse_history` sorts a whole document and folds it.
- :class:`Operation` / :class:`ExecutionRecord` / :class:`History` are the model; statuses,
  durations (:func:`format_duration`, the one duration format), nesting depth and open callbacks
  (:func:`open_callbacks`) are read from it by both tools.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import LIMITS, CdkDurableError, loads_json
from .platform import ExecutionStatus, OperationStatus

#: Event types by operation kind, from the botocore model's ``EventType`` enum.
OPERATION_KINDS = ("Step", "Wait", "Callback", "Context", "ChainedInvoke")
EXECUTION_TERMINAL = {
    "ExecutionSucceeded": ExecutionStatus.SUCCEEDED,
    "ExecutionFailed": ExecutionStatus.FAILED,
    "ExecutionTimedOut": ExecutionStatus.TIMED_OUT,
    "ExecutionStopped": ExecutionStatus.STOPPED,
}
#: Suffix of an operation event type -> the operation status it leaves behind.
_SUFFIX_STATUS = {
    "Started": OperationStatus.STARTED,
    "Succeeded": OperationStatus.SUCCEEDED,
    "Failed": OperationStatus.FAILED,
    "TimedOut": OperationStatus.TIMED_OUT,
    "Cancelled": OperationStatus.CANCELLED,
    "Stopped": OperationStatus.STOPPED,
}
HISTORY_SHAPE = 'the JSON of `aws lambda get-durable-execution-history` (an object with an "Events" list)'
EXECUTION_SHAPE = (
    'the JSON of `aws lambda get-durable-execution` (an object with "Status" and "StartTimestamp")'
)


#: ``wait_for_callback(name="x")`` records its callback operation as ``"x create callback id"``.
WAIT_FOR_CALLBACK_SUFFIX = " create callback id"


class DiagnoseInputError(CdkDurableError, ValueError):
    """The input is not a durable-execution history (or execution) the tool can read."""


def format_duration(delta: timedelta | float | None) -> str:
    """``1d 2h``, ``3h 05m``, ``4m 10s``, ``2.5s``, ``51ms``: two units at most (``-`` for unknown)."""
    if delta is None:
        return "-"
    seconds = delta.total_seconds() if isinstance(delta, timedelta) else float(delta)
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    if seconds < 1:
        return f"{sign}{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{sign}{seconds:.1f}s"
    whole = round(seconds)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    return f"{sign}{minutes}m {secs:02d}s"


def callback_display_name(operation_name: str | None) -> str:
    """``"agent-review create callback id"`` -> ``"agent-review"``; other names unchanged."""
    name = operation_name or "(unnamed callback)"
    return name.removesuffix(WAIT_FOR_CALLBACK_SUFFIX)


def _nan_or_infinite(value: float) -> bool:
    return isinstance(value, float) and not math.isfinite(value)


def parse_timestamp(value: Any, *, where: str) -> datetime:
    """An API timestamp as an aware UTC datetime: ISO 8601 text or epoch seconds (milliseconds too)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool) and not _nan_or_infinite(value):
        try:
            seconds = value / 1000 if abs(value) > 1e11 else value  # epoch milliseconds from some emitters
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            raise DiagnoseInputError(
                f"{where}: {json.dumps(value)[:40]} is out of range: expected a time between the years "
                "1 and 9999 (ISO 8601 or epoch seconds)"
            ) from None
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return parse_timestamp(float(text), where=where)
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            pass
        else:
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise DiagnoseInputError(
        f"{where}: expected an ISO 8601 timestamp or epoch seconds, got {json.dumps(value, default=str)}"
    )


@dataclass(frozen=True)
class ErrorInfo:
    """An ``ErrorObject``: ``ErrorType`` and ``ErrorMessage`` (``ErrorData``/``StackTrace`` kept short)."""

    type: str | None
    message: str | None
    data: str | None = None
    stack_frames: int = 0

    def __str__(self) -> str:
        if self.type and self.message:
            return f"{self.type}: {self.message}"
        return self.type or self.message or "(no error details in the history)"


@dataclass(frozen=True)
class Attempt:
    """One try of a step, from its ``StepStarted`` to the event that ended it (the timeline page)."""

    number: int
    started: datetime
    ended: datetime | None = None
    status: OperationStatus = OperationStatus.STARTED
    error: ErrorInfo | None = None
    #: ``RetryDetails.NextAttemptDelaySeconds`` of the failure that ended it, if another try was scheduled.
    next_attempt_delay_seconds: int | None = None


@dataclass
class Operation:
    """One durable operation (step, wait, callback, child context, chained invoke), folded from its events."""

    id: str
    kind: str
    name: str | None
    parent_id: str | None
    sub_type: str | None
    first_event_id: int
    status: OperationStatus = OperationStatus.STARTED
    started: datetime | None = None
    ended: datetime | None = None
    attempts: int = 0
    retry_delay_seconds: int | None = None
    error: ErrorInfo | None = None
    callback_id: str | None = None
    callback_timeout_seconds: int | None = None
    heartbeat_timeout_seconds: int | None = None
    wait_seconds: int | None = None
    wait_until: datetime | None = None
    invoked_function: str | None = None
    child_execution_arn: str | None = None
    payload_bytes: dict[str, int] = field(default_factory=dict)
    truncated: bool = False
    #: A step's tries in order (``attempts`` counts them); empty for other kinds.
    attempt_log: list[Attempt] = field(default_factory=list)
    #: An unnamed callback's ``waitForCallback`` context name (the JavaScript SDK names the context only).
    context_name: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.id[:12]

    @property
    def is_open(self) -> bool:
        """Started and not finished (a step between retries counts as open)."""
        return self.status.is_open

    @property
    def duration(self) -> timedelta | None:
        """From the first start to the end; ``None`` while the operation is open."""
        if self.started is None or self.ended is None or self.is_open:
            return None
        return self.ended - self.started

    @property
    def display_name(self) -> str:
        """The name a user gave it: ``wait_for_callback(name="x")``'s callback shows as ``x``."""
        if self.kind == "Callback":
            return callback_display_name(self.name or self.context_name)
        return self.name or f"({self.kind.lower()})"


@dataclass
class ExecutionRecord:
    """The execution itself: from the ``Execution*`` events and, if given, ``GetDurableExecution``."""

    name: str | None = None
    arn: str | None = None
    function_arn: str | None = None
    version: str | None = None
    status: ExecutionStatus = ExecutionStatus.RUNNING
    started: datetime | None = None
    ended: datetime | None = None
    timeout_seconds: int | None = None
    deadline: datetime | None = None
    error: ErrorInfo | None = None
    input_bytes: int | None = None
    result_bytes: int | None = None
    truncated: bool = False
    paused_at: datetime | None = None
    timeout_paused: bool = False


@dataclass
class History:
    """A parsed history: the execution, its operations in first-seen order, and counters."""

    execution: ExecutionRecord
    operations: list[Operation]
    event_count: int
    invocations: int
    unknown_event_types: list[str]
    more_pages: bool = False
    #: Invocations that failed (``InvocationCompleted`` with an ``Error``, e.g. ``Runtime.ExitError``).
    invocation_errors: list[ErrorInfo] = field(default_factory=list)
    #: What was odd about the input and how it was read (duplicated events, an end before its start).
    notes: list[str] = field(default_factory=list)
    #: The latest event timestamp.
    last_event: datetime | None = None


def _error(details: Any) -> ErrorInfo | None:
    if not isinstance(details, dict):
        return None
    wrapper = details.get("Error")
    if not isinstance(wrapper, dict):
        return None
    payload = wrapper.get("Payload", wrapper)  # EventError{Payload: ErrorObject} or a bare ErrorObject
    if not isinstance(payload, dict):
        return ErrorInfo(None, None)
    stack = payload.get("StackTrace")
    return ErrorInfo(
        type=_str_or_none(payload.get("ErrorType")),
        message=_str_or_none(payload.get("ErrorMessage")),
        data=_str_or_none(payload.get("ErrorData")),
        stack_frames=len(stack) if isinstance(stack, list) else 0,
    )


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return int(value) if abs(value) <= _MAX_INT else None


#: Numbers beyond this are not ids or counts any API returns (JavaScript's largest safe integer).
_MAX_INT = 2**53
#: Durations beyond this (about 31 years; the longest execution is 366 days) are ignored, not computed with.
_MAX_SECONDS = 10**9


def _seconds_or_none(value: Any) -> int | None:
    """A duration in seconds from the history, or ``None`` when it is missing, negative or absurd."""
    seconds = _int_or_none(value)
    return seconds if seconds is not None and 0 <= seconds <= _MAX_SECONDS else None


def add_seconds(when: datetime | None, seconds: int | None) -> datetime | None:
    """``when + seconds``, or ``None`` when either is unknown or the sum is past year 9999."""
    if when is None or seconds is None:
        return None
    try:
        return when + timedelta(seconds=seconds)
    except OverflowError:
        return None


def _payload_size(container: Any, key: str) -> tuple[int | None, bool]:
    """UTF-8 size of ``container[key].Payload`` and whether the API marked it truncated."""
    if not isinstance(container, dict) or not isinstance(container.get(key), dict):
        return None, False
    wrapper = container[key]
    payload = wrapper.get("Payload")
    truncated = bool(wrapper.get("Truncated"))
    if isinstance(payload, str):
        return len(payload.encode("utf-8")), truncated
    if isinstance(payload, dict):  # error objects
        return len(json.dumps(payload).encode("utf-8")), truncated
    return None, truncated


def load_json(text: str, *, source: str) -> Any:
    """``json.loads`` with one clear error naming the input."""
    if not text.strip():
        raise DiagnoseInputError(f"{source}: empty input; expected {HISTORY_SHAPE}")
    return loads_json(text, what=source, error=DiagnoseInputError)


def _events_of(document: Any, source: str) -> list[dict[str, Any]]:
    if isinstance(document, dict) and "Events" in document:
        events = document["Events"]
        if not isinstance(events, list):
            raise DiagnoseInputError(f'{source}: "Events" must be a list, got {type(events).__name__}')
        for index, event in enumerate(events):
            if not isinstance(event, dict):
                raise DiagnoseInputError(
                    f"{source}: Events[{index}] must be an object, got {type(event).__name__}"
                )
            if not isinstance(event.get("EventType"), str):
                raise DiagnoseInputError(f"{source}: Events[{index}] has no EventType")
            if "EventTimestamp" not in event:
                raise DiagnoseInputError(
                    f"{source}: Events[{index}] ({event['EventType']}) has no EventTimestamp"
                )
        return events
    if isinstance(document, dict) and "Status" in document and "DurableExecutionArn" in document:
        raise DiagnoseInputError(
            f"{source}: this is `get-durable-execution` output; pass it with --execution and give "
            f"{HISTORY_SHAPE} as the input"
        )
    got = (
        f"an object with keys {sorted(document)[:5]}"
        if isinstance(document, dict)
        else type(document).__name__
    )
    raise DiagnoseInputError(f"{source}: expected {HISTORY_SHAPE}, got {got}")


class HistoryBuilder:
    """Folds events into a :class:`History`, one event at a time, in the order they happened.

    ``feed`` returns the :class:`Operation` the event changed (``None`` for execution-level events)
    so a caller can show each change as it happens; :meth:`history` is the model so far.
    """

    def __init__(self, *, source: str = "history") -> None:
        self.source = source
        self.execution = ExecutionRecord()
        self.operations: dict[str, Operation] = {}
        self.event_count = 0
        self.invocations = 0
        self.unknown: list[str] = []
        self.invocation_errors: list[ErrorInfo] = []
        self.notes: list[str] = []
        self.last_event: datetime | None = None

    def feed(
        self, event: dict[str, Any], *, when: datetime | None = None, index: int | None = None
    ) -> Operation | None:
        where = f"{self.source}: Events[{self.event_count if index is None else index}]"
        if when is None:
            when = parse_timestamp(event["EventTimestamp"], where=f"{where}.EventTimestamp")
        event_id = _int_or_none(event.get("EventId")) or self.event_count + 1
        self.event_count += 1
        self.last_event = when if self.last_event is None else max(self.last_event, when)
        record = self.execution
        event_type: str = event["EventType"]
        details = event.get(f"{event_type}Details")
        if event_type == "ExecutionStarted":
            record.name = record.name or _str_or_none(event.get("Name"))
            record.started = when
            if isinstance(details, dict):
                record.timeout_seconds = _seconds_or_none(details.get("ExecutionTimeout"))
                record.input_bytes, truncated = _payload_size(details, "Input")
                record.truncated |= truncated
            return None
        if event_type in EXECUTION_TERMINAL:
            record.status = EXECUTION_TERMINAL[event_type]
            record.ended = when
            record.error = _error(details) or record.error
            if event_type == "ExecutionSucceeded":
                record.result_bytes, truncated = _payload_size(details, "Result")
                record.truncated |= truncated
            return None
        if event_type == "InvocationCompleted":
            self.invocations += 1
            error = _error(details)
            if error is not None:
                self.invocation_errors.append(error)
            return None
        if event_type == "ExecutionPaused":
            record.status = ExecutionStatus.PAUSED
            record.paused_at = when
            if isinstance(details, dict):
                record.timeout_paused = bool(details.get("ExecutionTimeoutPaused"))
            return None
        if event_type == "ExecutionResumed":
            record.status = ExecutionStatus.RUNNING
            record.paused_at = None
            record.timeout_paused = False
            return None
        kind = next((k for k in OPERATION_KINDS if event_type.startswith(k)), None)
        suffix = event_type[len(kind) :] if kind else ""
        if kind is None or suffix not in _SUFFIX_STATUS:
            self.unknown.append(event_type)
            return None
        operation_id = _str_or_none(event.get("Id"))
        if operation_id is None:
            raise DiagnoseInputError(f"{where} ({event_type}) has no Id")
        operation = self.operations.get(operation_id)
        if operation is None:
            operation = self.operations[operation_id] = Operation(
                id=operation_id,
                kind=kind,
                name=_str_or_none(event.get("Name")),
                parent_id=_str_or_none(event.get("ParentId")),
                sub_type=_str_or_none(event.get("SubType")),
                first_event_id=event_id,
            )
            parent = self.operations.get(operation.parent_id or "")
            if kind == "Callback" and parent is not None and parent.sub_type == "WaitForCallback":
                operation.context_name = parent.name
        if suffix != "Started" and operation.started is not None and when < operation.started:
            # An end stamped before its start: keep the end (never drop it), at the start, and say so.
            self.notes.append(
                f"{where}: {event_type} of {operation.kind.lower()} {operation.label!r} is stamped "
                f"{when.isoformat()}, before the operation started ({operation.started.isoformat()}): "
                "shown as ending when it started"
            )
            when = operation.started
        _apply(operation, suffix, when, details)
        return operation

    def depth(self, operation: Operation) -> int:
        """How deep ``operation`` is nested in child contexts (0 at the top level)."""
        level, parent, seen = 0, operation.parent_id, set()
        while parent in self.operations and parent not in seen:
            seen.add(parent)
            level += 1
            parent = self.operations[parent].parent_id
        return level

    def history(self, *, more_pages: bool = False) -> History:
        return History(
            self.execution,
            list(self.operations.values()),
            self.event_count,
            self.invocations,
            list(self.unknown),
            more_pages,
            list(self.invocation_errors),
            list(self.notes),
            self.last_event,
        )


def parse_history(document: Any, execution: Any = None, *, source: str = "history") -> History:
    """Fold the events of a history (and optionally a ``GetDurableExecution`` response) into a
    :class:`History`."""
    events = _events_of(document, source)
    limit = LIMITS["history_events"]
    if len(events) > limit:
        raise DiagnoseInputError(f"{source}: {len(events)} events, more than the limit of {limit}")
    # The API returns events in order; sort defensively (ReverseOrder, concatenated pages).
    indexed = []
    seen: set[str] = set()
    duplicates = 0
    for index, event in enumerate(events):
        key = json.dumps(event, sort_keys=True, default=str)
        if key in seen:
            duplicates += 1  # the same event twice (pages joined twice): counted once
            continue
        seen.add(key)
        when = parse_timestamp(event["EventTimestamp"], where=f"{source}: Events[{index}].EventTimestamp")
        indexed.append((when, _int_or_none(event.get("EventId")) or index + 1, index, event))
    ids = [item[1] for item in indexed]
    if len(set(ids)) == len(ids) and all(isinstance(e.get("EventId"), int) for *_, e in indexed):
        indexed.sort(key=lambda item: item[1])  # the API's own order, even if a clock went backwards
    else:
        indexed.sort(key=lambda item: (item[0], item[1]))
    builder = HistoryBuilder(source=source)
    if duplicates:
        builder.notes.append(
            f"{source}: {duplicates} duplicate event{'s' if duplicates != 1 else ''} ignored (the same "
            "event more than once: were pages of the history joined twice?)"
        )
    for when, _event_id, index, event in indexed:
        builder.feed(event, when=when, index=index)
    record = builder.execution
    if execution is not None:
        _merge_execution(record, execution)
    if record.started is None:
        raise DiagnoseInputError(
            f"{source}: no ExecutionStarted event (is this the first page of the history?); "
            f"expected {HISTORY_SHAPE}"
        )
    if record.timeout_seconds is not None and record.deadline is None:
        record.deadline = add_seconds(record.started, record.timeout_seconds)
    more_pages = isinstance(document, dict) and any(document.get(key) for key in ("NextMarker", "NextToken"))
    return builder.history(more_pages=more_pages)


def _apply(operation: Operation, suffix: str, when: datetime, details: Any) -> None:
    details = details if isinstance(details, dict) else {}
    if suffix == "Started":
        operation.started = operation.started or when
        operation.status = OperationStatus.STARTED
        operation.ended = None
        if operation.kind == "Step":
            operation.attempts += 1
            _start_attempt(operation, when)
        elif operation.kind == "Callback":
            operation.callback_id = _str_or_none(details.get("CallbackId")) or operation.callback_id
            operation.callback_timeout_seconds = _seconds_or_none(details.get("Timeout")) or None
            operation.heartbeat_timeout_seconds = _seconds_or_none(details.get("HeartbeatTimeout")) or None
        elif operation.kind == "Wait":
            operation.wait_seconds = _seconds_or_none(details.get("Duration"))
            if details.get("ScheduledEndTimestamp") is not None:
                operation.wait_until = parse_timestamp(
                    details["ScheduledEndTimestamp"], where=f"{operation.label}: ScheduledEndTimestamp"
                )
        elif operation.kind == "ChainedInvoke":
            operation.invoked_function = _str_or_none(details.get("FunctionName"))
            operation.child_execution_arn = _str_or_none(details.get("DurableExecutionArn"))
        _record_payload(operation, "input", details, "Input")
        return
    operation.status = _SUFFIX_STATUS[suffix]
    operation.ended = when
    retry = details.get("RetryDetails")
    if isinstance(retry, dict):
        operation.attempts = max(operation.attempts, _int_or_none(retry.get("CurrentAttempt")) or 0)
        operation.retry_delay_seconds = _seconds_or_none(retry.get("NextAttemptDelaySeconds"))
    if suffix == "Failed" and operation.kind == "Step" and (operation.retry_delay_seconds or 0) > 0:
        operation.status = OperationStatus.RETRYING  # this failure scheduled another attempt
        operation.error = _error(details) or operation.error
        _record_payload(operation, "error", details, "Error")
        _end_attempt(operation, when, retry)
        return
    if suffix == "Succeeded":
        operation.error = None
        _record_payload(operation, "result", details, "Result")
    else:
        operation.error = _error(details) or operation.error
        _record_payload(operation, "error", details, "Error")
    if operation.kind == "Step":
        _end_attempt(operation, when, retry if isinstance(retry, dict) else {})


# --- attempts: each try of a step as its own span (the timeline page) ------------------------------


def _start_attempt(operation: Operation, when: datetime) -> None:
    operation.attempt_log.append(Attempt(number=len(operation.attempt_log) + 1, started=when))


def _end_attempt(operation: Operation, when: datetime, retry: dict[str, Any]) -> None:
    """Close the open try with the operation's new status; a terminal event with no open try gets one."""
    log = operation.attempt_log
    if not log or log[-1].ended is not None:
        start = log[-1].ended if log and log[-1].ended else operation.started or when
        log.append(Attempt(number=len(log) + 1, started=start))
    failed = operation.status != OperationStatus.SUCCEEDED
    log[-1] = replace(
        log[-1],
        ended=when,
        # a try that scheduled another one failed; RETRYING is the operation's state, not the try's
        status=OperationStatus.FAILED if operation.status == OperationStatus.RETRYING else operation.status,
        error=operation.error if failed else None,
        next_attempt_delay_seconds=_seconds_or_none(retry.get("NextAttemptDelaySeconds")) if failed else None,
    )


def _record_payload(operation: Operation, key: str, details: dict[str, Any], member: str) -> None:
    size, truncated = _payload_size(details, member)
    operation.truncated |= truncated
    if size is not None:
        operation.payload_bytes[key] = max(size, operation.payload_bytes.get(key, 0))


def _merge_execution(record: ExecutionRecord, execution: Any) -> None:
    if not isinstance(execution, dict) or not isinstance(execution.get("Status"), str):
        got = type(execution).__name__ if not isinstance(execution, dict) else f"keys {sorted(execution)[:5]}"
        raise DiagnoseInputError(f"execution: expected {EXECUTION_SHAPE}, got {got}")
    record.arn = _str_or_none(execution.get("DurableExecutionArn"))
    record.name = _str_or_none(execution.get("DurableExecutionName")) or record.name
    record.function_arn = _str_or_none(execution.get("FunctionArn"))
    record.version = _str_or_none(execution.get("Version"))
    if not record.status.is_terminal:
        record.status = _execution_status(
            execution["Status"]
        )  # the history may lag behind, or the execution is PAUSED
    if execution.get("StartTimestamp") is not None and record.started is None:
        record.started = parse_timestamp(execution["StartTimestamp"], where="execution: StartTimestamp")
    if execution.get("EndTimestamp") is not None and record.ended is None:
        record.ended = parse_timestamp(execution["EndTimestamp"], where="execution: EndTimestamp")
    if execution.get("ExpectedExecutionTimeoutTimestamp") is not None:
        record.deadline = parse_timestamp(
            execution["ExpectedExecutionTimeoutTimestamp"],
            where="execution: ExpectedExecutionTimeoutTimestamp",
        )
    config = execution.get("DurableConfig")
    if isinstance(config, dict) and record.timeout_seconds is None:
        record.timeout_seconds = _seconds_or_none(config.get("ExecutionTimeout"))
    pause = execution.get("PauseDetails")
    if record.status in (ExecutionStatus.PAUSED, ExecutionStatus.PAUSING) and isinstance(pause, dict):
        record.timeout_paused = bool(pause.get("ExecutionTimeoutPaused"))
        if pause.get("PauseRequestTimestamp") is not None:
            record.paused_at = parse_timestamp(
                pause["PauseRequestTimestamp"], where="execution: PauseDetails.PauseRequestTimestamp"
            )
    if record.error is None and isinstance(execution.get("Error"), dict):
        record.error = _error({"Error": execution["Error"]})


def _execution_status(value: str) -> ExecutionStatus:
    try:
        return ExecutionStatus(value)
    except ValueError:
        allowed = ", ".join(ExecutionStatus)
        raise DiagnoseInputError(f"execution: Status must be one of {allowed}, got {value!r}") from None


def open_callbacks(history: History) -> list[Operation]:
    """Callbacks started and not completed, in the order they were created."""
    return [op for op in history.operations if op.kind == "Callback" and op.is_open and op.callback_id]


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        stamp = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
        return stamp.isoformat(timespec="microseconds").replace("+00:00", "Z")
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    return value


def history_document(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Events as the JSON of ``aws lambda get-durable-execution-history``: ``{"Events": [...]}``,
    botocore's member names, timestamps as ISO 8601 UTC text (what the AWS CLI prints)."""
    return {"Events": [_json_value(event) for event in events]}
