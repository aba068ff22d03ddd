"""The timeline page of ``cdk-durable diagnose --html``: one self-contained HTML file from a Diagnosis.

Rendered from the same :class:`Diagnosis` as the text and JSON reports (and with the same helpers
for the header, the callback deadlines and the largest payloads), so the three never disagree.
Nothing here reads the clock: open bars end at ``diagnosis.now``. Every piece of history data
(names, ids, errors, ARNs) is user data and goes through :func:`html.escape`; the page carries a
Content-Security-Policy that forbids fetching anything, and its CSS and script are inline.

Layout: the execution's facts and the diagnosis (findings with next steps) at the top, then
pending callbacks with copy-ready commands, failures, pending waits, the largest payloads and the
slowest operations, then the timeline: one row per operation nested under its parent (child
contexts, map items, parallel branches) as ``<details>`` elements, bars on a shared time axis
colored by status, one bar per attempt of a retried step.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from html import escape
from pathlib import Path

from .._history import Operation, format_duration
from ..errors import safe_text
from ..platform import ExecutionStatus, OperationStatus
from ..rule_info import Severity
from ._analysis import Diagnosis, TimelineEntry, format_bytes, format_time
from ._render import (
    UNNAMED,
    attempts_text,
    callback_left_text,
    largest_payloads,
    status_text,
    summary_facts,
)

#: Status -> CSS class (statuses are data: never put one in a class attribute unmapped).
STATUS_CLASS: dict[str, str] = {
    OperationStatus.SUCCEEDED: "ok",  # the execution's SUCCEEDED, FAILED, ... are the same strings
    OperationStatus.STARTED: "open",
    ExecutionStatus.RUNNING: "open",
    OperationStatus.PENDING: "open",
    OperationStatus.RETRYING: "retrying",
    OperationStatus.FAILED: "failed",
    OperationStatus.TIMED_OUT: "timedout",
    OperationStatus.STOPPED: "stopped",
    OperationStatus.CANCELLED: "stopped",
    ExecutionStatus.PAUSED: "paused",
    ExecutionStatus.PAUSING: "paused",
}
#: Severity -> CSS class: its value.
SEVERITY_CLASS: dict[str, str] = {severity: severity.value for severity in Severity}
#: A subtree with more direct children than this starts collapsed (unless it holds a problem),
#: and so do the problem-free subtrees among those children.
COLLAPSE_CHILDREN = 20
_INDENT_PX = 16
_TICKS = 4
_TICK_CLASS = {0: " first", _TICKS: " last"}


def _e(value: object) -> str:
    """HTML-escaped, with control characters from data shown as escapes (``\\x1b``)."""
    return escape(safe_text(str(value)), quote=True)


def _section(section_id: str, title: str, body: str) -> str:
    """One section of the page: its ``id``, its heading (``title`` is markup) and ``body``."""
    return f'<section id="{section_id}"><h2>{title}</h2>{body}</section>\n'


def _status_class(status: str) -> str:
    return STATUS_CLASS.get(status, "other")


def render_html(diagnosis: Diagnosis) -> str:
    """The whole page as one string (UTF-8 text, no external resources)."""
    execution = diagnosis.execution
    title = execution.name or UNNAMED
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
        f"<title>{_e(title)} [{_e(execution.status)}] - cdk-durable diagnose</title>\n",
        f"<style>{_CSS}</style>\n</head>\n<body>\n",
        _header(diagnosis),
        _findings(diagnosis),
        _pending_callbacks(diagnosis),
        _failures(diagnosis),
        '<div class="cards">',
        _pending_waits(diagnosis),
        _payloads(diagnosis),
        _slowest(diagnosis),
        "</div>\n",
        _timeline(diagnosis),
        f"<script>{_JS}</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def write_html(diagnosis: Diagnosis, path: str | os.PathLike[str]) -> None:
    """Write :func:`render_html` to ``path`` atomically (a temporary file beside it, then a rename)."""
    target = Path(path)
    page = render_html(diagnosis)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(page)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --- top of the page ---------------------------------------------------------------------------------


def _header(diagnosis: Diagnosis) -> str:
    execution = diagnosis.execution
    status = execution.status
    facts = "".join(
        f'<dt>{_e(label)}</dt><dd data-fact="{_e(label.lower())}">{_e(value)}</dd>'
        for label, value in summary_facts(diagnosis)
    )
    return (
        '<header id="execution">'
        f'<h1><span class="exec-name">{_e(execution.name or UNNAMED)}</span> '
        f'<span class="badge st-{_status_class(status)}" id="execution-status">{_e(status)}</span></h1>'
        f'<dl class="facts">{facts}</dl></header>\n'
    )


def _findings(diagnosis: Diagnosis) -> str:
    items = []
    for finding in diagnosis.findings:
        steps = "".join(f"<li>{_e(step)}</li>" for step in finding.next_steps)
        items.append(
            f'<li class="finding sev-{SEVERITY_CLASS.get(finding.severity, "info")}" '
            f'data-code="{_e(finding.code)}" data-severity="{_e(finding.severity)}">'
            f'<span class="sev">{_e(finding.severity.upper())}</span> '
            f'<code class="code">{_e(finding.code)}</code> '
            f'<span class="message">{_e(finding.message)}</span>'
            + (f'<ul class="next-steps">{steps}</ul>' if steps else "")
            + "</li>"
        )
    notes = "".join(f'<p class="note">note: {_e(note)}</p>' for note in diagnosis.notes)
    return _section("diagnosis", "Diagnosis", f'<ul class="findings">{"".join(items)}</ul>{notes}')


def _pending_callbacks(diagnosis: Diagnosis) -> str:
    if not diagnosis.pending_callbacks:
        return ""
    blocks = []
    for index, callback in enumerate(diagnosis.pending_callbacks):
        op = callback.operation
        heartbeat = (
            f"<p>heartbeat timeout {_e(format_duration(op.heartbeat_timeout_seconds))}: the sender must "
            "heartbeat or answer within it</p>"
            if op.heartbeat_timeout_seconds
            else ""
        )
        commands = []
        for key in ("success", "failure", "heartbeat"):
            if key not in callback.commands:
                continue
            target = f"cmd-{index}-{key}"
            commands.append(
                f'<div class="command"><span class="cmd-kind">{key}</span>'
                f'<pre class="cmd" id="{target}" data-kind="{key}">'
                f"<code>{_e(callback.commands[key])}</code></pre>"
                f'<button type="button" class="copy" data-target="{target}">Copy</button></div>'
            )
        blocks.append(
            f'<div class="callback" data-operation-id="{_e(op.id)}" '
            f'data-callback-id="{_e(callback.callback_id)}">'
            f"<h3>{_e(op.label)}</h3>"
            f'<p>callback id <code class="callback-id">{_e(callback.callback_id or "unknown")}</code></p>'
            f"<p>waiting {_e(format_duration(callback.age))}; {_e(callback_left_text(callback))}</p>"
            f"{heartbeat}{''.join(commands)}</div>"
        )
    return _section("pending-callbacks", "Pending callbacks", "".join(blocks))


def _failures(diagnosis: Diagnosis) -> str:
    rows = []
    for op in diagnosis.failures:
        rows.append(_failure_row(op))
    execution = diagnosis.execution
    if execution.error and execution.status != ExecutionStatus.SUCCEEDED:
        error = execution.error
        rows.append(
            '<tr class="failure" data-operation-id="">'
            f'<td>execution</td><td></td><td><span class="st st-{_status_class(execution.status)}">'
            f"{_e(execution.status)}</span></td><td></td>"
            f'<td class="error-type">{_e(error.type or "")}</td>'
            f'<td class="error-message">{_e(error.message or str(error))}</td></tr>'
        )
    if not rows:
        return ""
    head = (
        "<tr><th>operation</th><th>type</th><th>status</th><th>attempts</th><th>error type</th>"
        "<th>message</th></tr>"
    )
    body = "".join(rows)
    return _section("failures", "Failures", f"<table><thead>{head}</thead><tbody>{body}</tbody></table>")


def _failure_row(op: Operation) -> str:
    error = op.error
    return (
        f'<tr class="failure" data-operation-id="{_e(op.id)}"><td>{_e(op.label)}</td><td>{_e(op.kind)}</td>'
        f'<td><span class="st st-{_status_class(op.status)}">{_e(op.status)}</span></td>'
        f"<td>{_e(attempts_text(op).strip())}</td>"
        f'<td class="error-type">{_e(error.type or "") if error else ""}</td>'
        f'<td class="error-message">{_e((error.message or str(error)) if error else "")}</td></tr>'
    )


def _pending_waits(diagnosis: Diagnosis) -> str:
    if not diagnosis.pending_waits:
        return ""
    items = []
    for wait in diagnosis.pending_waits:
        when = format_time(wait.until) if wait.until else "unknown"
        late = ""
        if wait.after_execution_deadline:
            late = ' <strong class="late">AFTER the execution timeout</strong>'
        items.append(
            f'<li data-operation-id="{_e(wait.operation.id)}">{_e(wait.operation.label)} until {_e(when)} '
            f"(in {_e(format_duration(wait.time_left))}){late}</li>"
        )
    return _section("pending-waits", "Pending waits", f"<ul>{''.join(items)}</ul>")


def _payloads(diagnosis: Diagnosis) -> str:
    shown = largest_payloads(diagnosis)
    if not shown:
        return ""
    rows = "".join(
        f'<tr class="payload"><td class="share"><span class="meter">'
        f'<i style="width:{min(c.ratio, 1) * 100:.1f}%"></i></span>{c.ratio:.0%}</td>'
        f"<td>{_e(format_bytes(c.size_bytes))}</td>"
        f"<td>of {_e(format_bytes(c.limit_bytes))} {_e(c.limit_name)}</td><td>{_e(c.what)}</td></tr>"
        for c in shown
    )
    title = "Largest payloads <small>(share of their limit)</small>"
    return _section("payloads", title, f"<table><tbody>{rows}</tbody></table>")


def _slowest(diagnosis: Diagnosis) -> str:
    if not diagnosis.slowest:
        return ""
    ended = diagnosis.execution.ended is not None
    items = "".join(
        f'<li data-operation-id="{_e(e.operation.id)}">{_e(format_duration(e.duration))} '
        f"{_e(e.operation.kind)} {_e(e.operation.label)}"
        + ((" (never completed)" if ended else " (still open)") if e.open else "")
        + "</li>"
        for e in diagnosis.slowest
    )
    return _section("slowest", "Slowest operations", f"<ol>{items}</ol>")


# --- the timeline ------------------------------------------------------------------------------------


class _Axis:
    """Instants to percentages of the execution's span (start .. end, or start .. now while running)."""

    def __init__(self, diagnosis: Diagnosis) -> None:
        assert diagnosis.execution.started is not None
        self.start = diagnosis.execution.started
        self.end = self.start + diagnosis.duration
        self.span = max(diagnosis.duration.total_seconds(), 0.0)

    def pct(self, when: datetime) -> float:
        if self.span <= 0:
            return 0.0
        return min(max((when - self.start).total_seconds() / self.span * 100, 0.0), 100.0)

    def bar(self, started: datetime, ended: datetime | None) -> tuple[float, float]:
        left = self.pct(started)
        return left, max(self.pct(ended or self.end) - left, 0.0)


