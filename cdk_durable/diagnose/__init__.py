"""``cdk-durable diagnose``: why is a durable execution stuck or failed?

Pure functions over the JSON of ``GetDurableExecutionHistory`` (and optionally
``GetDurableExecution``), a renderer, and the click ``command`` the CLI group loads lazily::

    from cdk_durable.diagnose import diagnose_history, render_text, write_html
    diagnosis = diagnose_history(json.load(open("history.json")), now=datetime.now(UTC))
    print(render_text(diagnosis))
    write_html(diagnosis, "timeline.html")   # the timeline page of ``--html``
    [f.code for f in diagnosis.findings]   # e.g. ["retries-exhausted"]

Modules: ``cdk_durable._history`` (parsing, the model shared with ``run``), ``_analysis``
(findings), ``_render`` (text/JSON), ``_html`` (the timeline page), ``_live`` (boto3), ``cli`` (the command).
"""

from __future__ import annotations

from .._history import (
    Attempt,
    DiagnoseInputError,
    ErrorInfo,
    ExecutionRecord,
    History,
    Operation,
    format_duration,
    parse_history,
    parse_timestamp,
)
from ..rule_info import Finding
from ._analysis import (
    Diagnosis,
    PayloadCheck,
    PendingCallback,
    PendingWait,
    TimelineEntry,
    analyze,
    callback_commands,
    diagnose_history,
)
from ._html import render_html, write_html
from ._live import fetch_execution, lambda_client
from ._render import render_text, to_json_dict
from .cli import command

__all__ = [
    "Attempt",
    "DiagnoseInputError",
    "Diagnosis",
    "ErrorInfo",
    "ExecutionRecord",
    "Finding",
    "History",
    "Operation",
    "PayloadCheck",
    "PendingCallback",
    "PendingWait",
    "TimelineEntry",
    "analyze",
    "callback_commands",
    "command",
    "diagnose_history",
    "fetch_execution",
    "format_duration",
    "lambda_client",
    "parse_history",
    "parse_timestamp",
    "render_html",
    "render_text",
    "to_json_dict",
    "write_html",
]
