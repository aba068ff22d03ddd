"""Rendering a :class:`Diagnosis`: human text and a JSON document (``--format json``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from .._history import Operation, format_duration
from ..platform import ExecutionStatus, OperationStatus
from ._analysis import (
    Diagnosis,
    PayloadCheck,
    PendingCallback,
    TimelineEntry,
    error_dict,
    format_bytes,
    format_time,
    plural,
)

#: Version of the JSON document; bumped on incompatible changes.
JSON_SCHEMA_VERSION = 1
_PAYLOADS_SHOWN = 3
#: Timeline rows in the text report before the middle is summarised (``--timeline-limit``).
DEFAULT_TIMELINE_LIMIT = 50


def render_text(diagnosis: Diagnosis, *, timeline_limit: int = DEFAULT_TIMELINE_LIMIT) -> str:
    """The report a person reads: status, timeline, pending work, failures, slowest, diagnosis.

    A timeline longer than ``timeline_limit`` rows (0: no limit) shows its first and last rows and
    every open or failed operation; a line counts the rows left out by status.
    """
    execution = diagnosis.execution
    lines: list[str] = []
    title = execution.name or UNNAMED
    lines.append(f"Execution  {title}  [{execution.status}]")
    for label, value in summary_facts(diagnosis):
        lines.append(f"  {label:<9} {value}")

    if diagnosis.timeline:
        lines += ["", "Timeline (offset from start, duration)"]
        rows = _timeline_rows(diagnosis.timeline, timeline_limit)
        width = max(len(_indented(e)) for e in diagnosis.timeline)
        for entry in rows:
            if isinstance(entry, str):
                lines.append(f"  {entry}")
                continue
            op = entry.operation
            status = status_text(op, entry, ended=execution.ended is not None)
            lines.append(
                f"  {_offset(entry.offset):>9} {format_duration(entry.duration):>8}  "
                f"{op.kind:<13} {_indented(entry):<{width}}  {status}"
            )

    if diagnosis.pending_callbacks:
        lines += ["", "Pending callbacks"]
        for callback in diagnosis.pending_callbacks:
            op = callback.operation
            left = callback_left_text(callback)
            lines.append(f"  {op.label}  (callback id {callback.callback_id or 'unknown'})")
            lines.append(f"    waiting {format_duration(callback.age)}; {left}")
            if op.heartbeat_timeout_seconds:
                lines.append(
                    f"    heartbeat timeout {format_duration(op.heartbeat_timeout_seconds)}: the sender must "
                    "heartbeat or answer within it"
                )
            for key in ("success", "failure", "heartbeat"):
                if key in callback.commands:
                    lines.append(f"    {key + ':':<10} {callback.commands[key]}")

    if diagnosis.failures:
        lines += ["", "Failures"]
        for op in diagnosis.failures:
            lines.append(f"  {op.label}  {op.kind} {op.status}{attempts_text(op)}")
            lines.append(f"    {op.error}")
    if diagnosis.execution.error and diagnosis.execution.status != ExecutionStatus.SUCCEEDED:
        if not diagnosis.failures:
            lines += ["", "Failures"]
        lines.append(f"  execution  {diagnosis.execution.status}")
        lines.append(f"    {diagnosis.execution.error}")

    if diagnosis.pending_waits:
        lines += ["", "Pending waits"]
        for wait in diagnosis.pending_waits:
            when = format_time(wait.until) if wait.until else "unknown"
            lines.append(
                f"  {wait.operation.label}  until {when} (in {format_duration(wait.time_left)})"
                + ("  AFTER the execution timeout" if wait.after_execution_deadline else "")
            )

    if diagnosis.slowest:
        lines += ["", "Slowest operations"]
        for rank, entry in enumerate(diagnosis.slowest, 1):
            still = (" (never completed)" if execution.ended else " (still open)") if entry.open else ""
            lines.append(
                f"  {rank}. {format_duration(entry.duration):>8}  {entry.operation.kind:<13} "
                f"{entry.operation.label}{still}"
            )

    shown = largest_payloads(diagnosis)
    if shown:
        lines += ["", "Largest payloads (share of their limit)"]
        for check in shown:
            lines.append(
                f"  {check.ratio:>4.0%}  {format_bytes(check.size_bytes):>9} of "
                f"{format_bytes(check.limit_bytes)} "
                f"{check.limit_name}: {check.what}"
            )

    lines += ["", "Diagnosis"]
    for finding in diagnosis.findings:
        lines.append(f"  {finding.severity.upper():<7} {finding.code}: {finding.message}")
        for step in finding.next_steps:
            lines.append(f"          - {step}")
    for note in diagnosis.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines) + "\n"


# --- shared with the HTML page (_html.py), so both say the same thing -----------------------------

UNNAMED = "(unnamed execution)"


def summary_facts(diagnosis: Diagnosis) -> list[tuple[str, str]]:
    """The report's header lines as (label, value): ARN, Function, Started, Duration, Activity."""
    execution = diagnosis.execution
    facts: list[tuple[str, str]] = []
    if execution.arn:
        facts.append(("ARN", execution.arn))
    if execution.function_arn:
        facts.append(("Function", execution.function_arn))
    assert execution.started is not None
    facts.append(("Started", format_time(execution.started)))
    so_far = "" if execution.ended else " so far"
    timeout = ""
    if execution.timeout_seconds:
        timeout = f"; ExecutionTimeout {format_duration(execution.timeout_seconds)}"
        if diagnosis.time_left is not None:
            timeout += (
                f", {format_duration(diagnosis.time_left)} left"
                if diagnosis.time_left > timedelta(0)
                else f", passed {format_duration(-diagnosis.time_left)} ago"
            )
    facts.append(("Duration", f"{format_duration(diagnosis.duration)}{so_far}{timeout}"))
    facts.append(
        (
            "Activity",
            f"{plural(len(diagnosis.timeline), 'operation')}, "
            f"{plural(diagnosis.invocations, 'invocation')}, "
            f"{diagnosis.event_count} events (as of {format_time(diagnosis.now)})",
        )
    )
    return facts