def _tree(timeline: list[TimelineEntry]) -> tuple[list[TimelineEntry], dict[str, list[TimelineEntry]]]:
    """Roots and children by parent id, both in timeline (start) order; a parent cycle becomes a root."""
    ids = {e.operation.id for e in timeline}
    children: dict[str, list[TimelineEntry]] = {}
    roots: list[TimelineEntry] = []
    for entry in timeline:
        parent = entry.operation.parent_id
        if parent in ids and parent != entry.operation.id:
            children.setdefault(parent, []).append(entry)  # type: ignore[arg-type]
        else:
            roots.append(entry)
    reached = {e.operation.id for e in _walk(roots, children)}
    roots += [e for e in timeline if e.operation.id not in reached]
    return roots, children


def _walk(roots: list[TimelineEntry], children: dict[str, list[TimelineEntry]]) -> Iterator[TimelineEntry]:
    seen: set[str] = set()
    stack = list(reversed(roots))
    while stack:
        entry = stack.pop()
        if entry.operation.id in seen:
            continue
        seen.add(entry.operation.id)
        yield entry
        stack.extend(reversed(children.get(entry.operation.id, [])))


def _is_problem(entry: TimelineEntry) -> bool:
    return entry.open or entry.operation.status != OperationStatus.SUCCEEDED


