"""Text for ``cdk-durable run``: one line per operation change as it happens, the history table.

Both read the shared model (:mod:`cdk_durable._history`) and its one duration format, so ``run``
and ``diagnose`` print a history the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._history import History, HistoryBuilder, Operation, format_duration
from ..platform import OperationStatus
from .answers import CallbackAnswer
from .runner import Crash

KIND_LABELS = {
    "Step": "STEP",
    "Wait": "WAIT",
    "Callback": "CALLBACK",
    "Context": "CONTEXT",
    "ChainedInvoke": "INVOKE",
}


def kind_label(operation: Operation) -> str:
    return KIND_LABELS.get(operation.kind, operation.kind.upper())


def should_show(operation: Operation) -> bool:
    """Every change but a start, except the starts where something waits (callbacks, waits, invokes)."""
    return operation.status != OperationStatus.STARTED or operation.kind in (
        "Callback",
        "Wait",
        "ChainedInvoke",
    )


def format_operation(operation: Operation, depth: int) -> str:
    """One live line: kind, name (indented by nesting), status and what is special about it."""
    indent = "  " * depth
    line = f"  {kind_label(operation):<8} {indent + operation.display_name:<38} {operation.status:<10}"
    if operation.status == OperationStatus.RETRYING:
        delay = format_duration(operation.retry_delay_seconds)
        return f"{line} attempt {operation.attempts} failed ({operation.error}); next in {delay}"
    if operation.status == OperationStatus.STARTED:
        if operation.kind == "Callback" and operation.callback_id:
            limits = [
                f"{label} {format_duration(seconds)}"
                for label, seconds in (
                    ("timeout", operation.callback_timeout_seconds),
                    ("heartbeat timeout", operation.heartbeat_timeout_seconds),
                )
                if seconds
            ]
            extra = f" ({', '.join(limits)})" if limits else ""
            return f"{line} waiting for callback {operation.callback_id}{extra}"
        if operation.kind == "Wait" and operation.wait_seconds is not None:
            return f"{line} for {format_duration(operation.wait_seconds)}"
        if operation.kind == "ChainedInvoke" and operation.invoked_function:
            return f"{line} -> {operation.invoked_function}"
        return line.rstrip()
    line = f"{line} {format_duration(operation.duration):>8}"
    return f"{line}  {operation.error}" if operation.error else line


def format_change(operation: Operation, builder: HistoryBuilder) -> str | None:
    """The live line for an operation change, or ``None`` when it is not shown."""
    return format_operation(operation, builder.depth(operation)) if should_show(operation) else None


def format_answer(callback: Operation, answer: CallbackAnswer) -> str:
    return f"  {'answer':<8} {callback.display_name} <- {answer.describe()}  [{answer.source}]"


def format_suspend(invocation: int) -> str:
    return f"  {'suspend':<8} invocation {invocation} ended; the execution waits (the next one replays it)"


def format_crash(crash: Crash) -> str:
    return (
        f"  {'crash':<8} {crash.function}: {crash.error_type}: {crash.message}; "
        "the invocation failed, the execution is re-invoked and replays"
    )


def format_log(level: str, message: str) -> str:
    return f"  {'log':<8} {level}: {message}"


def _depths(operations: Sequence[Operation]) -> dict[str, int]:
    by_id = {op.id: op for op in operations}
    depths: dict[str, int] = {}
    for op in operations:
        level, parent, seen = 0, op.parent_id, set()
        while parent in by_id and parent not in seen:
            seen.add(parent)
            level += 1
            parent = by_id[parent].parent_id
        depths[op.id] = level
    return depths


def render_history(history: History | Sequence[Operation]) -> str:
    """The operations as a table: #, name (indented), type, status, duration, attempts, error."""
    operations = history.operations if isinstance(history, History) else list(history)
    depths = _depths(operations)
    header = ("#", "operation", "type", "status", "duration", "attempts", "error")
    rows = [
        (
            str(i),
            "  " * depths[op.id] + op.display_name,
            kind_label(op)
            if not op.sub_type or op.sub_type in (op.kind, kind_label(op))
            else f"{kind_label(op)}/{op.sub_type}",
            op.status,
            format_duration(op.duration),
            str(op.attempts) if op.kind == "Step" else "",
            str(op.error) if op.error else "",
        )
        for i, op in enumerate(operations, 1)
    ]
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