def callback_left_text(callback: PendingCallback) -> str:
    if callback.time_left is not None and callback.deadline is not None:
        return (
            f"{format_duration(callback.time_left)} left before the {callback.deadline_source} "
            f"({format_time(callback.deadline)})"
        )
    return "no deadline in the history"


def attempts_text(op: Operation) -> str:
    return f" after {plural(op.attempts, 'attempt')}" if op.attempts else ""


def largest_payloads(diagnosis: Diagnosis) -> list[PayloadCheck]:
    return [c for c in diagnosis.payloads if c.size_bytes][:_PAYLOADS_SHOWN]


def _timeline_rows(timeline: list[TimelineEntry], limit: int) -> list[TimelineEntry | str]:
    if limit <= 0 or len(timeline) <= limit:
        return list(timeline)
    head, tail = limit // 2, limit - limit // 2
    keep = set(range(head)) | set(range(len(timeline) - tail, len(timeline)))
    keep |= {i for i, e in enumerate(timeline) if e.open or e.operation.status != OperationStatus.SUCCEEDED}
    rows: list[TimelineEntry | str] = []
    skipped: list[TimelineEntry] = []
    for index, entry in enumerate(timeline):
        if index in keep:
            if skipped:
                rows.append(_skipped_line(skipped))
                skipped = []
            rows.append(entry)
        else:
            skipped.append(entry)
    if skipped:
        rows.append(_skipped_line(skipped))
    return rows


def _skipped_line(skipped: list[TimelineEntry]) -> str:
    counts: dict[str, int] = {}
    for entry in skipped:
        counts[entry.operation.status] = counts.get(entry.operation.status, 0) + 1
    detail = ", ".join(f"{count:,} {status}" for status, count in sorted(counts.items()))
    return f"... {plural(len(skipped), 'more operation')} ({detail}); --timeline-limit 0 shows all"


def _indented(entry: TimelineEntry) -> str:
    return "  " * entry.depth + entry.operation.label


def _offset(offset: timedelta | None) -> str:
    return "?" if offset is None else f"+{format_duration(offset)}"


def status_text(op: Operation, entry: TimelineEntry, *, ended: bool) -> str:
    """A timeline row's status: ``FAILED (3 attempts, ErrorType: message)``, ``STARTED (open)``."""
    parts: list[str] = [op.status]
    if op.kind == "Step" and op.attempts > 1:
        parts.append(f"{op.attempts} attempts")
    if entry.open:
        parts.append("never completed" if ended else "open")
    if op.error and op.status != OperationStatus.SUCCEEDED:
        parts.append(str(op.error))
    return parts[0] + (f" ({', '.join(parts[1:])})" if len(parts) > 1 else "")