def _problem_ids(timeline: list[TimelineEntry]) -> set[str]:
    """Operations that are, or contain, something not SUCCEEDED (open, failed, retrying, ...)."""
    by_id = {e.operation.id: e for e in timeline}
    marked: set[str] = set()
    for entry in timeline:
        if not _is_problem(entry):
            continue
        current: TimelineEntry | None = entry
        while current is not None and current.operation.id not in marked:
            marked.add(current.operation.id)
            parent = current.operation.parent_id
            current = by_id.get(parent) if parent else None
    return marked


def _timeline(diagnosis: Diagnosis) -> str:
    timeline = diagnosis.timeline
    if not timeline:
        return _section("timeline", "Timeline", "<p>No operations in the history.</p>")
    axis = _Axis(diagnosis)
    roots, children = _tree(timeline)
    problems = _problem_ids(timeline)
    ended = diagnosis.execution.ended is not None
    until = {w.operation.id: w.until for w in diagnosis.pending_waits if w.until is not None}
    out: list[str] = []
    # Iterative pre-order walk (a history may nest deeply): ("open", entry, depth, crowded) / ("close",).
    stack: list[tuple[str, TimelineEntry | None, int, bool]] = [
        ("open", entry, 0, len(roots) > COLLAPSE_CHILDREN) for entry in reversed(roots)
    ]
    seen: set[str] = set()
    while stack:
        action, entry, depth, crowded = stack.pop()
        if action == "close" or entry is None:
            out.append("</div></details>")
            continue
        op = entry.operation
        if op.id in seen:
            continue
        seen.add(op.id)
        kids = [k for k in children.get(op.id, []) if k.operation.id not in seen]
        row = _row(entry, depth, axis, ended=ended, children=len(kids), resumes=until.get(op.id))
        attrs = _op_attrs(entry, depth, problem=op.id in problems)
        if not kids:
            out.append(f'<div class="op leaf" {attrs}>{row}</div>')
            continue
        expanded = op.id in problems or (len(kids) <= COLLAPSE_CHILDREN and not crowded)
        out.append(
            f'<details class="op parent" {attrs}{" open" if expanded else ""}>{row}'
            f'<div class="children" data-count="{len(kids)}">'
        )
        stack.append(("close", None, depth, False))
        many = len(kids) > COLLAPSE_CHILDREN
        stack.extend(("open", kid, depth + 1, many) for kid in reversed(kids))
    ticks = "".join(
        f'<span class="tick{_TICK_CLASS.get(i, "")}" style="left:{i * 100 / _TICKS:.2f}%">'
        f"+{_e(format_duration(axis.span * i / _TICKS))}</span>"
        for i in range(_TICKS + 1)
    )
    now_mark = (
        ""
        if ended
        else f'<span class="tick now" style="left:100%">now {_e(format_time(diagnosis.now))}</span>'
    )
    return _section(
        "timeline",
        f"Timeline <small>({len(timeline):,} operations)</small>",
        f"{_controls()}"
        '<div class="axis-row"><span class="head name">operation</span><span class="head type">type</span>'
        '<span class="head status">status</span><span class="head dur">duration</span>'
        f'<span class="axis" data-span-seconds="{axis.span:.6f}">{ticks}{now_mark}</span></div>'
        f'<div class="rows">{"".join(out)}</div>',
    )


