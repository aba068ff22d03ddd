"""cfn-lint (>= 1.53) on synthesized or generated templates, through its Python API.

``assert_cfn_lint_clean(template)`` fails with every match listed. Justified exceptions are passed
explicitly as ``ignore={"W3005": "why it is fine here"}`` so each one carries its reason in code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cfnlint.api import ManualArgs, lint

# Rules ignored everywhere, each with its reason.
GLOBAL_IGNORES: dict[str, str] = {}


def template_text(template: Mapping[str, Any] | str | Path) -> str:
    """A template as the text cfn-lint's API reads: a file, YAML/JSON text, or a parsed template."""
    if isinstance(template, Path):
        return template.read_text()
    if isinstance(template, str):
        return template
    return json.dumps(template)


def cfn_lint(
    template: Mapping[str, Any] | str | Path, *, ignore: Mapping[str, str] | None = None
) -> list[str]:
    """Return cfn-lint's errors and warnings as ``RULE: message (path)`` strings."""
    text = template_text(template)
    ignored = {**GLOBAL_IGNORES, **(ignore or {})}
    matches = lint(text, config=ManualArgs(regions=["us-east-1"], ignore_checks=list(ignored)))
    return [f"{m.rule.id}: {m.message} ({_where(m)})" for m in matches if m.rule.id[0] in ("E", "W")]


def _where(match: Any) -> str:
    path = getattr(match, "path", None)
    return "/".join(str(x) for x in path) if path else f"line {match.linenumber}"


def assert_cfn_lint_clean(
    template: Mapping[str, Any] | str | Path, *, ignore: Mapping[str, str] | None = None
) -> None:
    problems = cfn_lint(template, ignore=ignore)
    assert not problems, "cfn-lint found:\n" + "\n".join(problems)
