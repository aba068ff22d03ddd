"""``cdk_durable.DurableFunction`` against the pack: its defaults raise no error-level finding."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match

from cdk_durable import AsyncStarter, DurableExecutionStatus, DurableFunction
from cdk_durable.checks import DurableChecks

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")


def _durable(stack: cdk.Stack, id: str = "Orders", **kwargs: object) -> DurableFunction:
    return DurableFunction(
        stack,
        id,
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        execution_timeout=cdk.Duration.days(7),
        **kwargs,  # type: ignore[arg-type]
    )


def _findings(annotations: Annotations) -> set[tuple[str, str]]:
    pattern = Match.string_like_regexp("^DUR-")
    messages = annotations.find_error("*", pattern) + annotations.find_warning("*", pattern)
    return {(str(m.entry.data).split(":")[0], m.id) for m in messages}


def test_defaults_raise_no_error_and_only_the_monitoring_warning() -> None:
    # The construct does not watch failures unless asked (add_recommended_alarms / on_status_change),
    # so DUR-W2 is the one finding its defaults get.
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    _durable(stack)
    cdk.Aspects.of(app).add(DurableChecks())

    assert _findings(Annotations.from_stack(stack)) == {("DUR-W2", "/S/Orders/Function/Resource")}


def test_with_alarms_or_a_status_rule_event_sources_and_a_starter_there_is_no_finding() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    with_alarms = _durable(stack, "WithAlarms")
    with_alarms.add_recommended_alarms()
    AsyncStarter(stack, "Starter", target=with_alarms, queue=sqs.Queue(stack, "Requests"))
    short = DurableFunction(
        stack,
        "WithStatusRule",
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        execution_timeout=cdk.Duration.minutes(15),
    )
    short.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue")))
    short.on_status_change(
        "Failures", statuses=[DurableExecutionStatus.FAILED, DurableExecutionStatus.TIMED_OUT]
    )
    cdk.Aspects.of(app).add(DurableChecks())

    assert _findings(Annotations.from_stack(stack)) == set()


def test_with_a_kms_key_the_plugin_finds_nothing(tmp_path: Path) -> None:
    # The construct sets DurableConfig.KMSKeyArn through a property override: the plugin reads the
    # synthesized template, so DUR-E8 is really evaluated here (and passes on the key policy it writes).
    app = cdk.App(outdir=str(tmp_path))
    stack = cdk.Stack(app, "S")
    key = kms.Key(stack, "Key")
    _durable(stack, kms_key=key).add_recommended_alarms()
    cdk.Validations.of(app).add_plugins(DurableChecks(app))

    app.synth()  # raises on any error-level finding

    template = json.loads((tmp_path / "S.template.json").read_text())
    (function,) = [r for r in template["Resources"].values() if "DurableConfig" in r.get("Properties", {})]
    assert function["Properties"]["DurableConfig"]["KMSKeyArn"] == stack.resolve(key.key_arn)
    report = tmp_path / "validation-report.json"
    violations = json.loads(report.read_text())["pluginReports"] if report.exists() else []
    assert [v for v in violations if v["pluginName"] == "DurableChecks" and v["violations"]] == []


def test_with_a_kms_key_the_aspect_sees_the_key_and_finds_nothing() -> None:
    # The construct sets DurableConfig.KMSKeyArn on the L1 property (not a raw override), so the
    # aspect mode evaluates DUR-E8 against the key policy the construct writes.
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    key = kms.Key(stack, "Key")
    fn = _durable(stack, kms_key=key)
    fn.add_recommended_alarms()
    cfn = fn.function.node.default_child
    assert isinstance(cfn, lambda_.CfnFunction)
    assert stack.resolve(cfn.durable_config)["kmsKeyArn"] == stack.resolve(key.key_arn)
    cdk.Aspects.of(app).add(DurableChecks())

    assert _findings(Annotations.from_stack(stack)) == set()
