"""The runner loop: start an execution on the testing SDK's runner, follow its history, answer callbacks.

:func:`run_handler` starts the execution on ``DurableFunctionTestRunner`` (from
``aws-durable-execution-sdk-python-testing``; install ``cdk-durable[local]``), registers every
chained-invoke target, then follows the history as it grows:

- **Incremental, linear**: a cheap change probe decides when to read; each read starts at a marker
  after the last event seen (one event of overlap checks nothing moved), and reads are spaced so
  reading never costs more than about a tenth of the run. Events are folded once, into the shared
  model (:class:`cdk_durable._history.HistoryBuilder`).
- **Callbacks as AWS does them**: scripted answers, then ``ask``; with neither, a callback that has
  a timeout or heartbeat timeout times out (the clock skips to it unless ``real_time``); one with no
  timeout at all is a :class:`LocalRunError` naming it.
- **Isolated invocations**: a :class:`FunctionSpec` handler runs in a worker process
  (:mod:`.worker`); a crash there is reported like Lambda's ``Runtime.ExitError`` for that
  invocation (``InvocationCompleted`` with an ``Error`` in the history) and the execution is
  re-invoked and replays.

Waits and retry delays are skipped by default: the history keeps the modelled durations.
"""

from __future__ import annotations

import contextlib
import json
import logging
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._history import (
    EXECUTION_TERMINAL,
    History,
    HistoryBuilder,
    Operation,
    history_document,
    open_callbacks,
    parse_history,
)
from ..platform import INVOCATION_TIMEOUT_DEFAULT_SECONDS, INVOCATION_TIMEOUT_MAX_SECONDS
from . import _sdk
from .answers import AnswerScript, CallbackAnswer
from .endpoint import LocalEndpoint, check_checkpoint_size
from .inputs import (
    DEFAULT_EXECUTION_TIMEOUT_SECONDS,
    DEFAULT_REGION,
    LOCAL_ACCOUNT_ID,
    FunctionSpec,
    LocalRunError,
    lambda_environment,
)
from .node import is_node_handler, node_init, node_runtime
from .worker import InvocationTimeoutError, RuntimeExitError, WorkerPool, WorkerStartError

if TYPE_CHECKING:  # pragma: no cover
    from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

#: The shortest pause between two history reads (the testing SDK's own default is 1 s, which
#: costs a second per callback).
DEFAULT_POLL_INTERVAL = 0.005
#: Reading the history may take at most this share of the run (reads are spaced accordingly).
READ_BUDGET = 0.1
#: Events per history page (the local service builds the whole history on every call, so few,
#: large pages are cheapest; every page is read).
HISTORY_PAGE_SIZE = 100_000
_SDK_LOGGERS = ("aws_durable_execution_sdk_python", "aws_durable_execution_sdk_python_testing")

AskFunction = Callable[[Operation], CallbackAnswer | None]


@dataclass(frozen=True)
class Crash:
    """An invocation whose process ended (``Runtime.ExitError``) or timed out (``Sandbox.Timedout``)."""

    function: str
    message: str
    started: datetime
    ended: datetime
    #: ``Runtime.ExitError`` (the process ended) or ``Sandbox.Timedout`` (it ran past its timeout).
    error_type: str = "Runtime.ExitError"

    @property
    def event(self) -> dict[str, Any]:
        """The ``InvocationCompleted`` history event AWS records for it."""
        return {
            "EventType": "InvocationCompleted",
            "EventTimestamp": self.ended,
            "InvocationCompletedDetails": {
                "StartTimestamp": self.started,
                "EndTimestamp": self.ended,
                "RequestId": self.message.split(" ", 2)[1] if self.message.startswith("RequestId: ") else "",
                "Error": {"Payload": {"ErrorType": self.error_type, "ErrorMessage": self.message}},
            },
        }


@dataclass(frozen=True)
class RunReport:
    """What happened: final status, result (decoded JSON when possible), error, the history."""

    execution_arn: str
    status: str
    result: Any
    error: dict[str, Any] | None
    history: History
    events: list[dict[str, Any]]
    answered: list[tuple[Operation, CallbackAnswer]] = field(default_factory=list)
    crashes: list[Crash] = field(default_factory=list)

    @property
    def operations(self) -> list[Operation]:
        return self.history.operations

    def history_document(self) -> dict[str, Any]:
        """The history as ``aws lambda get-durable-execution-history`` prints it (botocore names)."""
        return history_document(self.events)


