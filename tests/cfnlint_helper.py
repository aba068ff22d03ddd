"""cfn-lint (>= 1.53) on synthesized or generated templates, through its Python API.

``assert_cfn_lint_clean(template)`` fails with every match listed. Justified exceptions are passed
explicitly as ``ignore={"W3005": "why it is fine here"}`` so each one carries its reason in code.

:func:`lint_text` is cfn-lint's ``cfnlint.api.lint`` with its rules loaded once per process, as
cfn-lint's CLI loads them once for every template it is given: the API alone re-imports its ~340
rule files and re-reads their JSON schemas on each call (about 0.3 s of CPU, most of a small
template's lint). The rules are configured per run from the same ``ManualArgs`` (cfn-lint's
``Rules.run``), so the matches are the API's.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cfnlint.api import ManualArgs
from cfnlint.config import ConfigMixIn
from cfnlint.decode.decode import decode_str
from cfnlint.rules import Match, Rules
from cfnlint.runner import Runner, run_template_by_data

# Rules ignored everywhere, each with its reason.
GLOBAL_IGNORES: dict[str, str] = {}


def template_text(template: Mapping[str, Any] | str | Path) -> str:
    """A template as the text cfn-lint's API reads: a file, YAML/JSON text, or a parsed template."""
    if isinstance(template, Path):
        return template.read_text()
    if isinstance(template, str):
        return template
    return json.dumps(template)


#: cfn-lint's rules by what they are loaded from (``append_rules``, ``custom_rules``).
_RULES: dict[tuple[tuple[str, ...], Any], Rules] = {}


def _rules(configured: ConfigMixIn) -> Rules:
    """The rules cfn-lint's ``Runner`` loads for ``configured``, once per process."""
    key = (tuple(configured.append_rules), configured.custom_rules)
    if key not in _RULES:
        _RULES[key] = Runner(configured).rules
    return _RULES[key]


def lint_text(text: str, config: ManualArgs) -> list[Match]:
    """``cfnlint.api.lint(text, config=config)``, with the rules loaded once (see the module doc).

    The API's own steps: decode the text, then ``run_template_by_data`` with the configuration
    (``.cfnlintrc`` included) and ``Runner``'s rules for it, which is what ``Runner.validate_template`` runs.
    """
    template, errors = decode_str(text)
    if errors:
        return list(errors)
    if template is None:
        return []
    configured = ConfigMixIn(**config)
    return list(run_template_by_data(template, configured, _rules(configured)))


def cfn_lint(
    template: Mapping[str, Any] | str | Path, *, ignore: Mapping[str, str] | None = None
) -> list[str]:
    """Return cfn-lint's errors and warnings as ``RULE: message (path)`` strings."""
    text = template_text(template)
    ignored = {**GLOBAL_IGNORES, **(ignore or {})}
    matches = lint_text(text, ManualArgs(regions=["us-east-1"], ignore_checks=list(ignored)))
    return [f"{m.rule.id}: {m.message} ({_where(m)})" for m in matches if m.rule.id[0] in ("E", "W")]


def _where(match: Any) -> str:
    path = getattr(match, "path", None)
    return "/".join(str(x) for x in path) if path else f"line {match.linenumber}"


def assert_cfn_lint_clean(
    template: Mapping[str, Any] | str | Path, *, ignore: Mapping[str, str] | None = None
) -> None:
    problems = cfn_lint(template, ignore=ignore)
    assert not problems, "cfn-lint found:\n" + "\n".join(problems)
