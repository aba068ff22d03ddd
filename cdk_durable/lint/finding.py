"""``Finding``: one violation the linter reports (the shape of ``--format json``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Finding:
    """One violation. ``line`` and ``col`` are 1-based, like ruff's output."""

    path: str
    line: int
    col: int
    code: str
    message: str
    severity: str = "error"
    end_line: int | None = None
    end_col: int | None = None
