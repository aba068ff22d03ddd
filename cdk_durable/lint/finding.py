"""``Finding``: one violation the linter reports (the shape of ``--format json``)."""

from __future__ import annotations

from dataclasses import dataclass

from ..rule_info import Severity


@dataclass(frozen=True, order=True)
class Finding:
    """One violation. ``line`` and ``col`` are 1-based, like ruff's output."""

    path: str
    line: int
    col: int
    code: str
    message: str
    #: The rule's severity (``RuleInfo.severity``); a syntax error is an error.
    severity: Severity = Severity.ERROR
    end_line: int | None = None
    end_col: int | None = None