def run_history(report: RunReport) -> dict[str, Any]:
    """The finished run's history as the botocore-shaped dict ``cdk-durable diagnose`` reads."""
    return report.history_document()


# --- the execution's functions ------------------------------------------------------------------------


def invocation_timeout_of(spec: FunctionSpec, override: int | None = None) -> int:
    """Seconds one invocation of ``spec`` may take: ``override`` (``--timeout``), else the function's
    ``Timeout``, else Lambda's default (3 s); never more than Lambda's 900 s."""
    seconds = override or spec.timeout_seconds or INVOCATION_TIMEOUT_DEFAULT_SECONDS
    return min(seconds, INVOCATION_TIMEOUT_MAX_SECONDS)


def _pool_key(spec: FunctionSpec) -> str:
    """Workers are per function *and* handler (two functions may share a name stem)."""
    return f"{spec.name}|{spec.handler}|{spec.code_dir or ''}"


class _Functions:
    """Handlers the runner invokes: in-process callables, or :class:`FunctionSpec` s in workers.

    A Python handler's SDK calls come back over the worker's pipe and are answered here; a Node.js
    handler's SDK checkpoints over HTTP, as on ``cdk-durable serve``, at a :class:`.LocalEndpoint` over
    this run's executor (started with the first Node.js function).
    """

    def __init__(
        self,
        runner: DurableFunctionTestRunner,
        *,
        region: str,
        on_log: Callable[[str, str], None] | None,
        on_crash: Callable[[Crash], None],
        invocation_timeout: int | None = None,
    ) -> None:
        self.runner = runner
        self.invocation_timeout = invocation_timeout
        self.region = region
        self.pool = WorkerPool()
        self.on_log = on_log
        self.on_crash = on_crash
        self.cwd = Path.cwd()
        self._endpoint: LocalEndpoint | None = None
        self._bundles: tempfile.TemporaryDirectory[str] | None = None
        self._node_inits: dict[str, dict[str, Any]] = {}
        self.closing = False

    def _node_init(self, spec: FunctionSpec) -> dict[str, Any]:
        key = _pool_key(spec)
        found = self._node_inits.get(key)
        if found is None:
            if self._bundles is None:  # TypeScript bundles live as long as the run
                self._bundles = tempfile.TemporaryDirectory(prefix="cdk-durable-run-")
            found = self._node_inits[key] = node_init(spec, self.cwd, Path(self._bundles.name))
        return found

    def _setup(self, spec: FunctionSpec) -> tuple[dict[str, Any], dict[str, str]]:
        import os

        day = _sdk.now(self.runner).strftime("%Y/%m/%d")
        node = is_node_handler(spec.handler)
        lambda_env = lambda_environment(
            node_runtime(spec) if node else spec, region=self.region, day=day, stream_id=uuid.uuid4().hex
        )
        env = {**os.environ, **lambda_env}
        if not node:
            init = {
                "handler": spec.handler,
                "durable": spec.durable,
                "code_dir": str(spec.code_dir) if spec.code_dir else None,
                "sys_path": [str(self.cwd)],
            }
            return init, env
        if self._endpoint is None:
            self._endpoint = LocalEndpoint(_sdk.executor(self.runner))
        env["AWS_ENDPOINT_URL_LAMBDA"] = self._endpoint.url
        env.setdefault("AWS_ACCESS_KEY_ID", "local")  # Lambda always gives credentials; the endpoint
        env.setdefault("AWS_SECRET_ACCESS_KEY", "local")  # accepts any
        return self._node_init(spec), env

    def start(self, spec: FunctionSpec) -> None:
        init, env = self._setup(spec)
        try:
            self.pool.start(_pool_key(spec), init, env, self.cwd)
        except WorkerStartError as e:
            raise LocalRunError(str(e)) from None

    def timeout_of(self, spec: FunctionSpec) -> int:
        """Seconds one invocation of ``spec`` may take (see :func:`invocation_timeout_of`)."""
        return invocation_timeout_of(spec, self.invocation_timeout)

    def durable(self, spec: FunctionSpec) -> Callable[..., Any]:
        from aws_durable_execution_sdk_python.execution import DurableExecutionInvocationInput

        init, env = self._setup(spec)
        runner = self.runner
        node = init.get("runtime") == "node"

        def handler(event: Any, context: Any) -> Any:
            payload = DurableExecutionInvocationInput(
                durable_execution_arn=event.durable_execution_arn,
                checkpoint_token=event.checkpoint_token,
                initial_execution_state=event.initial_execution_state,
                updated_operation_ids=event.updated_operation_ids,
            )
            service = event.service_client

            def serve(method: str, args: tuple[Any, ...]) -> Any:
                positional, keywords = args
                if method == "checkpoint":
                    updates = keywords.get("updates", positional[2] if len(positional) > 2 else [])
                    check_checkpoint_size([(u.operation_id, u.payload) for u in updates])
                return getattr(service, method)(*positional, **keywords)

            # A Node.js handler gets Lambda's JSON event and checkpoints over HTTP (the endpoint).
            message = (
                ("invoke", "plain", payload.to_json_dict(), context)
                if node
                else ("invoke", "durable", payload, context)
            )
            started = _sdk.now(runner)
            try:
                return self.pool.invoke(
                    _pool_key(spec),
                    init,
                    env,
                    self.cwd,
                    message,
                    serve,
                    self.on_log,
                    self.timeout_of(spec),
                )
            except RuntimeExitError as e:
                if not self.closing:  # a worker stopped because the run is ending is no crash
                    self.on_crash(Crash(spec.name, str(e), started, _sdk.now(runner)))
                raise
            except InvocationTimeoutError as e:
                self.on_crash(Crash(spec.name, str(e), started, _sdk.now(runner), "Sandbox.Timedout"))
                raise
            except WorkerStartError as e:
                raise LocalRunError(str(e)) from None

        return handler

    def plain(self, spec: FunctionSpec) -> Callable[..., Any]:
        init, env = self._setup(spec)

        def handler(event: Any, context: Any) -> Any:
            return self.pool.invoke(
                _pool_key(spec),
                init,
                env,
                self.cwd,
                ("invoke", "plain", event, context),
                lambda method, args: None,
                self.on_log,
                self.timeout_of(spec),
            )

        return handler

    def register(self, spec: FunctionSpec, *, default_timeout: int) -> None:
        # The testing SDK resolves every form Invoke accepts (name, name:qualifier, partial and
        # full ARNs, aliases) to the bare name, so one registration covers them all.
        if spec.durable:
            self.runner.register_durable_function(
                spec.name,
                self.durable(spec),
                execution_timeout=spec.execution_timeout_seconds or default_timeout,
            )
        else:
            self.runner.register_function(spec.name, self.plain(spec))

    def close(self) -> None:
        self.closing = True
        self.pool.close()
        if self._endpoint is not None:
            self._endpoint.close()
        if self._bundles is not None:
            self._bundles.cleanup()


