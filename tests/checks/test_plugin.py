"""cdk-nag 3 mode: ``Validations.of(app).add_plugins(DurableChecks(app))``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from cdk_nag import NagPack

from cdk_durable.checks import DurableChecks

from ._cases import CASES, durable_with_alias


def _report(outdir: Path) -> list[dict[str, Any]]:
    report = json.loads((outdir / "validation-report.json").read_text())
    # CDK lists only plugins that reported something.
    return [v for r in report["pluginReports"] if r["pluginName"] == "DurableChecks" for v in r["violations"]]


def _findings(violations: list[dict[str, Any]]) -> set[tuple[str, str]]:
    return {(v["ruleName"], c["constructPath"]) for v in violations for c in v["violatingConstructs"]}


def test_is_a_cdk_nag_pack() -> None:
    assert isinstance(DurableChecks(), NagPack)


def test_error_finding_fails_synth_and_is_in_the_report(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "S")
    durable_with_alias(stack, function_name="pinned")
    cdk.Validations.of(app).add_plugins(DurableChecks(app))

    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()

    violations = _report(tmp_path)
    assert ("DUR-E7", "S/Fn/Resource") in _findings(violations)
    assert {v["ruleName"]: v["severity"] for v in violations}["DUR-E7"] == "error"


def test_warnings_alone_do_not_fail_synth(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "S")
    durable_with_alias(stack)
    cdk.Validations.of(app).add_plugins(DurableChecks(app))

    app.synth()

    assert {(v["ruleName"], v["severity"]) for v in _report(tmp_path)} == {("DUR-W2", "warning")}


def test_acknowledgment_is_honoured(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "S")
    fn, _ = durable_with_alias(stack, function_name="pinned")
    cdk.Validations.of(fn).acknowledge(
        cdk.Acknowledgment(id="DUR-E7", reason="Pinned on purpose since day one.")
    )
    cdk.Validations.of(stack).acknowledge(
        cdk.Acknowledgment(id="DurableChecks::DUR-W2", reason="Alarms live in the ops stack.")
    )
    v2_fn, _ = durable_with_alias(stack, "V2", function_name="pinned-v2")
    cfn = v2_fn.node.default_child
    assert isinstance(cfn, cdk.CfnResource)
    cfn.add_metadata("cdk_nag", {"rules_to_suppress": [{"id": "DUR-E7", "reason": "cdk-nag 2 metadata."}]})
    cdk.Validations.of(app).add_plugins(DurableChecks(app))

    app.synth()  # no error left: "DUR-E7", the CLI's "DurableChecks::DUR-W2" and cdk-nag 2 metadata

    assert _report(tmp_path) == []


def test_plugin_sees_property_overrides(tmp_path: Path) -> None:
    # The L2 has no KMS member; PLATFORM.md documents add_property_override. Only the synthesized
    # template shows it (the aspect sees L1 properties only).
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "S")
    fn, _ = durable_with_alias(stack)
    cfn = fn.node.default_child
    assert isinstance(cfn, lambda_.CfnFunction)
    cfn.add_property_override("DurableConfig.KMSKeyArn", kms.Key(stack, "Key").key_arn)
    cdk.Validations.of(app).add_plugins(DurableChecks(app))

    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()

    assert ("DUR-E8", "S/Fn/Resource") in _findings(_report(tmp_path))


def test_plugin_and_aspect_report_the_same_findings(tmp_path: Path) -> None:
    def build(app: cdk.App) -> None:
        for rule_id, (_, bad) in CASES.items():
            bad(cdk.Stack(app, rule_id.replace("-", "")))

    aspect_app = cdk.App(outdir=str(tmp_path / "aspect"))
    build(aspect_app)
    cdk.Aspects.of(aspect_app).add(DurableChecks())
    assembly = aspect_app.synth()
    by_aspect = {
        (str(m.entry.data).split(":")[0], m.id.lstrip("/"))
        for stack in assembly.stacks
        for m in stack.messages
        if str(m.entry.data).startswith("DUR-")
    }
    plugin_app = cdk.App(outdir=str(tmp_path / "plugin"))
    build(plugin_app)
    cdk.Validations.of(plugin_app).add_plugins(DurableChecks(plugin_app))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        plugin_app.synth()

    by_plugin = _findings(_report(tmp_path / "plugin"))

    assert by_plugin == by_aspect
    assert {rule for rule, _ in by_plugin} == set(CASES)


def test_nested_stacks_are_checked(tmp_path: Path) -> None:
    app = cdk.App(outdir=str(tmp_path))
    nested = cdk.NestedStack(cdk.Stack(app, "S"), "Nested")
    durable_with_alias(nested, function_name="pinned")
    cdk.Validations.of(app).add_plugins(DurableChecks(app))

    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()

    assert ("DUR-E7", "S/Nested/Fn/Resource") in _findings(_report(tmp_path))