_LEGEND = (
    ("ok", "succeeded"),
    ("open", "open (up to now)"),
    ("retrying", "retrying"),
    ("failed", "failed"),
    ("timedout", "timed out"),
    ("stopped", "stopped / cancelled"),
)


def _controls() -> str:
    """Fold, filter, find and zoom (the script at the end of the page), and the color legend."""
    legend = "".join(
        f'<span class="legend-item"><i class="bar st-{cls}"></i>{label}</span>' for cls, label in _LEGEND
    )
    return (
        '<div class="controls">'
        '<button type="button" id="expand-all">Expand all</button>'
        '<button type="button" id="collapse-all">Collapse all</button>'
        '<label><input type="checkbox" id="only-problems"> only what did not succeed</label>'
        '<label>Find <input type="search" id="find" placeholder="operation name" size="18"></label>'
        '<span id="find-count"></span>'
        "</div>"
        '<div class="controls">'
        '<span class="zoom">Zoom: <button type="button" id="zoom-activity" title="the span of the '
        'operations that ended">Activity</button><button type="button" id="zoom-reset">Whole execution'
        '</button> <span id="zoom-label">whole execution</span> <small>(double-click a row to zoom to '
        "it)</small></span>"
        f'<span class="legend">{legend}<span class="legend-item"><i class="gap"></i>retry delay</span></span>'
        "</div>"
    )


def _op_attrs(entry: TimelineEntry, depth: int, *, problem: bool) -> str:
    op = entry.operation
    return (
        f'data-id="{_e(op.id)}" data-parent-id="{_e(op.parent_id or "")}" data-name="{_e(op.label)}" '
        f'data-type="{_e(op.kind)}" data-sub-type="{_e(op.sub_type or "")}" data-status="{_e(op.status)}" '
        f'data-depth="{depth}" data-open="{"true" if entry.open else "false"}" '
        f'data-attempts="{op.attempts}" data-problem="{"true" if problem else "false"}"'
    )


