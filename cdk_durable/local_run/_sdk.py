"""Every use of the durable testing SDK's internals, in one place.

``aws-durable-execution-sdk-python-testing`` (1.4) has public calls for running an execution and
answering its callbacks, but ``run`` and ``serve`` need a few things it keeps private: its clock (to
skip to a callback's timeout), its executor (history pages, the execution record, timeout handlers),
its in-process invoker (to run a handler in a worker process), the web runner's server and store
(to serve Lambda's Invoke beside the emulator's routes and to resume executions from disk).

Each function here names the private attribute it reads; ``tests/cli/test_sdk_adapter.py`` calls
each one against the installed SDK, so an SDK release that moves one fails there, loudly, and not
somewhere in the middle of a run. Nothing else in ``cdk_durable`` touches an SDK attribute that
starts with ``_``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

#: The testing SDK version these internals were read from.
SDK_VERSION = "1.4"


class SdkChangedError(RuntimeError):
    """The installed testing SDK no longer has an internal ``run``/``serve`` relies on."""


def _attr(owner: Any, name: str) -> Any:
    try:
        return getattr(owner, name)
    except AttributeError:
        raise SdkChangedError(
            f"the durable testing SDK changed: {type(owner).__name__} has no {name!r} "
            f"(cdk-durable was written against aws-durable-execution-sdk-python-testing {SDK_VERSION})"
        ) from None


# --- the in-process runner (DurableFunctionTestRunner) ---------------------------------------------------


def executor(runner: Any) -> Any:
    """The runner's (or web runner's) ``Executor``."""
    return _attr(runner, "_executor")


def store(runner: Any) -> Any:
    """The runner's execution store."""
    return _attr(runner, "_store")


def clock(runner: Any) -> Any:
    """The runner's clock (``SkipClock`` when it skips time): ``now()`` and ``arm(when)``."""
    return _attr(runner, "_clock")


def now(runner: Any) -> datetime:
    """The runner's current time (skipped time included)."""
    value: datetime = clock(runner).now()
    return value


def skip_to(runner: Any, when: datetime) -> None:
    """Move a skipping clock on to ``when``."""
    clock(runner).arm(when)


def set_main_handler(runner: Any, handler: Callable[..., Any]) -> None:
    """Replace the handler of the function under test (the in-process invoker's)."""
    invoker = _attr(runner, "_invoker")
    _attr(invoker, "handler")
    invoker.handler = handler


def no_retry_backoff(runner: Any) -> None:
    """A failed invocation is retried after a real 5 s: make it immediate (time is skipped)."""
    ex = executor(runner)
    _attr(ex, "RETRY_BACKOFF_SECONDS")
    ex.RETRY_BACKOFF_SECONDS = 0


# --- one execution's record -----------------------------------------------------------------------------


def probe(runner: Any, execution_arn: str) -> tuple[int, int, bool]:
    """(sequence counter, invocations completed, complete): changes whenever the history gains an event."""
    execution = executor(runner).get_execution(execution_arn)
    return (
        _attr(execution, "seq_counter"),
        len(_attr(execution, "invocation_completions")),
        _attr(execution, "is_complete"),
    )


@dataclass(frozen=True)
class Invocation:
    """One completed invocation as the executor recorded it."""

    start: datetime | None
    end: datetime | None
    request_id: str


def invocations(runner: Any, execution_arn: str) -> list[Invocation]:
    """The execution's completed invocations, in order."""
    execution = executor(runner).get_execution(execution_arn)
    return [
        Invocation(c.start_timestamp, c.end_timestamp, c.request_id)
        for c in _attr(execution, "invocation_completions")
    ]


def callback_options(runner: Any, execution_arn: str, start: int) -> tuple[dict[str, tuple[int, int]], int]:
    """({operation id: (timeout s, heartbeat timeout s)}, updates scanned) from checkpoint ``start`` on.

    The SDK's ``CallbackStarted`` events leave the timeouts out; the checkpoint updates keep them.
    """
    execution = executor(runner).get_execution(execution_arn)
    updates = _attr(execution, "updates")
    found: dict[str, tuple[int, int]] = {}
    for update in updates[start:]:
        options = getattr(update, "callback_options", None)
        if options is not None:
            found[update.operation_id] = (
                options.timeout_seconds or 0,
                options.heartbeat_timeout_seconds or 0,
            )
    return found, len(updates)


def history_page(
    runner: Any, execution_arn: str, marker: str | None, max_items: int
) -> tuple[list[Any], str | None]:
    """One page of the execution's history: (events as botocore dicts, next marker)."""
    response = executor(runner).get_execution_history(
        execution_arn, include_execution_data=True, marker=marker, max_items=max_items
    )
    return [e.to_dict() for e in response.events], response.next_marker


