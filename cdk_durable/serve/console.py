"""The console at ``/``: executions (filter by function and status), each one's timeline page (the
``diagnose --html`` renderer), its pending callbacks with forms to succeed, fail or heartbeat them,
and stop.

Plain server-rendered HTML: every value from an execution is escaped; every form carries the
service's per-process token, so a page on another site cannot post to it (the service listens on
the loopback address unless ``--host`` says otherwise).
"""

from __future__ import annotations

import html
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlencode, urlparse

from .._history import open_callbacks, parse_history
from ..local_run import _sdk

if TYPE_CHECKING:  # pragma: no cover
    from .handler import ServeRequestHandler
    from .service import Service

STATUSES = ("RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "STOPPED")
_STYLE = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left}
th{background:#f6f8fa}.s-RUNNING{color:#0969da}.s-SUCCEEDED{color:#1a7f37}.s-FAILED,.s-TIMED_OUT{color:#cf222e}
.s-STOPPED{color:#6e7781}form.inline{display:inline}fieldset{margin:.5rem 0;border:1px solid #d0d7de}
textarea{width:28rem;height:3rem;font-family:monospace}nav a{margin-right:1rem}
#console-panel{border:2px solid #0969da;padding:.75rem 1rem;margin-bottom:1rem;background:#f6f8fa}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _page(title: str, body: str) -> bytes:
    document = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
        f"<style>{_STYLE}</style></head><body><nav><a href='/'>Executions</a></nav>{body}</body></html>"
    )
    return document.encode("utf-8")


def handle_console(request: ServeRequestHandler, method: str) -> None:
    """Answer a console request (``GET /``, ``GET /console/execution``, ``POST /console/...``)."""
    service = request.service
    url = urlparse(request.path)
    query = {k: v[-1] for k, v in parse_qs(url.query).items()}
    if method == "GET" and url.path == "/":
        request.send_bytes(200, executions_page(service, query), content_type="text/html; charset=utf-8")
    elif method == "GET" and url.path == "/console/execution":
        request.send_bytes(
            200, execution_page(service, query.get("arn", "")), content_type="text/html; charset=utf-8"
        )
    elif method == "POST" and url.path in ("/console/callback", "/console/stop"):
        length = int(request.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(request.rfile.read(length).decode("utf-8")).items()}
        if form.get("token") != service.console_token:
            request.send_bytes(
                403,
                _page("Refused", "<p>Refused: the form's token does not match this service.</p>"),
                content_type="text/html; charset=utf-8",
            )
            return
        arn = form.get("arn", "")
        message = _act(service, url.path, form)
        target = "/console/execution?" + urlencode({"arn": arn, "done": message})
        request.send_response(303)
        request.send_header("Location", target)
        request.send_header("Content-Length", "0")
        request.end_headers()
    else:
        request.send_bytes(
            404, _page("Not found", "<p>No such console page.</p>"), content_type="text/html; charset=utf-8"
        )


def _act(service: Service, path: str, form: dict[str, str]) -> str:
    """Do what the form asks; a line saying what happened (or why not)."""
    from aws_durable_execution_sdk_python.lambda_service import ErrorObject

    executor = service.executor
    try:
        if path == "/console/stop":
            executor.stop_execution(service.arns.emulator(form.get("arn", "")) or "")
            return "stopped"
        callback_id = form.get("callback_id", "")
        action = form.get("action")
        if action == "succeed":
            text = form.get("result", "")
            if text.strip():
                json.loads(text)
            executor.send_callback_success(callback_id, result=text.encode("utf-8"))
            return "callback succeeded"
        if action == "fail":
            error = ErrorObject(
                message=form.get("error_message") or None,
                type=form.get("error_type") or None,
                data=None,
                stack_trace=None,
            )
            executor.send_callback_failure(callback_id, error=error)
            return "callback failed"
        if action == "heartbeat":
            executor.send_callback_heartbeat(callback_id)
            return "heartbeat sent"
        return f"unknown action {action!r}"
    except json.JSONDecodeError as e:
        return f"not sent: the result must be JSON ({e.msg})"
    except Exception as e:
        return f"not sent: {getattr(e, 'message', None) or e}"


def executions_page(service: Service, query: dict[str, str]) -> bytes:
    function = query.get("function") or None
    status = query.get("status") or None
    if function is not None and function not in service.functions:
        function = None
    if status is not None and status not in STATUSES:
        status = None
    response = service.executor.list_executions(function_name=function, status_filter=status, max_items=1000)
    rows = []
    for item in sorted(response.durable_executions, key=lambda e: e.start_timestamp, reverse=True):
        link = "/console/execution?arn=" + quote(service.arns.aws(item.durable_execution_arn), safe="")
        rows.append(
            f"<tr><td><a href='{_e(link)}'>{_e(item.durable_execution_name)}</a></td>"
            f"<td>{_e(item.function_arn.rsplit(':function:', 1)[-1])}</td>"
            f"<td class='s-{_e(item.status)}'>{_e(item.status)}</td>"
            f"<td>{_e(item.start_timestamp)}</td><td>{_e(item.end_timestamp or '')}</td></tr>"
        )
    functions = "".join(
        f"<option value='{_e(n)}'{' selected' if n == function else ''}>{_e(n)}</option>"
        for n in sorted(service.functions)
    )
    statuses = "".join(f"<option{' selected' if s == status else ''}>{s}</option>" for s in STATUSES)
    body = (
        "<h1>Durable executions</h1>"
        "<form method='get' action='/' id='filter'>"
        f"<label>Function <select name='function'><option value=''>all</option>{functions}</select></label> "
        f"<label>Status <select name='status'><option value=''>all</option>{statuses}</select></label> "
        "<button type='submit'>Filter</button></form>"
        "<table id='executions'><thead><tr><th>Name</th><th>Function</th><th>Status</th><th>Started</th>"
        f"<th>Ended</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        + ("" if rows else "<p>No executions.</p>")
    )
    return _page("cdk-durable serve", body)


def _history(service: Service, execution_id: str) -> dict[str, Any]:
    events, marker = _sdk.history_page(service.web_runner, execution_id, None, 100_000)
    while marker:
        page, marker = _sdk.history_page(service.web_runner, execution_id, marker, 100_000)
        events.extend(page)
    return {"Events": service.arns.body(events)}


def execution_page(service: Service, arn: str) -> bytes:
    from ..diagnose import analyze, render_html

    try:
        execution_id = service.arns.emulator(arn)
        if execution_id is None:
            raise LookupError(arn)
        details = service.executor.get_execution_details(execution_id)
    except Exception:
        return _page("Not found", f"<p>No execution {_e(arn)}.</p>")
    history = parse_history(_history(service, execution_id), source="serve")
    panel = _panel(service, service.arns.aws(execution_id), details, history)
    page = render_html(analyze(history, now=_sdk.now(service.web_runner)))
    marker = "<body>"
    at = page.find(marker)
    if at < 0:
        return _page(details.durable_execution_name, panel)
    at += len(marker)
    return (
        page[:at] + "<nav style='margin:1rem'><a href='/'>Executions</a></nav>" + panel + page[at:]
    ).encode("utf-8")


def _panel(service: Service, arn: str, details: Any, history: Any) -> str:
    token = _e(service.console_token)
    hidden = (
        f"<input type='hidden' name='token' value='{token}'>"
        f"<input type='hidden' name='arn' value='{_e(arn)}'>"
    )
    parts = [
        f"<section id='console-panel' style='margin:1rem;font:14px system-ui,sans-serif'>"
        f"<h2>{_e(details.durable_execution_name)} <span class='s-{_e(details.status)}' id='status'>"
        f"{_e(details.status)}</span></h2><p>ARN <code>{_e(arn)}</code></p>"
    ]
    if details.status == "RUNNING":
        callbacks = open_callbacks(history)
        if callbacks:
            parts.append("<h3>Pending callbacks</h3>")
        for callback in callbacks:
            fields = hidden + f"<input type='hidden' name='callback_id' value='{_e(callback.callback_id)}'>"
            parts.append(
                f"<fieldset class='callback' data-name='{_e(callback.display_name)}'>"
                f"<legend>{_e(callback.display_name)} <code>{_e(callback.callback_id)}</code></legend>"
                f"<form method='post' action='/console/callback' class='inline succeed'>{fields}"
                "<input type='hidden' name='action' value='succeed'>"
                "<textarea name='result' placeholder='JSON result'>{}</textarea> "
                "<button type='submit'>Succeed</button></form> "
                f"<form method='post' action='/console/callback' class='inline fail'>{fields}"
                "<input type='hidden' name='action' value='fail'>"
                "<input name='error_type' placeholder='ErrorType'> "
                "<input name='error_message' placeholder='message'> "
                "<button type='submit'>Fail</button></form> "
                f"<form method='post' action='/console/callback' class='inline heartbeat'>{fields}"
                "<input type='hidden' name='action' value='heartbeat'>"
                "<button type='submit'>Heartbeat</button></form>"
                "</fieldset>"
            )
        parts.append(
            f"<form method='post' action='/console/stop' id='stop'>{hidden}"
            "<button type='submit'>Stop execution</button></form>"
        )
    elif details.result is not None:
        parts.append(f"<p>Result <code id='result'>{_e(details.result)}</code></p>")
    parts.append("</section>")
    return "".join(parts)