def _iso(when: datetime | None) -> str | None:
    return when.astimezone(UTC).isoformat() if when else None


def _seconds(delta: timedelta | None) -> float | None:
    return round(delta.total_seconds(), 6) if delta is not None else None


def _operation_dict(op: Operation) -> dict[str, Any]:
    return {
        "id": op.id,
        "name": op.name,
        "type": op.kind,
        "sub_type": op.sub_type,
        "parent_id": op.parent_id,
        "status": op.status,
        "started": _iso(op.started),
        "ended": _iso(op.ended),
        "attempts": op.attempts or None,
        "attempt_log": [
            {
                "number": a.number,
                "started": _iso(a.started),
                "ended": _iso(a.ended),
                "status": a.status,
                "error": error_dict(a.error),
                "next_attempt_delay_seconds": a.next_attempt_delay_seconds,
            }
            for a in op.attempt_log
        ],
        "error": error_dict(op.error),
        "payload_bytes": dict(op.payload_bytes),
        "callback_id": op.callback_id,
        "invoked_function": op.invoked_function,
        "child_execution_arn": op.child_execution_arn,
    }


def _payload_dict(check: PayloadCheck) -> dict[str, Any]:
    return {
        "what": check.what,
        "bytes": check.size_bytes,
        "limit_bytes": check.limit_bytes,
        "limit": check.limit_name,
        "ratio": round(check.ratio, 4),
    }


def to_json_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """The JSON document of ``--format json`` (schema in docs/diagnose.md)."""
    execution = diagnosis.execution
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "now": _iso(diagnosis.now),
        "execution": {
            "name": execution.name,
            "arn": execution.arn,
            "function_arn": execution.function_arn,
            "version": execution.version,
            "status": execution.status,
            "started": _iso(execution.started),
            "ended": _iso(execution.ended),
            "duration_seconds": _seconds(diagnosis.duration),
            "execution_timeout_seconds": execution.timeout_seconds,
            "deadline": _iso(execution.deadline),
            "time_left_seconds": _seconds(diagnosis.time_left),
            "error": error_dict(execution.error),
            "operations": len(diagnosis.timeline),
            "invocations": diagnosis.invocations,
            "events": diagnosis.event_count,
        },
        "timeline": [
            {
                **_operation_dict(e.operation),
                "depth": e.depth,
                "offset_seconds": _seconds(e.offset),
                "duration_seconds": _seconds(e.duration),
                "open": e.open,
            }
            for e in diagnosis.timeline
        ],
        "pending_callbacks": [
            {
                "id": c.operation.id,
                "name": c.operation.name,
                "callback_id": c.callback_id,
                "started": _iso(c.operation.started),
                "age_seconds": _seconds(c.age),
                "callback_timeout_seconds": c.operation.callback_timeout_seconds,
                "heartbeat_timeout_seconds": c.operation.heartbeat_timeout_seconds,
                "deadline": _iso(c.deadline),
                "deadline_source": c.deadline_source,
                "time_left_seconds": _seconds(c.time_left),
                "commands": c.commands,
            }
            for c in diagnosis.pending_callbacks
        ],
        "failures": [_operation_dict(op) for op in diagnosis.failures],
        "pending_waits": [
            {
                "id": w.operation.id,
                "name": w.operation.name,
                "wait_seconds": w.operation.wait_seconds,
                "until": _iso(w.until),
                "time_left_seconds": _seconds(w.time_left),
                "after_execution_deadline": w.after_execution_deadline,
            }
            for w in diagnosis.pending_waits
        ],
        "slowest": [
            {
                "id": e.operation.id,
                "name": e.operation.name,
                "type": e.operation.kind,
                "duration_seconds": _seconds(e.duration),
                "open": e.open,
            }
            for e in diagnosis.slowest
        ],
        "payloads": [_payload_dict(c) for c in diagnosis.payloads],
        "findings": [
            {"code": f.code, "severity": f.severity, "message": f.message, "next_steps": list(f.next_steps)}
            for f in diagnosis.findings
        ],
        "notes": list(diagnosis.notes),
    }
