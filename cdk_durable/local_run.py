"""``cdk-durable run``: run a durable handler locally on the testing SDK's runner, answer its callbacks.

The library functions do the work; :data:`command` (the click command) only parses options and
prints. Everything runs in process on ``DurableFunctionTestRunner`` from
``aws-durable-execution-sdk-python-testing`` (install ``cdk-durable[local]``): no AWS, no Docker.

- :func:`load_handler` - ``module:function`` or ``path/to/file.py:function`` (default ``handler``)
- :func:`load_event` - a JSON string or ``@file``
- :func:`parse_callback_option`, :func:`load_answers` - scripted callback answers
- :func:`run_handler` - start the execution, follow its history as it happens (``on_event``),
  answer each pending callback (scripted answers first, then ``ask``), return a :class:`RunReport`
- :func:`render_history` - the execution history as a table

Waits and retry delays are skipped by default (``real_time=False``): the history still shows the
modelled durations. Callback timeouts are driven explicitly (``CallbackAnswer.timeout()``).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from . import platform as p

if TYPE_CHECKING:  # pragma: no cover
    from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

#: How often the history is read while the execution runs (the testing SDK's own default is 1 s,
#: which costs a second per callback).
DEFAULT_POLL_INTERVAL = 0.005
#: Execution timeout given to the local runner (the platform maximum: the handler, not the runner,
#: decides when to give up). It is armed in real time, so it never fires in a local run.
DEFAULT_EXECUTION_TIMEOUT_SECONDS = 366 * 24 * 60 * 60
#: ``wait_for_callback(name="x")`` records its callback operation as ``"x create callback id"``.
WAIT_FOR_CALLBACK_SUFFIX = " create callback id"
TERMINAL_EVENTS = {
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionTimedOut": "TIMED_OUT",
    "ExecutionStopped": "STOPPED",
}
_EVENT_STATUS = {
    "Started": "STARTED",
    "Succeeded": "SUCCEEDED",
    "Failed": "FAILED",
    "TimedOut": "TIMED_OUT",
    "Stopped": "STOPPED",
    "Cancelled": "CANCELLED",
}
_TYPE_PREFIXES = (
    ("ChainedInvoke", "INVOKE"),
    ("Callback", "CALLBACK"),
    ("Context", "CONTEXT"),
    ("Step", "STEP"),
    ("Wait", "WAIT"),
)
_SDK_LOGGERS = ("aws_durable_execution_sdk_python", "aws_durable_execution_sdk_python_testing")
ANSWER_ACTIONS = ("succeed", "fail", "timeout")
#: Exit status of ``cdk-durable run`` when the execution ended FAILED, TIMED_OUT or STOPPED
#: (1 is a bad input, 2 is click's usage error).
EXIT_EXECUTION_NOT_SUCCEEDED = 3


class LocalRunError(Exception):
    """A user error: bad handler path, bad JSON, unknown callback name, missing answer."""


# --- inputs -------------------------------------------------------------------------------------------


def _split_handler_spec(spec: str) -> tuple[str, str]:
    target, sep, function = spec.rpartition(":")
    windows_drive_only = len(target) == 1 and target.isalpha() and function[:1] in ("\\", "/")
    if not sep or windows_drive_only:  # no function given (C:\\src\\app.py is a path, not C + function)
        return spec, "handler"
    if not function.isidentifier():
        raise LocalRunError(f"handler {spec!r}: {function!r} is not a function name (use module:function)")
    return target, function


def _looks_like_path(target: str) -> bool:
    return target.endswith(".py") or "/" in target or "\\" in target


def _module_name_for_file(path: Path) -> tuple[Path, str]:
    """The import root and dotted name of a file, walking up through packages (``__init__.py``)."""
    parts = [path.stem]
    root = path.parent
    while (root / "__init__.py").exists():
        parts.insert(0, root.name)
        root = root.parent
    return root, ".".join(parts)


def load_handler(spec: str) -> Callable[..., Any]:
    """Import ``module:function`` or ``path/to/file.py:function`` (function defaults to ``handler``)."""
    target, function = _split_handler_spec(spec.strip())
    if not target:
        raise LocalRunError(f"handler {spec!r} is empty: use module:function or path/to/file.py:function")
    if _looks_like_path(target):
        path = Path(target).resolve()
        if not path.is_file():
            raise LocalRunError(f"handler file not found: {target} (from handler {spec!r})")
        if path.suffix != ".py":
            raise LocalRunError(f"handler file must be a .py file, got {target}")
        root, module_name = _module_name_for_file(path)
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
    else:
        module_name = target
        cwd = str(Path.cwd())
        if cwd not in sys.path:
            sys.path.insert(0, cwd)  # like `python -m`: modules of the current project import
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        if e.name and module_name.startswith(e.name):
            raise LocalRunError(
                f"handler module {module_name!r} not found (from handler {spec!r}; "
                "use module:function or path/to/file.py:function)"
            ) from e
        raise LocalRunError(f"cannot import handler module {module_name!r}: {type(e).__name__}: {e}") from e
    except Exception as e:  # the user's module failed while importing
        raise LocalRunError(f"cannot import handler module {module_name!r}: {type(e).__name__}: {e}") from e
    func = getattr(module, function, None)
    if func is None:
        raise LocalRunError(f"handler module {module_name!r} has no function {function!r}")
    if not callable(func):
        raise LocalRunError(f"handler {module_name}:{function} is not callable ({type(func).__name__})")
    return func  # type: ignore[no-any-return]


def _read_at_file(value: str, *, what: str) -> str:
    path = Path(value[1:])
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LocalRunError(f"{what} file not found: {path}") from None
    except OSError as e:
        raise LocalRunError(f"cannot read {what} file {path}: {e.strerror}") from None


def parse_json(value: str, *, what: str) -> Any:
    """A JSON string, or ``@file`` holding JSON. Errors name ``what`` and the position."""
    source = what
    text = value
    if value.startswith("@"):
        text = _read_at_file(value, what=what)
        source = f"{what} file {value[1:]}"
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise LocalRunError(
            f"{source} is not valid JSON (line {e.lineno}, column {e.colno}): {e.msg}"
        ) from None


def load_event(value: str) -> Any:
    """The event: a JSON string or ``@path/to/event.json``."""
    return parse_json(value, what="event")


@dataclass(frozen=True)
class CallbackAnswer:
    """How to complete one callback: ``succeed`` with a JSON payload, ``fail``, or ``timeout``."""

    action: Literal["succeed", "fail", "timeout"]
    payload: Any = None
    error_message: str = "failed from cdk-durable run"
    error_type: str = "LocalRunCallbackFailure"
    source: str = "script"

    @classmethod
    def succeed(cls, payload: Any, *, source: str = "script") -> CallbackAnswer:
        return cls("succeed", payload=payload, source=source)

    @classmethod
    def fail(
        cls, message: str | None = None, *, error_type: str | None = None, source: str = "script"
    ) -> CallbackAnswer:
        return cls(
            "fail",
            error_message=message or cls.error_message,
            error_type=error_type or cls.error_type,
            source=source,
        )

    @classmethod
    def timeout(cls, *, source: str = "script") -> CallbackAnswer:
        return cls("timeout", source=source)

    def describe(self, width: int = 100) -> str:
        if self.action == "succeed":
            text = json.dumps(self.payload)
            return f"succeed {text if len(text) <= width else text[: width - 1] + '…'}"
        if self.action == "fail":
            return f"fail ({self.error_type}: {self.error_message})"
        return "time out"


def parse_callback_option(value: str) -> tuple[str, CallbackAnswer]:
    """``NAME=JSON`` or ``NAME=@file.json`` -> (name, succeed answer)."""
    name, sep, payload = value.partition("=")
    name = name.strip()
    if not sep or not name:
        raise LocalRunError(f"--callback must be NAME=JSON or NAME=@file.json, got {value!r}")
    return name, CallbackAnswer.succeed(parse_json(payload, what=f"--callback {name}"), source="--callback")


def _answer_from_spec(name: str, spec: Any, *, source: str) -> CallbackAnswer:
    where = f"{source}: answer for {name!r}"
    if not isinstance(spec, dict) or len(spec) != 1 or next(iter(spec)) not in ANSWER_ACTIONS:
        raise LocalRunError(
            f"{where} must be an object with exactly one key, one of {', '.join(ANSWER_ACTIONS)} "
            f'(e.g. {{"succeed": {{"approved": true}}}}), got {json.dumps(spec)[:80]}'
        )
    action, value = next(iter(spec.items()))
    if action == "succeed":
        return CallbackAnswer.succeed(value, source=source)
    if action == "timeout":
        if value is not True:
            raise LocalRunError(f'{where}: "timeout" must be true, got {json.dumps(value)}')
        return CallbackAnswer.timeout(source=source)
    if isinstance(value, str):
        return CallbackAnswer.fail(value, source=source)
    if isinstance(value, dict) and set(value) <= {"message", "type"}:
        return CallbackAnswer.fail(value.get("message"), error_type=value.get("type"), source=source)
    raise LocalRunError(
        f'{where}: "fail" must be a message string or {{"message": ..., "type": ...}}, '
        f"got {json.dumps(value)}"
    )


def load_answers(value: str | Path) -> dict[str, list[CallbackAnswer]]:
    """An answers file: ``{"name": {"succeed": payload} | {"fail": msg} | {"timeout": true} | [ ... ]}``.

    A list answers the callbacks of that name in the order they are created.
    """
    text = str(value)
    source = f"answers file {text.removeprefix('@')}"
    data = parse_json(text if text.startswith("@") else "@" + text, what="answers")
    if not isinstance(data, dict):
        raise LocalRunError(
            f"{source} must hold a JSON object of callback name -> answer, got {type(data).__name__}"
        )
    answers: dict[str, list[CallbackAnswer]] = {}
    for name, spec in data.items():
        specs = spec if isinstance(spec, list) else [spec]
        answers[name] = [_answer_from_spec(name, s, source=source) for s in specs]
    return answers


# --- history ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OperationEvent:
    """One change of one operation, as it happened (built from a history event)."""

    event_type: str
    operation_id: str
    name: str
    display_name: str
    op_type: str
    sub_type: str | None
    status: str
    depth: int
    timestamp: datetime
    duration_seconds: float | None = None
    callback_id: str | None = None
    attempt: int | None = None
    next_attempt_seconds: float | None = None
    error: str | None = None


@dataclass(frozen=True)
class PendingCallback:
    """A callback the execution waits for."""

    name: str
    operation_name: str
    callback_id: str
    occurrence: int


@dataclass
class OperationRow:
    operation_id: str
    name: str
    op_type: str
    sub_type: str | None
    depth: int
    status: str
    started: datetime
    ended: datetime | None = None
    attempts: int = 0
    error: str | None = None

    @property
    def duration_seconds(self) -> float | None:
        return (self.ended - self.started).total_seconds() if self.ended else None


@dataclass(frozen=True)
class RunReport:
    """What happened: final status, result (decoded JSON when possible), error, operations in order."""

    execution_arn: str
    status: str
    result: Any
    error: dict[str, Any] | None
    operations: list[OperationRow]
    answered: list[tuple[PendingCallback, CallbackAnswer]] = field(default_factory=list)


def callback_display_name(operation_name: str | None) -> str:
    """``"agent-review create callback id"`` -> ``"agent-review"``; other names unchanged."""
    name = operation_name or "(unnamed callback)"
    return name.removesuffix(WAIT_FOR_CALLBACK_SUFFIX)


def _op_type(event_type: str) -> str:
    for prefix, op_type in _TYPE_PREFIXES:
        if event_type.startswith(prefix):
            return op_type
    return event_type.upper()


def _event_status(event_type: str) -> str:
    for suffix, status in _EVENT_STATUS.items():
        if event_type.endswith(suffix):
            return status
    return event_type.upper()


def _details(event: Mapping[str, Any]) -> Mapping[str, Any]:
    for key, value in event.items():
        if key.endswith("Details") and isinstance(value, dict):
            return value
    return {}


def _error_text(details: Mapping[str, Any]) -> str | None:
    payload = (details.get("Error") or {}).get("Payload") or {}
    if not payload:
        return None
    kind = str(payload.get("ErrorType") or "Error").rsplit(".", 1)[-1]
    return f"{kind}: {payload.get('ErrorMessage', '')}"


class HistoryTracker:
    """Turns history events (as dicts) into :class:`OperationEvent` s and per-operation rows."""

    def __init__(self) -> None:
        self.rows: dict[str, OperationRow] = {}
        self._parents: dict[str, str | None] = {}
        self.seen = 0

    def _depth(self, parent_id: str | None) -> int:
        depth = 0
        while parent_id is not None:
            depth += 1
            parent_id = self._parents.get(parent_id)
        return depth

    def feed(self, event: Mapping[str, Any]) -> OperationEvent | None:
        event_type = str(event["EventType"])
        if event_type.startswith(("Execution", "Invocation")):
            return None
        op_id = str(event.get("Id"))
        timestamp: datetime = event["EventTimestamp"]
        op_type = _op_type(event_type)
        status = _event_status(event_type)
        details = _details(event)
        name = str(event.get("Name") or "")
        display = callback_display_name(name) if op_type == "CALLBACK" else (name or f"({op_type.lower()})")
        self._parents.setdefault(op_id, event.get("ParentId"))
        depth = self._depth(event.get("ParentId"))
        row = self.rows.get(op_id)
        if row is None:
            row = OperationRow(op_id, display, op_type, event.get("SubType"), depth, status, timestamp)
            self.rows[op_id] = row
        attempt: int | None = None
        next_attempt: float | None = None
        retry = details.get("RetryDetails") or {}
        if status == "STARTED":
            row.status = "STARTED"
            if op_type == "STEP":
                row.attempts += 1
        else:
            row.status = status
            row.ended = timestamp
            row.error = _error_text(details)
            delay = retry.get("NextAttemptDelaySeconds") if retry else None
            # A retry waits at least WAIT_MIN_SECONDS; the final failure reports a delay of 0 (or none).
            if status == "FAILED" and delay is not None and delay >= p.WAIT_MIN_SECONDS:
                row.status = "RETRYING"
                row.ended = None
                attempt = retry.get("CurrentAttempt")
                next_attempt = float(delay)
        duration = (timestamp - row.started).total_seconds() if status != "STARTED" else None
        return OperationEvent(
            event_type=event_type,
            operation_id=op_id,
            name=name,
            display_name=display,
            op_type=op_type,
            sub_type=event.get("SubType"),
            status=row.status,
            depth=depth,
            timestamp=timestamp,
            duration_seconds=duration,
            callback_id=details.get("CallbackId") if op_type == "CALLBACK" else None,
            attempt=attempt,
            next_attempt_seconds=next_attempt,
            error=row.error if status != "STARTED" else None,
        )


def _pending_callbacks(events: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(operation name, callback id) of callbacks not completed whose creating invocation has settled."""
    completed = {
        e.get("Id")
        for e in events
        if e["EventType"] in ("CallbackSucceeded", "CallbackFailed", "CallbackTimedOut")
    }
    pending: list[tuple[str, str]] = []
    for index, event in enumerate(events):
        if event["EventType"] != "CallbackStarted" or event.get("Id") in completed:
            continue
        if not any(e["EventType"] == "InvocationCompleted" for e in events[index + 1 :]):
            continue  # the invocation that created it is still running (its submitter may not have run)
        callback_id = _details(event).get("CallbackId")
        if callback_id:
            pending.append((str(event.get("Name") or ""), str(callback_id)))
    return pending