def fire_callback_timeout(runner: Any, execution_arn: str, callback_id: str, *, heartbeat: bool) -> None:
    """Time a callback out now, through the executor's own timer handler."""
    ex = executor(runner)
    name = "_on_callback_heartbeat_timeout" if heartbeat else "_on_callback_timeout"
    _attr(ex, name)(execution_arn, callback_id)


# --- execution timeouts in skipped time -------------------------------------------------------------------


def _deadline(execution: Any) -> tuple[datetime, int] | None:
    timeout = _attr(execution, "start_input").execution_timeout_seconds
    try:
        started = execution.get_operation_execution_started().start_timestamp
    except Exception:
        return None
    return (started + timedelta(seconds=timeout), timeout) if started and timeout else None


def running_deadlines(runner: Any) -> Iterator[tuple[datetime, str, int]]:
    """(deadline, ARN, timeout seconds) of every execution in the store still running."""
    for execution in store(runner).list_all():
        if execution.is_complete:
            continue
        found = _deadline(execution)
        if found is not None:
            yield found[0], execution.durable_execution_arn, found[1]


def wrap_clock_arm(runner: Any, wrapper: Callable[[Callable[[datetime], float], datetime], float]) -> None:
    """Route the skipping clock's ``arm(wake)`` through ``wrapper(original_arm, wake)``."""
    c = clock(runner)
    original = _attr(c, "arm")
    c.arm = lambda wake: wrapper(original, wake)


def time_out_execution(runner: Any, execution_arn: str, timeout: int) -> None:
    """Time the execution out now (in a thread), as the executor's own timer would."""
    from aws_durable_execution_sdk_python.lambda_service import ErrorObject

    error = ErrorObject.from_message(f"Execution timed out after {timeout} seconds.")
    threading.Timer(0, executor(runner).on_timed_out, args=(execution_arn, error)).start()


# --- the web runner (serve) ---------------------------------------------------------------------------------


def web_server(web_runner: Any) -> Any:
    """The web runner's ``WebServer`` (a ``ThreadingHTTPServer``)."""
    return _attr(web_runner, "_server")


def rearm_execution(web_runner: Any, execution_arn: str) -> None:
    """After a restart from disk: arm the execution's timeout again and invoke it so it replays.

    The emulator keeps executions in its store but its timers live in memory; a restarted service
    re-invokes each running execution (as Lambda retries an invocation that did not finish) and
    the replay re-arms its waits from the checkpoints. Completed steps are not run again.
    """
    ex = executor(web_runner)
    scheduler = _attr(web_runner, "_scheduler")
    execution = ex.get_execution(execution_arn)
    events = _attr(ex, "_completion_events")
    event = scheduler.create_event()
    events[execution_arn] = event
    found = _deadline(execution)
    if found is not None:
        deadline, timeout = found
        remaining = max(0.0, (deadline - now(web_runner)).total_seconds())
        from aws_durable_execution_sdk_python.lambda_service import ErrorObject

        def timed_out() -> None:
            ex.on_timed_out(
                execution_arn, ErrorObject.from_message(f"Execution timed out after {timeout} seconds.")
            )

        _attr(ex, "_execution_timeouts")[execution_arn] = scheduler.call_later(
            timed_out, delay=remaining, completion_event=event
        )
    _attr(ex, "_invoke_execution")(execution_arn)


#: The emulator's request-handler methods ``serve``'s handler overrides: ``_handle_request(method)``
#: (routing; ``serve`` handles Lambda's side first, then hands the request on) and
#: ``_send_response(response)`` (``serve`` adds ``X-Amzn-ErrorType`` and one log line per error).
REQUEST_HANDLER_HOOKS = ("_handle_request", "_send_response")


def request_handler_base() -> type:
    """The emulator's ``RequestHandler``, checked to still have the hooks ``serve`` overrides."""
    from aws_durable_execution_sdk_python_testing.web.server import RequestHandler

    for name in REQUEST_HANDLER_HOOKS:
        _attr(RequestHandler, name)
    return RequestHandler


def emulator_handle(request_handler: Any, method: str) -> None:
    """Let the emulator's router answer ``request_handler``'s request."""
    _attr(request_handler_base(), "_handle_request")(request_handler, method)


def completion_event(web_runner: Any, execution_arn: str) -> Any:
    """The event set when the execution completes (``None`` if the executor has none)."""
    return _attr(executor(web_runner), "_completion_events").get(execution_arn)
