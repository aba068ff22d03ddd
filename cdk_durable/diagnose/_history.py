"""Moved to :mod:`cdk_durable._history` (one history model for ``run`` and ``diagnose``).

Kept so ``from ._history import ...`` inside ``cdk_durable.diagnose`` keeps working.
"""

from .._history import (
    EXECUTION_SHAPE,
    EXECUTION_TERMINAL,
    HISTORY_SHAPE,
    Attempt,
    DiagnoseInputError,
    ErrorInfo,
    ExecutionRecord,
    History,
    HistoryBuilder,
    Operation,
    format_duration,
    load_json,
    parse_history,
    parse_timestamp,
)

__all__ = [
    "EXECUTION_SHAPE",
    "EXECUTION_TERMINAL",
    "HISTORY_SHAPE",
    "Attempt",
    "DiagnoseInputError",
    "ErrorInfo",
    "ExecutionRecord",
    "History",
    "HistoryBuilder",
    "Operation",
    "format_duration",
    "load_json",
    "parse_history",
    "parse_timestamp",
]