def _row(
    entry: TimelineEntry,
    depth: int,
    axis: _Axis,
    *,
    ended: bool,
    children: int,
    resumes: datetime | None = None,
) -> str:
    op = entry.operation
    tag = "summary" if children else "div"
    count = f' <small class="count">({children:,})</small>' if children else ""
    sub = ""
    if op.sub_type and op.sub_type != op.kind:
        sub = f' <small class="sub-type">{_e(op.sub_type)}</small>'
    status = status_text(op, entry, ended=ended)
    offset = f"+{format_duration(entry.offset)}" if entry.offset is not None else "?"
    tip = f"{op.label} - {op.kind} - {status} - started {offset}, took {format_duration(entry.duration)}"
    return (
        f'<{tag} class="row" title="{_e(tip)}">'
        f'<span class="name" style="padding-left:{depth * _INDENT_PX}px">'
        f'<span class="twisty"></span>{_e(op.label)}{count}</span>'
        f'<span class="type">{_e(op.kind)}{sub}</span>'
        f'<span class="status"><span class="st st-{_status_class(op.status)}">{_e(status)}</span></span>'
        f'<span class="dur">{_e(format_duration(entry.duration))}</span>'
        f'<span class="track">{_bars(entry, axis, ended=ended, resumes=resumes)}</span></{tag}>'
    )


def _bars(entry: TimelineEntry, axis: _Axis, *, ended: bool, resumes: datetime | None) -> str:
    op = entry.operation
    if op.started is None:
        return ""
    out: list[str] = []
    if op.attempt_log:
        previous_end: datetime | None = None
        for attempt in op.attempt_log:
            if previous_end is not None and attempt.started > previous_end:
                out.append(_gap(axis, previous_end, attempt.started))
            tip = f"attempt {attempt.number}: {attempt.status}" + (
                f" - {attempt.error}" if attempt.error else ""
            )
            if attempt.next_attempt_delay_seconds:
                tip += f" - next attempt after {format_duration(attempt.next_attempt_delay_seconds)}"
            is_open = attempt.ended is None
            out.append(
                _bar(axis, attempt.started, attempt.ended, attempt.status, tip, is_open, attempt.number)
            )
            previous_end = attempt.ended
        if op.status == OperationStatus.RETRYING and previous_end is not None:
            out.append(_gap(axis, previous_end, None, open_=True))
        return "".join(out)
    tip = f"{op.status}" + (f" - {op.error}" if op.error and op.status != OperationStatus.SUCCEEDED else "")
    if entry.open:
        tip += " - never completed" if ended else f" - open for {format_duration(entry.duration)} so far"
    if resumes is not None:
        tip += f" - resumes at {format_time(resumes)}"
    return _bar(axis, op.started, op.ended, op.status, tip, entry.open, None)


def _bar(
    axis: _Axis,
    started: datetime,
    ended: datetime | None,
    status: str,
    tip: str,
    is_open: bool,
    attempt: int | None,
) -> str:
    left, width = axis.bar(started, ended)
    classes = f"bar st-{_status_class(status)}" + (" open-bar" if is_open else "")
    number = f' data-attempt="{attempt}"' if attempt is not None else ""
    return (
        f'<i class="{classes}"{number} data-status="{_e(status)}" title="{_e(tip)}" '
        f'style="--l:{left:.5f};--w:{width:.5f}"></i>'
    )


def _gap(axis: _Axis, started: datetime, ended: datetime | None, *, open_: bool = False) -> str:
    left, width = axis.bar(started, ended)
    delay = format_duration((ended or axis.end) - started)
    label = f"waiting {delay} so far for the next attempt" if open_ else f"retry delay {delay}"
    return f'<i class="gap" title="{_e(label)}" style="--l:{left:.5f};--w:{width:.5f}"></i>'


#: The page's style and script, package data beside this module (``_page/``, shipped in the wheel).
#: The script's ``fmt`` mirrors :func:`format_duration` (``tests/diagnose/test_page_assets.py`` runs both).
PAGE_DIR = Path(__file__).resolve().parent / "_page"
_CSS = "\n" + (PAGE_DIR / "timeline.css").read_text(encoding="utf-8")
_JS = "\n" + (PAGE_DIR / "timeline.js").read_text(encoding="utf-8")
