"""Pack-level behaviour: verbose messages and a rule that throws."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match

from cdk_durable.checks import RULES, Compliance, DurableChecks, DurableRule, Resource, StackTemplate
from cdk_durable.checks import pack as pack_module
from cdk_durable.rule_info import RuleInfo, Severity

from ._cases import durable_fn
from .test_plugin import _report


def _broken(resource: Resource, stack: StackTemplate) -> Compliance:
    if resource.is_durable_function:
        raise KeyError("Unexpected shape")
    return Compliance.NOT_APPLICABLE


BROKEN = DurableRule(
    RuleInfo("DUR-E99", "broken", Severity.ERROR, "Broken rule.", "Fix.", "docs/checks.md", "Explanation."),
    _broken,
)


def test_verbose_adds_the_explanation_and_the_fix() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    durable_fn(stack)
    cdk.Aspects.of(app).add(DurableChecks(verbose=True))

    (rule,) = [r for r in RULES if r.id == "DUR-E3"]
    Annotations.from_stack(stack).has_error(
        "/S/Fn/Resource", f"DUR-E3: {rule.info.summary} {rule.info.explanation} Fix: {rule.info.fix}"
    )


def test_a_rule_that_throws_is_reported_not_raised_by_the_aspect(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack_module, "RULES", (BROKEN,))
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    durable_fn(stack)
    cdk.Aspects.of(app).add(DurableChecks())

    Annotations.from_stack(stack).has_warning(
        "/S/Fn/Resource", Match.string_like_regexp(r"^DUR-E99: the rule could not be evaluated \(KeyError")
    )


def test_a_rule_that_throws_is_a_violation_in_plugin_mode(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pack_module, "RULES", (BROKEN,))
    app = cdk.App(outdir=str(tmp_path))
    durable_fn(cdk.Stack(app, "S"))
    cdk.Validations.of(app).add_plugins(DurableChecks(app))

    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()

    (violation,) = _report(tmp_path)
    assert violation["ruleName"] == "DUR-E99"
    assert violation["description"].startswith("Rule threw an error during validation.")
