"""Run cfn-lint with the durable rules, through its Python API (``append_rules``, as ``-a`` does;
the rules loaded once per process, :func:`tests.cfnlint_helper.lint_text`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cfnlint.api import ManualArgs

from cdk_durable.checks import RULES_BY_CFN_LINT_ID
from tests.cfnlint_helper import lint_text, template_text

MODULE = "cdk_durable.cfn_lint"


def durable_matches(
    template: Mapping[str, Any] | str | Path, *, ignore_checks: Sequence[str] = ()
) -> list[Any]:
    """cfn-lint's matches of the durable rules only (its own rules run too, and are left out)."""
    text = template_text(template)
    config = ManualArgs(regions=["us-east-1"], append_rules=[MODULE], ignore_checks=list(ignore_checks))
    return [m for m in lint_text(text, config) if m.rule.id in RULES_BY_CFN_LINT_ID or "durable" in m.message]


def durable_findings(
    template: Mapping[str, Any] | str | Path, *, ignore_checks: Sequence[str] = ()
) -> set[tuple[str, str]]:
    """``{(DurableChecks id, logical id)}``: what the plugin reports, in the CDK pack's words."""
    return {
        (RULES_BY_CFN_LINT_ID[m.rule.id].id, str(m.path[1]))
        for m in durable_matches(template, ignore_checks=ignore_checks)
        if m.rule.id in RULES_BY_CFN_LINT_ID
    }