# --- reading the history --------------------------------------------------------------------------------


def _event_key(event: Mapping[str, Any]) -> tuple[Any, ...]:
    """What identifies an event whatever its ``EventId``."""
    return (event["EventType"], event.get("Id"), event["EventTimestamp"])


def _same_event(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    keys = ("EventId", "EventType", "Id", "EventTimestamp")
    return all(a.get(k) == b.get(k) for k in keys)


class HistoryReader:
    """Reads an execution's history from a marker: each event is converted and returned once."""

    def __init__(self, runner: DurableFunctionTestRunner, execution_arn: str) -> None:
        self._runner = runner
        self.execution_arn = execution_arn
        self.last: dict[str, Any] | None = None
        self.reads = 0
        self.read_seconds = 0.0
        self.last_read_seconds = 0.0
        self._updates_scanned = 0
        self._invocations_seen = 0
        self._callback_options: dict[str, tuple[int, int]] = {}

    def probe(self) -> tuple[int, int, bool]:
        """Cheap: changes whenever the history gains an event."""
        return _sdk.probe(self._runner, self.execution_arn)

    def _page(self, marker: str | None) -> tuple[list[dict[str, Any]], str | None]:
        return _sdk.history_page(self._runner, self.execution_arn, marker, HISTORY_PAGE_SIZE)

    def read_all(self) -> list[dict[str, Any]]:
        """The whole history, once (for the finished execution's record)."""
        self._invocations_seen = 0
        events, next_marker = self._page(None)
        while next_marker:
            page, next_marker = self._page(next_marker)
            events.extend(page)
        self._complete(events)
        return events

    def _complete(self, events: list[dict[str, Any]]) -> None:
        """Fill in what the testing SDK's events leave out and AWS's carry."""
        for event in events:
            if event["EventType"] == "CallbackStarted":
                self._add_callback_timeouts(event)
            elif event["EventType"] == "InvocationCompleted":
                self._add_invocation_details(event)

    def _add_invocation_details(self, event: dict[str, Any]) -> None:
        """``InvocationCompletedDetails`` (start, end, request id): the testing SDK drops them when it
        numbers events; they are its invocation records, in the same order."""
        completions = _sdk.invocations(self._runner, self.execution_arn)
        if self._invocations_seen < len(completions) and "InvocationCompletedDetails" not in event:
            completion = completions[self._invocations_seen]
            event["InvocationCompletedDetails"] = {
                "StartTimestamp": completion.start,
                "EndTimestamp": completion.end,
                "RequestId": completion.request_id,
            }
        self._invocations_seen += 1

    def _add_callback_timeouts(self, event: dict[str, Any]) -> None:
        """The testing SDK leaves ``Timeout``/``HeartbeatTimeout`` out of ``CallbackStartedDetails``
        (AWS records them); they are in the checkpoint that created the callback."""
        details = event.setdefault("CallbackStartedDetails", {})
        if details.get("Timeout") or details.get("HeartbeatTimeout"):
            return
        found, self._updates_scanned = _sdk.callback_options(
            self._runner, self.execution_arn, self._updates_scanned
        )
        self._callback_options.update(found)
        options = self._callback_options.get(str(event.get("Id")))
        if options is not None:
            timeout, heartbeat = options
            if timeout:
                details["Timeout"] = timeout
            if heartbeat:
                details["HeartbeatTimeout"] = heartbeat

    def read_new(self) -> tuple[list[dict[str, Any]], bool]:
        """(new events, whether the history was rewritten so they restart from the first event).

        The local service builds its history view without a lock, so a view taken while a
        checkpoint lands can be momentarily out of order; the overlap event catches that and the
        read starts over. :meth:`read_all` after the execution ends gives the settled history.
        """
        started = time.perf_counter()
        self.reads += 1
        marker = str(self.last["EventId"]) if self.last else None
        events, next_marker = self._page(marker)
        reset = False
        if self.last is not None:
            if not events:  # a view taken mid-update (the service builds it unlocked): read again later
                self.last_read_seconds = time.perf_counter() - started
                self.read_seconds += self.last_read_seconds
                return [], False
            if _same_event(events[0], self.last):
                events = events[1:]
            else:  # an event landed before one already seen (a view taken mid-update): start over
                events, next_marker = self._page(None)
                self._invocations_seen = 0
                reset = True
        while next_marker:
            page, next_marker = self._page(next_marker)
            events.extend(page)
        self._complete(events)
        if events:
            self.last = events[-1]
        self.last_read_seconds = time.perf_counter() - started
        self.read_seconds += self.last_read_seconds
        return events, reset


# --- execution timeouts in skipped time ----------------------------------------------------------------

#: Real seconds a wake is held back when an execution's timeout, which comes first, fires instead.
TIMEOUT_GRACE_SECONDS = 1.0


def enforce_execution_timeouts(runner: DurableFunctionTestRunner) -> None:
    """Make each execution's ExecutionTimeout fire in skipped time, as it would on AWS.

    The testing SDK arms execution timeouts in real time, and its skipping clock jumps straight to
    the next wake (a 7-day wait passes at once), so an execution whose waits outlast its timeout
    would succeed locally. This wraps the clock's ``arm``: when the wake lies past the deadline of a
    running execution (the one under test or a chained child), the clock skips only to that
    deadline and the execution times out there, through the executor's own ``on_timed_out``.
    """
    fired: set[str] = set()
    lock = threading.Lock()

    def arm(original_arm: Callable[[datetime], float], wake: datetime) -> float:
        with lock:
            due = [d for d in _sdk.running_deadlines(runner) if d[1] not in fired and d[0] < wake]
            if not due:
                return float(original_arm(wake))
            deadline, arn, timeout = min(due)
            original_arm(deadline)
            fired.add(arn)
        _sdk.time_out_execution(runner, arn, timeout)
        return TIMEOUT_GRACE_SECONDS

    _sdk.wrap_clock_arm(runner, arm)


# --- answering callbacks -----------------------------------------------------------------------------


def expire_callback(
    runner: DurableFunctionTestRunner, execution_arn: str, callback_id: str, *, heartbeat: bool = False
) -> None:
    """Time a callback out now, through the runner's own timeout path.

    The testing SDK arms callback timeouts in real time (an 8-hour review would take 8 hours) and
    has no public call to fire one, so this uses its executor's handlers: the history gets the same
    ``CallbackTimedOut`` event and the handler the same ``CallbackTimeoutError`` as when the timer
    fires. ``tests/cli/test_run.py`` covers it, so an SDK change breaks loudly.
    """
    _sdk.fire_callback_timeout(runner, execution_arn, callback_id, heartbeat=heartbeat)


def _timeout_of(callback: Operation, *, since: datetime) -> tuple[datetime, bool] | None:
    """When the callback times out on its own, and whether it is the heartbeat timeout."""
    deadlines: list[tuple[datetime, bool]] = []
    if callback.callback_timeout_seconds and callback.started:
        deadlines.append((callback.started + timedelta(seconds=callback.callback_timeout_seconds), False))
    if callback.heartbeat_timeout_seconds:
        deadlines.append((since + timedelta(seconds=callback.heartbeat_timeout_seconds), True))
    return min(deadlines) if deadlines else None


class _Callbacks:
    """Answers each pending callback once, in creation order."""

    def __init__(
        self,
        runner: DurableFunctionTestRunner,
        execution_arn: str,
        script: AnswerScript,
        ask: AskFunction | None,
        on_answer: Callable[[Operation, CallbackAnswer], None] | None,
        real_time: bool,
    ) -> None:
        self.runner = runner
        self.arn = execution_arn
        self.script = script
        self.ask = ask
        self.on_answer = on_answer
        self.real_time = real_time
        self.handled: set[str] = set()
        self.heartbeats: dict[str, datetime] = {}
        self.answered: list[tuple[Operation, CallbackAnswer]] = []

    def _skip_to(self, when: datetime) -> None:
        if not self.real_time:
            _sdk.skip_to(self.runner, when)

    def _send(self, callback: Operation, answer: CallbackAnswer) -> None:
        from aws_durable_execution_sdk_python.lambda_service import ErrorObject

        callback_id = str(callback.callback_id)
        if answer.action == "succeed":
            self.runner.send_callback_success(callback_id, result=json.dumps(answer.payload).encode("utf-8"))
        elif answer.action == "fail":
            error = ErrorObject(
                message=answer.error_message, type=answer.error_type, data=answer.error_data, stack_trace=None
            )
            self.runner.send_callback_failure(callback_id, error=error)
        elif answer.action == "heartbeat":
            self.runner.send_callback_heartbeat(callback_id)
            self.heartbeats[callback_id] = _sdk.now(self.runner)
        else:
            since = self.heartbeats.get(callback_id, callback.started or _sdk.now(self.runner))
            deadline = _timeout_of(callback, since=since)
            if deadline is not None:
                self._skip_to(deadline[0])
            expire_callback(self.runner, self.arn, callback_id, heartbeat=bool(deadline and deadline[1]))

    def answer(self, callback: Operation) -> bool:
        """Answer ``callback``; ``False`` when it is left to its own timer (``real_time``)."""
        callback_id = str(callback.callback_id)
        while True:
            answer = self.script.take(callback)
            if answer is None and self.ask is not None:
                answer = self.ask(callback)
            if answer is None:
                since = self.heartbeats.get(callback_id, callback.started or _sdk.now(self.runner))
                deadline = _timeout_of(callback, since=since)
                if deadline is None:
                    name = callback.display_name
                    unused = self.script.unused()
                    hint = f"; unused answers for: {', '.join(unused)}" if unused else ""
                    raise LocalRunError(
                        f"no answer for callback {name!r} (callback id {callback_id}) and it has no "
                        f"timeout: pass --callback {name}=JSON, --fail-callback {name}, "
                        f"--timeout-callback {name} or --answers FILE{hint}"
                    )
                which = "heartbeat timeout" if deadline[1] else "timeout"
                answer = CallbackAnswer.timeout(source=f"no answer: its {which}")
                if self.real_time:
                    if self.on_answer is not None:
                        self.on_answer(
                            callback,
                            CallbackAnswer.timeout(source=f"no answer: waits for its {which} in real time"),
                        )
                    self.handled.add(callback_id)
                    return False
            if self.on_answer is not None:
                self.on_answer(callback, answer)
            self._send(callback, answer)
            self.answered.append((callback, answer))
            if answer.action != "heartbeat":
                self.handled.add(callback_id)
                return True


# --- logs of in-process handlers -----------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_sdk_logs(on_log: Callable[[str, str], None] | None) -> Iterator[None]:
    """Silence the SDKs' own loggers; route in-process ``context.logger`` records to ``on_log``."""
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
                    callback(record.levelname.lower(), record.getMessage())

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


def _decode(payload: Any) -> Any:
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except json.JSONDecodeError:
            return payload
    return payload


# --- the loop ------------------------------------------------------------------------------------------


def run_handler(
    handler: Callable[..., Any] | FunctionSpec,
    event: Any,
    *,
    targets: Sequence[FunctionSpec] = (),
    answers: Mapping[str, Sequence[CallbackAnswer]] | None = None,
    ask: AskFunction | None = None,
    on_event: Callable[[Operation, HistoryBuilder], None] | None = None,
    on_answer: Callable[[Operation, CallbackAnswer], None] | None = None,
    on_log: Callable[[str, str], None] | None = None,
    on_suspend: Callable[[int], None] | None = None,
    on_crash: Callable[[Crash], None] | None = None,
    real_time: bool = False,
    poll_interval: float = DEFAULT_POLL_INTERVAL,
    wall_timeout: float | None = None,
    execution_name: str = "local-run",
    region: str = DEFAULT_REGION,
    execution_timeout_seconds: int | None = None,
    invocation_timeout_seconds: int | None = None,
) -> RunReport:
    """Run ``handler`` on ``event`` to completion and return what happened.

    ``handler`` is a :class:`FunctionSpec` (run in worker processes with Lambda's environment,
    crashes isolated) or a callable (run in this process: no isolation, no environment). Every
    ``targets`` function can be invoked with ``context.invoke`` under its name or ARN forms.
    Each pending callback is answered from ``answers`` (by its name, e.g. ``agent-review`` for
    ``wait_for_callback(name="agent-review")``, then ``*``), else by ``ask``, else by its own
    timeout; one without a timeout is a :class:`LocalRunError`. After the run, an answer name no
    callback used is an error too (a typo would otherwise go unnoticed). ``on_event(operation,
    builder)`` is called for each operation change as it is read; ``on_suspend(n)`` when
    invocation ``n`` ends with the execution still running. ``wall_timeout`` bounds real time.
    Each invocation may take ``invocation_timeout_seconds``
    (else the function's ``Timeout``, else 3 s): past it the worker is killed and the invocation fails
    as Lambda's ``Sandbox.Timedout``.
    """
    from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

    try:
        payload = json.dumps(event)
    except (TypeError, ValueError) as e:
        raise LocalRunError(f"event is not JSON-serializable: {e}") from None
    spec = handler if isinstance(handler, FunctionSpec) else None
    timeout = execution_timeout_seconds or (spec.execution_timeout_seconds if spec else None)
    timeout = timeout or DEFAULT_EXECUTION_TIMEOUT_SECONDS
    crashes: list[Crash] = []
    crash_lock = threading.Lock()

    def record_crash(crash: Crash) -> None:
        with crash_lock:
            crashes.append(crash)
        if on_crash is not None:
            on_crash(crash)

    def placeholder(event: Any, context: Any) -> Any:  # replaced below for a FunctionSpec
        raise AssertionError("unreachable")

    runner = DurableFunctionTestRunner(
        handler=handler if callable(handler) else placeholder,
        poll_interval=poll_interval,
        skip_time=not real_time,
        region=region,
    )
    if not real_time:
        # A failed invocation is retried after a real 5 s; skipped like every other delay.
        _sdk.no_retry_backoff(runner)
        enforce_execution_timeouts(runner)
    functions = _Functions(
        runner,
        region=region,
        on_log=on_log,
        on_crash=record_crash,
        invocation_timeout=invocation_timeout_seconds,
    )
    with _quiet_sdk_logs(on_log if spec is None else None):
        try:
            if spec is not None:
                functions.start(spec)
                _sdk.set_main_handler(runner, functions.durable(spec))
            for target in targets:
                functions.register(target, default_timeout=DEFAULT_EXECUTION_TIMEOUT_SECONDS)
            arn = runner.run_async(
                input=payload,
                execution_timeout=timeout,
                execution_name=execution_name,
                function_name=spec.name if spec else "test-function",
                account_id=LOCAL_ACCOUNT_ID,
            )
            return _follow(
                runner,
                arn,
                script=AnswerScript(answers),
                ask=ask,
                on_event=on_event,
                on_answer=on_answer,
                on_suspend=on_suspend,
                real_time=real_time,
                poll_interval=poll_interval,
                wall_timeout=wall_timeout,
                crashes=crashes,
                crash_lock=crash_lock,
            )
        finally:
            functions.close()
            runner.close()  # type: ignore[no-untyped-call]


def _follow(
    runner: DurableFunctionTestRunner,
    arn: str,
    *,
    script: AnswerScript,
    ask: AskFunction | None,
    on_event: Callable[[Operation, HistoryBuilder], None] | None,
    on_answer: Callable[[Operation, CallbackAnswer], None] | None,
    on_suspend: Callable[[int], None] | None,
    real_time: bool,
    poll_interval: float,
    wall_timeout: float | None,
    crashes: list[Crash],
    crash_lock: threading.Lock,
) -> RunReport:
    reader = HistoryReader(runner, arn)
    builder = HistoryBuilder(source="run")
    callbacks = _Callbacks(runner, arn, script, ask, on_answer, real_time)
    events: list[dict[str, Any]] = []
    created_at: dict[str, int] = {}  # callback id -> invocations completed when it was created
    children: dict[str, _ChildWatch] = {}  # chained durable children, whose callbacks need answers too
    shown: set[tuple[Any, ...]] = set()  # events already fed (their ids can change on a reset)
    crashes_seen = 0
    ended_invocation: int | None = None
    last_probe: tuple[int, int, bool] | None = None
    next_read = 0.0
    started_at = time.monotonic()

    def feed(raw: dict[str, Any], *, quiet: bool = False, crash: bool = False) -> None:
        operation = builder.feed(raw)
        nonlocal ended_invocation
        if raw["EventType"] in EXECUTION_TERMINAL:
            ended_invocation = None  # that invocation ended the execution
        elif ended_invocation is not None and not quiet:
            if on_suspend is not None:  # the execution went on after it: it suspended
                on_suspend(ended_invocation)
            ended_invocation = None
        if raw["EventType"] == "InvocationCompleted" and not (quiet or crash):
            ended_invocation = builder.invocations  # a suspension, unless the execution ends now
        if operation is None:
            return
        if operation.kind == "Callback" and operation.callback_id and operation.callback_id not in created_at:
            created_at[operation.callback_id] = builder.invocations
        if on_event is not None and not quiet:
            on_event(operation, builder)

    while True:
        with crash_lock:
            new_crashes = crashes[crashes_seen:]
            crashes_seen = len(crashes)
        for crash in new_crashes:
            feed(crash.event, crash=True)
        probe = reader.probe()
        now = time.monotonic()
        if probe != last_probe and now >= next_read:
            last_probe = probe
            new, reset = reader.read_new()
            if reset:  # fold again from the first event, showing only what was not shown yet
                events = new
                builder = HistoryBuilder(source="run")
                created_at.clear()
                for raw in new:
                    feed(raw, quiet=_event_key(raw) in shown)
                with crash_lock:
                    for crash in crashes[:crashes_seen]:
                        feed(crash.event, quiet=True)
            else:
                for raw in new:
                    feed(raw)
                events.extend(new)
            shown.update(_event_key(raw) for raw in new)
            # The terminal event follows the last InvocationCompleted: an invocation suspended the
            # execution only if the execution is still running after it.
            if ended_invocation is not None and not reader.probe()[2]:
                if on_suspend is not None:
                    on_suspend(ended_invocation)
                ended_invocation = None
            cost = reader.last_read_seconds
            next_read = time.monotonic() + max(poll_interval, cost / READ_BUDGET - cost)
            if builder.execution.status not in ("RUNNING", "PAUSED"):
                break
            if _answer_pending(builder, callbacks, created_at):
                last_probe = None  # something changed: read again soon
            for child_arn in _children_of(builder):
                if child_arn not in children:
                    child_callbacks = _Callbacks(runner, child_arn, script, ask, on_answer, real_time)
                    child_callbacks.answered = callbacks.answered  # one record of every answer
                    children[child_arn] = _ChildWatch(runner, child_arn, child_callbacks)
        for child in list(children.values()):
            if not child.done:
                child.poll()
                for grandchild in _children_of(child.builder):
                    if grandchild not in children:
                        children[grandchild] = _ChildWatch(runner, grandchild, child.callbacks)
        if wall_timeout is not None and time.monotonic() - started_at > wall_timeout:
            raise LocalRunError(f"the execution did not finish within {wall_timeout:g} s of real time")
        time.sleep(poll_interval)

    result = runner.wait_for_result(arn, timeout=60)
    events = reader.read_all()  # the settled history (live reads may have seen views mid-update)
    unused = script.unused()
    if unused:
        seen = sorted({op.display_name for op, _ in callbacks.answered}) or ["none"]
        raise LocalRunError(
            f"unknown callback name{'s' if len(unused) > 1 else ''} {', '.join(repr(u) for u in unused)}: "
            f"this execution created callbacks {', '.join(seen)}"
        )
    with crash_lock:
        all_crashes = list(crashes)
    merged = sorted(
        [*events, *(c.event for c in all_crashes)], key=lambda e: (e["EventTimestamp"], e.get("EventId", 0))
    )
    numbered = [{**e, "EventId": i} for i, e in enumerate(merged, 1)]
    error = None
    if result.error is not None:
        error = {"type": result.error.type, "message": result.error.message}
    history = parse_history({"Events": numbered}, source="run")
    return RunReport(
        execution_arn=arn,
        status=history.execution.status,
        result=_decode(result.result),
        error=error,
        history=history,
        events=numbered,
        answered=callbacks.answered,
        crashes=all_crashes,
    )


class _ChildWatch:
    """A chained durable child execution: its callbacks are answered like the parent's."""

    def __init__(self, runner: DurableFunctionTestRunner, arn: str, callbacks: _Callbacks) -> None:
        self.reader = HistoryReader(runner, arn)
        self.builder = HistoryBuilder(source=f"child {arn}")
        self.callbacks = callbacks
        self.created_at: dict[str, int] = {}
        self.last_probe: tuple[int, int, bool] | None = None
        self.done = False

    def poll(self) -> None:
        probe = self.reader.probe()
        if probe == self.last_probe:
            return
        self.last_probe = probe
        new, reset = self.reader.read_new()
        if reset:
            self.builder, self.created_at = HistoryBuilder(source=self.builder.source), {}
        for raw in new:
            operation = self.builder.feed(raw)
            if operation is not None and operation.kind == "Callback" and operation.callback_id:
                self.created_at.setdefault(operation.callback_id, self.builder.invocations)
        self.done = probe[2]
        if not self.done and _answer_pending(self.builder, self.callbacks, self.created_at):
            self.last_probe = None


def _children_of(builder: HistoryBuilder) -> list[str]:
    return [
        op.child_execution_arn
        for op in builder.operations.values()
        if op.kind == "ChainedInvoke" and op.child_execution_arn and op.is_open
    ]


def _answer_pending(builder: HistoryBuilder, callbacks: _Callbacks, created_at: Mapping[str, int]) -> bool:
    """Answer the callbacks whose creating invocation has ended; ``True`` if any was answered."""
    progressed = False
    for callback in open_callbacks(builder.history()):
        callback_id = str(callback.callback_id)
        if callback_id in callbacks.handled:
            continue
        if builder.invocations <= created_at.get(callback_id, 0):
            continue  # the invocation that created it is still running (its submitter may not have run)
        progressed |= callbacks.answer(callback)
    return progressed