# --- running ------------------------------------------------------------------------------------------


def _last_invocation(events: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    return next((e for e in reversed(events) if e["EventType"] == "InvocationCompleted"), None)


AskFunction = Callable[[PendingCallback], CallbackAnswer]


class _Answers:
    """Scripted answers by callback name, consumed in order; tracks which names were used."""

    def __init__(self, answers: Mapping[str, Sequence[CallbackAnswer]] | None) -> None:
        self._queues = {name: list(items) for name, items in (answers or {}).items()}
        self.used: set[str] = set()

    def take(self, pending: PendingCallback) -> CallbackAnswer | None:
        for key in (pending.operation_name, pending.name):
            queue = self._queues.get(key)
            if queue:
                self.used.add(key)
                return queue.pop(0) if len(queue) > 1 else queue[0]
        return None

    def unused(self) -> list[str]:
        return sorted(set(self._queues) - self.used)


@contextlib.contextmanager
def _quiet_sdk_logs(on_log: Callable[[logging.LogRecord], None] | None) -> Iterator[None]:
    """Silence the SDKs' own loggers; route the handler's ``context.logger`` records to ``on_log``."""
    saved = {name: logging.getLogger(name).level for name in _SDK_LOGGERS}
    for name in _SDK_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    root = logging.getLogger()
    saved_root = root.level
    capture: logging.Handler | None = None
    if on_log is not None:
        callback = on_log

        class _Capture(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                if record.name == "root":
                    callback(record)

        capture = _Capture(logging.INFO)
        root.addHandler(capture)
        root.setLevel(min(saved_root, logging.INFO) if saved_root else logging.INFO)
    try:
        yield
    finally:
        if capture is not None:
            root.removeHandler(capture)
        root.setLevel(saved_root)
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def _send(
    runner: DurableFunctionTestRunner, execution_arn: str, callback_id: str, answer: CallbackAnswer
) -> None:
    from aws_durable_execution_sdk_python.lambda_service import ErrorObject

    if answer.action == "succeed":
        runner.send_callback_success(callback_id, result=json.dumps(answer.payload).encode("utf-8"))
    elif answer.action == "fail":
        runner.send_callback_failure(
            callback_id,
            error=ErrorObject(
                message=answer.error_message, type=answer.error_type, data=None, stack_trace=None
            ),
        )
    else:
        expire_callback(runner, execution_arn, callback_id)


def expire_callback(runner: DurableFunctionTestRunner, execution_arn: str, callback_id: str) -> None:
    """Time a callback out now, through the runner's own timeout path.

    The testing SDK arms callback timeouts in real time (an 8-hour review would take 8 hours) and
    has no public call to fire one, so this uses its executor's handler: the history gets the same
    ``CallbackTimedOut`` event and the handler the same ``CallbackTimeoutError`` as when the timer
    fires. ``tests/cli/test_run.py`` covers it, so an SDK change breaks loudly.
    """
    executor = runner._executor
    executor._on_callback_timeout(execution_arn, callback_id)


def _decode(payload: Any) -> Any:
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except json.JSONDecodeError:
            return payload
    return payload


def run_handler(
    handler: Callable[..., Any],
    event: Any,
    *,
    answers: Mapping[str, Sequence[CallbackAnswer]] | None = None,
    ask: AskFunction | None = None,
    on_event: Callable[[OperationEvent], None] | None = None,
    on_answer: Callable[[PendingCallback, CallbackAnswer], None] | None = None,
    on_log: Callable[[logging.LogRecord], None] | None = None,
    on_suspend: Callable[[int], None] | None = None,
    real_time: bool = False,
    poll_interval: float = DEFAULT_POLL_INTERVAL,
    wall_timeout: float | None = None,
    execution_name: str = "local-run",
) -> RunReport:
    """Run ``handler`` on ``event`` to completion and return what happened.

    Each pending callback is answered from ``answers`` (by its name, e.g. ``agent-review`` for
    ``wait_for_callback(name="agent-review")``), else by ``ask``; with neither,
    :class:`LocalRunError` names the callback. After the run, an answer name that no callback used
    is an error too (a typo would otherwise go unnoticed). ``on_suspend(n)`` is called when
    invocation ``n`` ends with the execution still running (suspended: the next invocation replays
    it). ``wall_timeout`` bounds the real time.
    """
    from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

    try:
        payload = json.dumps(event)
    except (TypeError, ValueError) as e:
        raise LocalRunError(f"event is not JSON-serializable: {e}") from None
    script = _Answers(answers)
    tracker = HistoryTracker()
    answered: list[tuple[PendingCallback, CallbackAnswer]] = []
    handled: set[str] = set()
    occurrences: dict[str, int] = {}
    invocations = 0
    started_at = time.monotonic()

    with (
        _quiet_sdk_logs(on_log),
        DurableFunctionTestRunner(
            handler=handler, poll_interval=poll_interval, skip_time=not real_time
        ) as runner,
    ):
        arn = runner.run_async(
            input=payload, execution_timeout=DEFAULT_EXECUTION_TIMEOUT_SECONDS, execution_name=execution_name
        )
        while True:
            events = [
                e.to_dict() for e in runner.get_execution_history(arn, include_execution_data=True).events
            ]
            status = next(
                (TERMINAL_EVENTS[e["EventType"]] for e in events if e["EventType"] in TERMINAL_EVENTS), None
            )
            last_invocation = _last_invocation(events)
            for raw in events[tracker.seen :]:
                op_event = tracker.feed(raw)
                if op_event is not None and on_event is not None:
                    on_event(op_event)
                if raw["EventType"] == "InvocationCompleted":
                    invocations += 1
                    # The last invocation of a finished execution completed it; the others suspended it.
                    if on_suspend is not None and not (status is not None and raw is last_invocation):
                        on_suspend(invocations)
            tracker.seen = len(events)
            if status is not None:
                break
            progressed = False
            for operation_name, callback_id in _pending_callbacks(events):
                if callback_id in handled:
                    continue
                name = callback_display_name(operation_name)
                occurrences[name] = occurrences.get(name, 0) + 1
                pending = PendingCallback(name, operation_name, callback_id, occurrences[name])
                answer = script.take(pending)
                if answer is None and ask is not None:
                    answer = ask(pending)
                if answer is None:
                    hint = f"; unused answers for: {', '.join(script.unused())}" if script.unused() else ""
                    raise LocalRunError(
                        f"no answer for callback {name!r} (callback id {callback_id}): pass "
                        f"--callback {name}=JSON, --fail-callback {name}, --timeout-callback {name} "
                        f"or --answers FILE{hint}"
                    )
                if on_answer is not None:
                    on_answer(pending, answer)
                _send(runner, arn, callback_id, answer)
                handled.add(callback_id)
                answered.append((pending, answer))
                progressed = True
            if wall_timeout is not None and time.monotonic() - started_at > wall_timeout:
                raise LocalRunError(f"the execution did not finish within {wall_timeout:g} s of real time")
            if not progressed:
                time.sleep(poll_interval)
        result = runner.wait_for_result(arn, timeout=60)

    unused = script.unused()
    if unused:
        seen = sorted({p.name for p, _ in answered}) or ["none"]
        raise LocalRunError(
            f"unknown callback name{'s' if len(unused) > 1 else ''} {', '.join(repr(u) for u in unused)}: "
            f"this execution created callbacks {', '.join(seen)}"
        )
    error = None
    if result.error is not None:
        error = {"type": result.error.type, "message": result.error.message}
    return RunReport(
        execution_arn=arn,
        status=status,
        result=_decode(result.result),
        error=error,
        operations=list(tracker.rows.values()),
        answered=answered,
    )


# --- rendering ---------------------------------------------------------------------------------------


def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.1f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def format_event(event: OperationEvent) -> str:
    indent = "  " * event.depth
    line = f"  {event.op_type:<8} {indent + event.display_name:<38} {event.status:<10}"
    if event.status == "RETRYING":
        delay = format_duration(event.next_attempt_seconds)
        return f"{line} attempt {event.attempt} failed ({event.error}); next in {delay}"
    if event.status == "STARTED":
        if event.callback_id:
            return f"{line} waiting for callback {event.callback_id}"
        return line
    line = f"{line} {format_duration(event.duration_seconds):>8}"
    return f"{line}  {event.error}" if event.error else line


def should_show(event: OperationEvent) -> bool:
    """Completions of every operation; starts only where something waits (callbacks, waits)."""
    return event.status != "STARTED" or event.op_type in ("CALLBACK", "WAIT", "INVOKE")


def render_history(operations: Sequence[OperationRow]) -> str:
    header = ("#", "operation", "type", "status", "duration", "attempts", "error")
    rows = [
        (
            str(i),
            "  " * op.depth + op.name,
            op.op_type
            if not op.sub_type or op.sub_type.upper() == op.op_type
            else f"{op.op_type}/{op.sub_type}",
            op.status,
            format_duration(op.duration_seconds),
            str(op.attempts) if op.op_type == "STEP" else "",
            op.error or "",
        )
        for i, op in enumerate(operations, 1)
    ]
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- interactive answers -------------------------------------------------------------------------------

PROMPT_CHOICES = ("approve", "reject", "edit", "json", "fail", "timeout")


def prompt_answer(pending: PendingCallback) -> CallbackAnswer:
    """Ask on the terminal: approve / reject / edit (review-style payloads), raw JSON, fail, or time out."""
    click.echo(f"\n  callback {pending.name!r} is waiting (id {pending.callback_id})")
    choice = click.prompt(
        "  answer", type=click.Choice(PROMPT_CHOICES), default="approve", show_choices=True, err=True
    )
    if choice == "approve":
        return CallbackAnswer.succeed({"approved": True}, source="prompt")
    if choice == "reject":
        notes = click.prompt("  notes", default="", show_default=False, err=True)
        return CallbackAnswer.succeed({"approved": False, "agentNotes": notes or None}, source="prompt")
    if choice == "edit":
        edited = click.prompt("  edited response", err=True)
        notes = click.prompt("  notes", default="", show_default=False, err=True)
        return CallbackAnswer.succeed(
            {"approved": True, "editedResponse": edited, "agentNotes": notes or None}, source="prompt"
        )
    if choice == "json":
        while True:
            text = click.prompt("  JSON payload", err=True)
            try:
                return CallbackAnswer.succeed(json.loads(text), source="prompt")
            except json.JSONDecodeError as e:
                click.echo(f"  not JSON ({e.msg}); try again", err=True)
    if choice == "fail":
        message = click.prompt("  error message", default="rejected from cdk-durable run", err=True)
        return CallbackAnswer.fail(message, source="prompt")
    return CallbackAnswer.timeout(source="prompt")


# --- the command ----------------------------------------------------------------------------------------


def _collect_answers(
    answers_file: str | None, callbacks: Sequence[str], fail: Sequence[str], timeout: Sequence[str]
) -> dict[str, list[CallbackAnswer]]:
    answers: dict[str, list[CallbackAnswer]] = load_answers(answers_file) if answers_file else {}
    # Options override the file, per name.
    for value in callbacks:
        name, answer = parse_callback_option(value)
        answers[name] = [answer]
    for name in fail:
        answers[name] = [CallbackAnswer.fail(source="--fail-callback")]
    for name in timeout:
        answers[name] = [CallbackAnswer.timeout(source="--timeout-callback")]
    return answers


@click.command(name="run")
@click.argument("handler_spec", metavar="HANDLER")
@click.argument("event_value", metavar="EVENT")
@click.option(
    "--callback",
    "callbacks",
    multiple=True,
    metavar="NAME=JSON|@FILE",
    help="Complete callback NAME successfully with this JSON payload.",
)
@click.option("--fail-callback", "fail", multiple=True, metavar="NAME", help="Fail callback NAME.")
@click.option("--timeout-callback", "timeout", multiple=True, metavar="NAME", help="Time callback NAME out.")
@click.option(
    "--answers",
    "answers_file",
    metavar="FILE",
    help='JSON file: {"NAME": {"succeed": payload} | {"fail": "message"} | {"timeout": true}}.',
)
@click.option("--real-time", is_flag=True, help="Honour waits and retry delays (default: skip them).")
@click.option(
    "--interactive/--no-interactive",
    default=None,
    help="Ask for unanswered callbacks (default: only when stdin is a terminal).",
)
@click.option("--show-logs/--no-logs", default=True, help="Show the handler's context.logger output.")
def command(
    handler_spec: str,
    event_value: str,
    callbacks: tuple[str, ...],
    fail: tuple[str, ...],
    timeout: tuple[str, ...],
    answers_file: str | None,
    real_time: bool,
    interactive: bool | None,
    show_logs: bool,
) -> None:
    """Run a durable HANDLER locally on EVENT and answer its callbacks.

    HANDLER is module:function or path/to/file.py:function (function defaults to `handler`);
    EVENT is a JSON string or @file.json. Exit status: 0 if the execution succeeded, 3 if it
    ended FAILED, TIMED_OUT or STOPPED, 1 for a bad input (2: click's own usage errors).
    """
    try:
        report = run_from_options(
            handler_spec,
            event_value,
            callbacks=callbacks,
            fail=fail,
            timeout=timeout,
            answers_file=answers_file,
            real_time=real_time,
            interactive=sys.stdin.isatty() if interactive is None else interactive,
            show_logs=show_logs,
        )
    except LocalRunError as e:
        click.echo(f"Error: {e}", err=True)
        sys.exit(1)
    sys.exit(0 if report.status == "SUCCEEDED" else EXIT_EXECUTION_NOT_SUCCEEDED)


def run_from_options(
    handler_spec: str,
    event_value: str,
    *,
    callbacks: Sequence[str] = (),
    fail: Sequence[str] = (),
    timeout: Sequence[str] = (),
    answers_file: str | None = None,
    real_time: bool = False,
    interactive: bool = False,
    show_logs: bool = True,
    echo: Callable[[str], None] = click.echo,
) -> RunReport:
    """What ``cdk-durable run`` does, callable from Python (``demo.scenarios`` uses it)."""
    answers = _collect_answers(answers_file, callbacks, fail, timeout)
    event = load_event(event_value)
    handler = load_handler(handler_spec)
    mode = "real time" if real_time else "skipping waits (--real-time to honour them)"
    echo(f"▶ {handler_spec}  [{mode}]")

    def on_event(event: OperationEvent) -> None:
        if should_show(event):
            echo(format_event(event))

    def on_answer(pending: PendingCallback, answer: CallbackAnswer) -> None:
        echo(f"  {'answer':<8} {pending.name} <- {answer.describe()}  [{answer.source}]")

    def on_suspend(invocation: int) -> None:
        echo(f"  {'suspend':<8} invocation {invocation} ended; the execution waits (the next one replays it)")

    report = run_handler(
        handler,
        event,
        answers=answers,
        ask=prompt_answer if interactive else None,
        on_event=on_event,
        on_answer=on_answer,
        on_log=(lambda r: echo(f"  {'log':<8} {r.levelname.lower()}: {r.getMessage()}"))
        if show_logs
        else None,
        on_suspend=on_suspend,
        real_time=real_time,
    )
    echo("")
    echo(f"Status: {report.status}")
    if report.error:
        echo(f"Error:  {report.error['type']}: {report.error['message']}")
    echo(f"Result: {json.dumps(report.result, indent=2) if report.result is not None else 'null'}")
    echo("")
    echo("History:")
    echo(render_history(report.operations))
    return report
