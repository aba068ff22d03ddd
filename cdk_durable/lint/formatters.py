"""Output formats: ruff-style text, JSON, and SARIF 2.1.0 (for GitHub code scanning and IDEs)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..rule_info import Finding
from .rules import RULES, SYNTAX_ERROR

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "cdk-durable-lint"


def format_text(findings: Sequence[Finding]) -> str:
    """``path:line:col: CODE message`` per finding, then a summary line (like ruff)."""
    lines = [f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}" for f in findings]
    if findings:
        noun = "finding" if len(findings) == 1 else "findings"
        lines.append(f"Found {len(findings)} {noun}.")
    else:
        lines.append("All checks passed!")
    return "\n".join(lines) + "\n"


#: A finding in ``--format json``: these attributes of :class:`Finding`, by the same names, in order.
JSON_FIELDS = ("path", "line", "col", "end_line", "end_col", "code", "severity", "message")


def _as_dict(f: Finding) -> dict[str, Any]:
    return {name: getattr(f, name) for name in JSON_FIELDS}


def format_json(findings: Sequence[Finding]) -> str:
    """A JSON array of findings (``path``, ``line``, ``col``, ``end_line``, ``end_col``, ``code``, ...)."""
    return json.dumps([_as_dict(f) for f in findings], indent=2) + "\n"


def _sarif_rules() -> list[dict[str, Any]]:
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": f"Replay rule {rule.replay_rule} {rule.summary}"},
            "help": {"text": f"{rule.fix} See {rule.docs}."},
            "defaultConfiguration": {"level": rule.severity.value},
        }
        for rule in RULES
    ]
    rules.append(
        {
            "id": SYNTAX_ERROR.code,
            "name": SYNTAX_ERROR.name,
            "shortDescription": {"text": SYNTAX_ERROR.summary},
            "defaultConfiguration": {"level": SYNTAX_ERROR.severity.value},
        }
    )
    return rules


def _uri(path: str) -> str:
    p = Path(path)
    return p.as_posix() if not p.is_absolute() else p.as_uri()


def format_sarif(findings: Sequence[Finding]) -> str:
    """A SARIF 2.1.0 log with one run; every rule is described in ``tool.driver.rules``."""
    rules = _sarif_rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for f in findings:
        region: dict[str, int] = {"startLine": f.line, "startColumn": f.col}
        if f.end_line is not None:
            region["endLine"] = f.end_line
        if f.end_col is not None:
            region["endColumn"] = f.end_col
        results.append(
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": f.severity,
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(f.path)},
                            "region": region,
                        }
                    }
                ],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": __version__,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


FORMATTERS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": format_text,
    "json": format_json,
    "sarif": format_sarif,
}
