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
STATUS_CLASS = {
    "SUCCEEDED": "ok",
    "STARTED": "open",
    "RUNNING": "open",
    "PENDING": "open",
    "RETRYING": "retrying",
    "FAILED": "failed",
    "TIMED_OUT": "timedout",
    "STOPPED": "stopped",
    "CANCELLED": "stopped",
    "PAUSED": "paused",
    "PAUSING": "paused",
}
SEVERITY_CLASS = {"error": "error", "warning": "warning", "info": "info", "ok": "ok"}
#: A subtree with more direct children than this starts collapsed (unless it holds a problem),
#: and so do the problem-free subtrees among those children.
COLLAPSE_CHILDREN = 20
_INDENT_PX = 16
_TICKS = 4
_TICK_CLASS = {0: " first", _TICKS: " last"}


def _e(value: object) -> str:
    """HTML-escaped, with control characters from data shown as escapes (``\\x1b``)."""
    return escape(safe_text(str(value)), quote=True)


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
    return (
        f'<section id="diagnosis"><h2>Diagnosis</h2><ul class="findings">{"".join(items)}</ul>'
        f"{notes}</section>\n"
    )


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
    return f'<section id="pending-callbacks"><h2>Pending callbacks</h2>{"".join(blocks)}</section>\n'


def _failures(diagnosis: Diagnosis) -> str:
    rows = []
    for op in diagnosis.failures:
        rows.append(_failure_row(op))
    execution = diagnosis.execution
    if execution.error and execution.status != "SUCCEEDED":
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
    return (
        '<section id="failures"><h2>Failures</h2><table><thead><tr><th>operation</th><th>type</th>'
        "<th>status</th><th>attempts</th><th>error type</th><th>message</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></section>\n"
    )


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
    return f'<section id="pending-waits"><h2>Pending waits</h2><ul>{"".join(items)}</ul></section>\n'


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
    return (
        '<section id="payloads"><h2>Largest payloads <small>(share of their limit)</small></h2>'
        f"<table><tbody>{rows}</tbody></table></section>\n"
    )


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
    return f'<section id="slowest"><h2>Slowest operations</h2><ol>{items}</ol></section>\n'


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
    return entry.open or entry.operation.status != "SUCCEEDED"


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
        return '<section id="timeline"><h2>Timeline</h2><p>No operations in the history.</p></section>\n'
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
    return (
        f'<section id="timeline"><h2>Timeline <small>({len(timeline):,} operations)</small></h2>'
        f"{_controls()}"
        '<div class="axis-row"><span class="head name">operation</span><span class="head type">type</span>'
        '<span class="head status">status</span><span class="head dur">duration</span>'
        f'<span class="axis" data-span-seconds="{axis.span:.6f}">{ticks}{now_mark}</span></div>'
        f'<div class="rows">{"".join(out)}</div></section>\n'
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
        if op.status == "RETRYING" and previous_end is not None:
            out.append(_gap(axis, previous_end, None, open_=True))
        return "".join(out)
    tip = f"{op.status}" + (f" - {op.error}" if op.error and op.status != "SUCCEEDED" else "")
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


_CSS = """
:root{--ok:#2e9d4f;--open:#2f74d0;--retrying:#e08a00;--failed:#d03030;--timedout:#8e2b8e;
--stopped:#7a7a7a;--paused:#b59a00;--other:#555;--line:#e3e6ea;--muted:#5f6670;--name-w:330px}
*{box-sizing:border-box}
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:16px 24px;
color:#1d2126;background:#fff}
h1{font-size:22px;margin:0 0 6px}h2{font-size:17px;margin:22px 0 8px}h3{font-size:15px;margin:0 0 4px}
small{color:var(--muted);font-weight:normal}
code,pre{font:12.5px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.badge.badge{font-size:13px;padding:2px 8px;border-radius:10px;color:#fff;vertical-align:middle}
.badge.st-ok{background:var(--ok)}.badge.st-open{background:var(--open)}.badge.st-failed{background:var(--failed)}
.badge.st-timedout{background:var(--timedout)}.badge.st-stopped{background:var(--stopped)}
.badge.st-paused{background:var(--paused)}.badge.st-retrying{background:var(--retrying)}
.badge.st-other{background:var(--other)}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}
.facts dt{color:var(--muted)}.facts dd{margin:0;word-break:break-all}
.findings{list-style:none;padding:0;margin:0}
.finding{border-left:4px solid var(--other);background:#f6f7f9;padding:6px 10px;margin:0 0 6px}
.finding .sev{font-weight:600;font-size:12px}
.sev-error{border-color:var(--failed)}.sev-error .sev{color:var(--failed)}
.sev-warning{border-color:var(--retrying)}.sev-warning .sev{color:#a36200}
.sev-info{border-color:var(--open)}.sev-info .sev{color:var(--open)}
.sev-ok{border-color:var(--ok)}.sev-ok .sev{color:var(--ok)}
.next-steps{margin:4px 0 0 0;padding-left:20px;color:#30363d}.next-steps li{word-break:break-word}
.note{color:var(--muted);margin:4px 0}
.callback{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:0 0 8px}
.callback p{margin:2px 0}
.command{display:flex;align-items:flex-start;gap:8px;margin:4px 0}
.cmd-kind{width:72px;color:var(--muted);flex:none;padding-top:5px}
pre.cmd{flex:1;margin:0;padding:5px 8px;background:#f3f4f6;border-radius:4px;white-space:pre-wrap;
word-break:break-all}
button{font:inherit;font-size:12px;padding:3px 9px;border:1px solid #c8cdd3;border-radius:4px;background:#fff;
cursor:pointer}button:hover{background:#f0f2f4}
table{border-collapse:collapse}td,th{padding:3px 10px 3px 0;text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:normal;border-bottom:1px solid var(--line)}
.error-message{word-break:break-word;max-width:640px}
.st{font-weight:600}.st-ok{color:var(--ok)}.st-open{color:var(--open)}.st-failed{color:var(--failed)}
.st-retrying{color:#a36200}.st-timedout{color:var(--timedout)}.st-stopped{color:var(--stopped)}
.st-paused{color:var(--paused)}.st-other{color:var(--other)}
.meter{display:inline-block;width:60px;height:8px;background:#eceef1;margin-right:6px;vertical-align:middle}
.meter i{display:block;height:100%;background:var(--open)}
.late{color:var(--failed)}
.callback-id{word-break:break-all}
.cards{display:flex;gap:40px;flex-wrap:wrap;align-items:flex-start}.cards section{min-width:300px}
.controls{display:flex;gap:8px;align-items:center;margin:0 0 6px;flex-wrap:wrap}
.zoom{display:inline-flex;gap:6px;align-items:center;color:var(--muted);font-size:12px}
.controls label{font-size:12px;color:var(--muted);display:inline-flex;gap:4px;align-items:center}
#zoom-label{color:#1d2126}
.legend{display:flex;gap:12px;margin-left:12px;color:var(--muted);font-size:12px;flex-wrap:wrap}
.legend-item{display:inline-flex;align-items:center;gap:4px}
.legend-item i.bar,.legend-item i.gap{position:static;display:inline-block;width:16px;height:9px}
.axis-row,.row{display:grid;grid-template-columns:var(--name-w) 190px 170px 70px minmax(240px,1fr);
align-items:center;column-gap:8px}
.axis-row{border-bottom:1px solid var(--line);padding:2px 0;color:var(--muted);font-size:12px;
position:sticky;top:0;background:#fff;z-index:2}
.axis{position:relative;height:18px}
.tick{position:absolute;transform:translateX(-50%);white-space:nowrap}
.tick.first{transform:none}.tick.last{transform:translateX(-100%)}
.tick.now{transform:translateX(-100%);top:-14px;color:var(--open)}
.row{min-height:22px;border-bottom:1px solid #f1f2f4;font-size:13px}
.row:hover{background:#f7f9fc}
summary.row{cursor:pointer;list-style:none}summary.row::-webkit-details-marker{display:none}
.name{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.twisty{display:inline-block;width:14px;color:var(--muted)}
details>summary .twisty::before{content:"\\25B8"}details[open]>summary .twisty::before{content:"\\25BE"}
.type{color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.status{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-size:12px}
.dur{text-align:right;color:var(--muted);font-variant-numeric:tabular-nums}
.track{position:relative;height:12px;background:repeating-linear-gradient(90deg,transparent 0,
transparent calc(25% - 1px),#eef0f3 calc(25% - 1px),#eef0f3 25%)}
#timeline{--z0:0;--zk:1}
.bar,.gap{position:absolute;top:0;height:100%;min-width:2px;border-radius:2px;
left:calc((var(--l) - var(--z0)) * var(--zk) * 1%);width:calc(var(--w) * var(--zk) * 1%)}
.track{overflow:hidden}
.zoomed .tick.now{display:none}
.only-problems .op[data-problem="false"]{display:none}
.op.match>.row{background:#fff4c2}
#find-count{color:var(--muted);font-size:12px}
.bar.st-ok{background:var(--ok)}.bar.st-open{background:var(--open)}.bar.st-retrying{background:var(--retrying)}
.bar.st-failed{background:var(--failed)}.bar.st-timedout{background:var(--timedout)}
.bar.st-stopped{background:var(--stopped)}.bar.st-paused{background:var(--paused)}
.bar.st-other{background:var(--other)}
.bar.open-bar{background-image:repeating-linear-gradient(135deg,rgba(255,255,255,.35) 0,
rgba(255,255,255,.35) 4px,transparent 4px,transparent 8px);border-radius:2px 0 0 2px}
.gap{top:45%;height:2px;background:repeating-linear-gradient(90deg,var(--retrying) 0,var(--retrying) 3px,
transparent 3px,transparent 6px)}
"""

_JS = """
(function () {
  function all(selector) { return Array.prototype.slice.call(document.querySelectorAll(selector)); }
  document.getElementById('expand-all') && document.getElementById('expand-all').addEventListener(
    'click', function () { all('#timeline details').forEach(function (d) { d.open = true; }); });
  document.getElementById('collapse-all') && document.getElementById('collapse-all').addEventListener(
    'click', function () { all('#timeline details').forEach(function (d) { d.open = false; }); });
  // Zoom: bars are placed by --l/--w (percent of the whole span); the axis shows --z0 .. --z0 + 100/--zk.
  var timeline = document.getElementById('timeline');
  var axis = timeline && timeline.querySelector('.axis');
  function fmt(seconds) {
    if (seconds < 1) { return Math.round(seconds * 1000) + 'ms'; }
    if (seconds < 60) { return seconds.toFixed(1) + 's'; }
    var whole = Math.round(seconds), d = Math.floor(whole / 86400), h = Math.floor(whole % 86400 / 3600);
    var m = Math.floor(whole % 3600 / 60), s = whole % 60;
    function two(n) { return (n < 10 ? '0' : '') + n; }
    if (d) { return d + 'd ' + h + 'h'; }
    if (h) { return h + 'h ' + two(m) + 'm'; }
    return m + 'm ' + two(s) + 's';
  }
  function zoom(from, to) {
    from = Math.max(0, from); to = Math.min(100, to);
    if (to - from < 0.0001) { to = Math.min(100, from + 0.0001); from = to - 0.0001; }
    timeline.style.setProperty('--z0', from);
    timeline.style.setProperty('--zk', 100 / (to - from));
    var whole = from <= 0 && to >= 100;
    timeline.classList.toggle('zoomed', !whole);
    var span = parseFloat(axis.getAttribute('data-span-seconds'));
    var ticks = axis.querySelectorAll('.tick:not(.now)');
    for (var i = 0; i < ticks.length; i++) {
      ticks[i].textContent = '+' + fmt(span * (from + (to - from) * i / (ticks.length - 1)) / 100);
    }
    document.getElementById('zoom-label').textContent = whole ? 'whole execution'
      : '+' + fmt(span * from / 100) + ' to +' + fmt(span * to / 100);
  }
  function extent(bars) {
    var lo = Infinity, hi = -Infinity;
    bars.forEach(function (bar) {
      var l = parseFloat(bar.style.getPropertyValue('--l'));
      var w = parseFloat(bar.style.getPropertyValue('--w'));
      lo = Math.min(lo, l); hi = Math.max(hi, l + w);
    });
    return lo <= hi ? [lo, hi] : null;
  }
  function zoomTo(bars) {
    var range = extent(bars);
    if (!range) { return; }
    var pad = Math.max((range[1] - range[0]) * 0.03, 0.00005);
    zoom(range[0] - pad, range[1] + pad);
  }
  if (timeline && axis) {
    document.getElementById('zoom-reset').addEventListener('click', function () { zoom(0, 100); });
    document.getElementById('zoom-activity').addEventListener('click', function () {
      zoomTo(all('#timeline .rows .bar:not(.open-bar)'));
    });
    timeline.addEventListener('dblclick', function (event) {
      var row = event.target.closest && event.target.closest('.row');
      if (!row) { return; }
      var op = row.parentNode;
      zoomTo(Array.prototype.slice.call(op.querySelectorAll('.bar')));
      if (window.getSelection) { window.getSelection().removeAllRanges(); }
    });
  }
  // Only what did not succeed: hide rows with data-problem="false" (a problem's parents are problems too).
  var only = document.getElementById('only-problems');
  if (only) {
    only.addEventListener('change', function () {
      timeline.classList.toggle('only-problems', only.checked);
    });
  }
  // Find: highlight rows whose name contains the text and unfold their parents.
  var find = document.getElementById('find');
  if (find) {
    find.addEventListener('input', function () {
      var text = find.value.trim().toLowerCase(), count = 0;
      all('#timeline .op').forEach(function (op) {
        var hit = text !== '' && op.getAttribute('data-name').toLowerCase().indexOf(text) !== -1;
        op.classList.toggle('match', hit);
        if (!hit) { return; }
        count += 1;
        for (var up = op.parentElement; up && up.id !== 'timeline'; up = up.parentElement) {
          if (up.tagName === 'DETAILS') { up.open = true; }
        }
      });
      document.getElementById('find-count').textContent = text === '' ? '' : count + ' found';
    });
  }
  all('button.copy').forEach(function (button) {
    button.addEventListener('click', function () {
      var pre = document.getElementById(button.getAttribute('data-target'));
      var text = pre.textContent;
      function done() { button.textContent = 'Copied'; }
      function select() {
        var range = document.createRange();
        range.selectNodeContents(pre);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        try { if (document.execCommand('copy')) { done(); return; } } catch (e) {}
        button.textContent = 'Selected: press Ctrl+C';
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, select);
      } else {
        select();
      }
    });
  });
})();
"""
