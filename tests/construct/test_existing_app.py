# ruff: noqa: E501, RUF059  (expected messages kept on one line; unpacked stacks named for reading)
"""Done-when for issue 16: the two-stack app of ``existing_app.py`` synthesizes with no error from
DurableChecks (both modes) and the cfn-lint pack, is wired to alias ARNs only, and each mistake listed
under "What fails today" is one line at synth."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from aws_cdk.assertions import Annotations, Match, Template

from cdk_durable import DurableChecks, DurableFunction
from cdk_durable._validation import DurableValidationError
from cdk_durable.checks import DurableSuppressions
from tests.cfn_lint._lint import durable_findings

from .conftest import ENV, durable, synth
from .existing_app import Frontend, Workflows, build

ROOT = Path(__file__).resolve().parents[2]
REASON = "Quotes finish in minutes; no execution outlives a deploy."


@functools.cache
def _app() -> tuple[Workflows, Frontend]:
    return build(cdk.App())


def _messages(stack: cdk.Stack, level: str) -> list[str]:
    annotations = Annotations.from_stack(stack)
    found = annotations.find_error if level == "error" else annotations.find_warning
    return [str(m.entry.data).split("\n")[0] for m in found("*", Match.any_value())]


# --- the app -------------------------------------------------------------------------------------------


def test_the_app_has_no_error_and_no_durable_warning() -> None:
    workflows, frontend = _app()
    for stack in (workflows, frontend):
        assert _messages(stack, "error") == []
        assert [m for m in _messages(stack, "warning") if m.startswith("DUR-")] == []


@pytest.mark.parametrize("name", ["Workflows", "Frontend"])
def test_each_template_is_clean_in_cfn_lint_with_the_durable_pack(name: str) -> None:
    workflows, frontend = _app()
    template = synth(workflows if name == "Workflows" else frontend)  # cfn-lint's own rules
    assert durable_findings(template.to_json()) == set()


def test_the_plugin_mode_passes_too() -> None:
    app = cdk.App()
    workflows, frontend = build(app)
    cdk.Validations.of(app).add_plugins(DurableChecks(app))
    assembly = app.synth()
    report = (
        json.loads(Path(assembly.directory, "validation-report.json").read_text())
        if Path(assembly.directory, "validation-report.json").exists()
        else {}
    )
    assert "DUR-" not in json.dumps(report)


def test_the_other_stack_gets_the_alias_arn_through_an_export() -> None:
    workflows, frontend = _app()
    template = Template.from_stack(frontend)
    [checkout] = [
        r
        for r in template.find_resources("AWS::Lambda::Function").values()
        if "Environment" in r["Properties"]
    ]
    imported = checkout["Properties"]["Environment"]["Variables"]["ORDERS_FUNCTION"]["Fn::ImportValue"]
    exported = [
        o["Value"]
        for o in Template.from_stack(workflows).to_json()["Outputs"].values()
        if o.get("Export", {}).get("Name") == imported
    ]
    [alias_id] = [
        a
        for a in Template.from_stack(workflows).find_resources("AWS::Lambda::Alias")
        if a.startswith("OrdersAlias")
    ]
    assert exported == [{"Ref": alias_id}]


def test_the_imported_workflow_has_the_durable_grants_on_its_executions() -> None:
    _, frontend = _app()
    statements = [
        s
        for p in Template.from_stack(frontend).find_resources("AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = {
        a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    assert {
        "lambda:SendDurableExecutionCallbackSuccess",
        "lambda:PauseDurableExecution",
        "lambda:DeleteDurableExecution",
        "lambda:InvokeFunction",
    } <= actions
    callback = next(s for s in statements if "lambda:SendDurableExecutionCallbackSuccess" in s["Action"])
    text = json.dumps(callback["Resource"])
    assert "Fn::ImportValue" in text and text.endswith('":*"]]}')  # <function ARN>:*
    billing = next(
        s for s in statements if s["Action"] == "lambda:InvokeFunction" and "billing" in json.dumps(s)
    )
    # the alias and its ARN with a trailing :* (CDK's form for an imported qualified function)
    assert [json.dumps(r).split("function:")[1] for r in billing["Resource"]] == [
        'billing-workflow:live"]]}',
        'billing-workflow:live:*"]]}',
    ]


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        (
            "arn:aws:lambda:us-east-1:123456789012:function:orders",
            r"^alias_arn must be arn:<partition>:lambda:.* \(it is unqualified, ",
        ),
        (
            "arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST",
            r"^alias_arn must name an alias or a version, not \$LATEST",
        ),
        (
            "arn:aws:sqs:us-east-1:123456789012:orders",
            r"^alias_arn must be .* \(it is not a Lambda function ARN\), got 'arn:aws:sqs",
        ),
        ("orders", r"^alias_arn must be .* \(it is not a Lambda function ARN\)"),
    ],
)
def test_a_bad_alias_arn_is_one_line(arn: str, message: str) -> None:
    with pytest.raises(DurableValidationError, match=message):
        DurableFunction.from_alias_arn(cdk.Stack(cdk.App(), "S", env=ENV), "Imported", arn)


def test_a_bad_function_name_or_alias_is_one_line() -> None:
    stack = cdk.Stack(cdk.App(), "S", env=ENV)
    with pytest.raises(
        DurableValidationError, match=r"^function_name must be a Lambda function name .*not an ARN"
    ):
        DurableFunction.from_function_name(stack, "A", "arn:aws:lambda:us-east-1:123456789012:function:x")
    with pytest.raises(DurableValidationError, match=r"^alias must not be \$LATEST"):
        DurableFunction.from_function_name(stack, "B", "orders", alias="$LATEST")


# --- "What fails today", one test per mistake ----------------------------------------------------------


def _two_stacks(**fn_props: Any) -> tuple[cdk.App, cdk.Stack, cdk.Stack, DurableFunction]:
    app = cdk.App()
    producer = cdk.Stack(app, "Producer", env=ENV)
    consumer = cdk.Stack(app, "Consumer", env=ENV)
    fn = durable(producer, **fn_props)
    fn.add_recommended_alarms()
    return app, producer, consumer, fn


def _one_line_errors(stack: cdk.Stack, rule: str) -> list[str]:
    cdk.Aspects.of(stack.node.root).add(DurableChecks())
    return [m for m in _messages(stack, "error") if m.startswith(f"{rule}: ")]


def test_mistake_1_reaching_for_the_unqualified_function_is_one_line() -> None:
    # fn itself now works everywhere (test_ifunction.py); fn.function in a target is DUR-E1
    app, producer, _, fn = _two_stacks()
    events.Rule(producer, "Nightly", schedule=events.Schedule.rate(cdk.Duration.days(1))).add_target(
        targets.LambdaFunction(fn.function)
    )
    errors = _one_line_errors(producer, "DUR-E1")
    paths = {
        m.id for m in Annotations.from_stack(producer).find_error("*", Match.string_like_regexp("^DUR-E1"))
    }
    assert set(errors) == {"DUR-E1: A durable function is invoked through its unqualified ARN or $LATEST."}
    assert paths == {
        "/Producer/Nightly/Resource",
        "/Producer/Nightly/AllowEventRuleProducerOrdersFunction96166A4E",
    }


def test_mistake_2_retain_on_update_or_delete_and_an_unknown_acknowledgment() -> None:
    app, producer, _, fn = _two_stacks(version_removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
    assert _one_line_errors(producer, "DUR-W4") == []
    assert durable_findings(Template.from_stack(producer).to_json()) == set()
    for acknowledge in (
        lambda: fn.acknowledge("DUR-E77", REASON),
        lambda: DurableSuppressions.add_resource_suppressions(fn, [{"id": "DUR-E77", "reason": REASON}]),
    ):
        with pytest.raises(
            DurableValidationError,
            match=r"^rule id 'DUR-E77' is not a DUR rule: valid ids are DUR-E1, .*DUR-W4",
        ) as caught:
            acknowledge()
        assert "\n" not in str(caught.value)


def test_mistake_2_one_acknowledgment_reaches_cfn_lint() -> None:
    app, producer, _, fn = _two_stacks(version_removal_policy=cdk.RemovalPolicy.DESTROY)
    unacknowledged = durable_findings(Template.from_stack(producer).to_json())
    assert {rule for rule, _ in unacknowledged} == {"DUR-W4"}  # one warning in cfn-lint as well

    app, producer, _, fn = _two_stacks(version_removal_policy=cdk.RemovalPolicy.DESTROY)
    fn.acknowledge("DUR-W4", REASON)
    template = Template.from_stack(producer)
    template.has_resource(
        "AWS::Lambda::Version",
        {"Metadata": {"cfn-lint": {"config": {"ignore_checks": Match.array_with(["WD3004"])}}}},
    )
    assert durable_findings(template.to_json()) == set()


@pytest.mark.parametrize("mode", ["aspect", "plugin"])
def test_mistake_3_unqualified_references_in_another_stack_get_the_same_rule_ids(mode: str) -> None:
    app, producer, consumer, fn = _two_stacks()
    events.Rule(consumer, "Nightly", schedule=events.Schedule.rate(cdk.Duration.days(1))).add_target(
        targets.LambdaFunction(fn.function)  # unqualified, across stacks (CDK exports it)
    )
    caller = lambda_.Function(
        consumer,
        "Caller",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(e, c):\n    return e\n"),
        environment={"ORDERS": fn.function.function_arn},
    )
    explicit = cdk.CfnOutput(
        producer, "Unqualified", value=fn.function.function_arn, export_name="orders-unqualified"
    )
    lambda_.CfnPermission(
        consumer,
        "Partner",
        action="lambda:InvokeFunction",
        principal="s3.amazonaws.com",
        function_name=cdk.Fn.import_value(explicit.export_name or ""),
    )
    if mode == "aspect":
        cdk.Aspects.of(app).add(DurableChecks())
        errors = {m.split(":")[0] for m in _messages(consumer, "error")}
        paths = {
            m.id for m in Annotations.from_stack(consumer).find_error("*", Match.string_like_regexp("^DUR-E"))
        }
        assert errors == {"DUR-E1", "DUR-E2"}
        assert paths == {
            "/Consumer/Nightly/Resource",
            "/Consumer/Nightly/AllowEventRuleProducerOrdersFunction96166A4E",
            "/Consumer/Caller/Resource",
            "/Consumer/Partner",
        }
        assert caller
    else:
        cdk.Validations.of(app).add_plugins(DurableChecks(app))
        with pytest.raises(Exception) as caught:
            app.synth()
        report = str(caught.value)
        for rule, path in (
            ("DUR-E1", "Consumer/Nightly"),
            ("DUR-E2", "Consumer/Caller"),
            ("DUR-E1", "Consumer/Partner"),
        ):
            assert rule in report and path in report


def test_mistake_4_a_synchronous_api_or_task_on_a_long_workflow_is_one_line() -> None:
    app, producer, _, fn = _two_stacks()
    apigw.RestApi(producer, "Api").root.add_method("POST", apigw.LambdaIntegration(fn))
    sfn.StateMachine(
        producer,
        "Machine",
        definition_body=sfn.DefinitionBody.from_chainable(
            tasks.LambdaInvoke(producer, "Call", lambda_function=fn)
        ),
    )
    errors = _one_line_errors(producer, "DUR-E14")
    assert (
        errors
        == [
            "DUR-E14: A synchronous invoker targets a durable function whose ExecutionTimeout is over 15 minutes."
        ]
        * 2
    )
    paths = {
        m.id for m in Annotations.from_stack(producer).find_error("*", Match.string_like_regexp("^DUR-E14"))
    }
    assert paths == {"/Producer/Api/Default/POST/Resource", "/Producer/Machine/Resource"}


def test_mistake_4_the_same_rule_in_cfn_lint() -> None:
    app, producer, _, fn = _two_stacks()
    apigw.RestApi(producer, "Api").root.add_method("POST", apigw.LambdaIntegration(fn))
    findings = durable_findings(Template.from_stack(producer).to_json())
    assert {rule for rule, _ in findings} == {"DUR-E14"}


def test_mistake_5_another_app_imports_the_workflow_with_its_grants() -> None:
    stack = cdk.Stack(cdk.App(), "OtherApp", env=ENV)
    orders = DurableFunction.from_alias_arn(
        stack, "Orders", "arn:aws:lambda:us-east-1:123456789012:function:orders:live"
    )
    role = iam.Role(stack, "Approvals", assumed_by=iam.AccountRootPrincipal())
    orders.grant_send_callback(role)
    orders.grant_invoke(role)
    assert stack.resolve(orders.function_arn) == "arn:aws:lambda:us-east-1:123456789012:function:orders:live"
    assert stack.resolve(orders.metric_failed().dimensions) == {"FunctionName": "orders"}
    template = synth(stack)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {"Resource": "arn:aws:lambda:us-east-1:123456789012:function:orders:*"}
                        ),
                        Match.object_like(
                            {
                                "Action": "lambda:InvokeFunction",
                                "Resource": [
                                    "arn:aws:lambda:us-east-1:123456789012:function:orders:live",
                                    "arn:aws:lambda:us-east-1:123456789012:function:orders:live:*",
                                ],
                            }
                        ),
                    ]
                )
            }
        },
    )


# mistakes 6 and 7 (wrong argument types, a missing handler): test_arguments.py


@pytest.mark.slow
def test_cdk_synth_and_cfn_lint_on_the_app(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PATH": str(ROOT / "node_modules" / ".bin") + os.pathsep + os.environ.get("PATH", ""),
        "JSII_NODE": str(ROOT / "node_modules" / ".bin" / "node"),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "PYTHONPATH": str(ROOT),
    }
    out = tmp_path / "cdk.out"
    app = f"{sys.executable} {ROOT / 'tests' / 'construct' / 'existing_app.py'}"
    synth_run = subprocess.run(
        [str(ROOT / "node_modules" / ".bin" / "cdk"), "synth", "--app", app, "--output", str(out), "--quiet"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=400,
        check=False,
    )
    assert synth_run.returncode == 0, synth_run.stderr
    assert "DUR-" not in synth_run.stdout + synth_run.stderr
    lint = subprocess.run(
        [
            str(Path(sys.executable).with_name("cfn-lint")),
            str(out / "Workflows.template.json"),
            str(out / "Frontend.template.json"),
            "-a",
            "cdk_durable.cfn_lint",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    codes = {line.split()[0] for line in lint.stdout.splitlines() if line[:1] in ("E", "W") and line.split()}
    # only cfn-lint 1.58's outdated IAM action list (see conftest.CFN_LINT_FALSE_POSITIVES)
    assert codes <= {"W3037"}, lint.stdout
    assert all(
        "durableexecution' is not one of" in line
        for line in lint.stdout.splitlines()
        if line.startswith("W3037")
    )
