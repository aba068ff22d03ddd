"""``DurableFunction(tracing=..., telemetry=...)``: the synthesized function against AWS's exporter
profiles, the telemetry destinations and their grants, and one-line errors for bad props.

AWS's profiles, from the conformance suite ``aws-durable-execution-conformance-tests-otel`` 0.2.0
(``src/aws_durable_execution_conformance_tests_otel/exporters.py``, GitHub aws/aws-durable-execution-
conformance-tests at a68f527; not on PyPI): ``AdotExporterProfile.configure`` and
``CommunityExporterProfile.configure``, written out below as the environment and layer each returns.
"""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk.assertions import Annotations, Match, Template

from cdk_durable import DurableChecks, DurableTelemetry, DurableTracing, DurableValidationError, ReplayLint

from .conftest import durable, new_stack, synth


def adot_profile(runtime: str, service_name: str) -> dict[str, str]:
    """``AdotExporterProfile().configure(...)``'s environment (the layer ARN is the caller's)."""
    return {
        "AWS_LAMBDA_EXEC_WRAPPER": "/opt/otel-instrument",  # _WRAPPERS[python|javascript]
        "OTEL_SERVICE_NAME": service_name,
        "OTEL_TRACES_EXPORTER": "otlp",
        "OTEL_PROPAGATORS": "xray",
    }


def community_profile(
    runtime: str, service_name: str, endpoint: str, region: str
) -> tuple[str, dict[str, str]]:
    """``CommunityExporterProfile().configure(...)``: its layer and environment (headers: a secret)."""
    layers = {"python": "opentelemetry-python-0_13_0:1", "javascript": "opentelemetry-nodejs-0_18_0:1"}
    wrappers = {"python": "/opt/otel-instrument", "javascript": "/opt/otel-handler"}
    return (
        f"arn:aws:lambda:{region}:184161586896:layer:{layers[runtime]}",
        {
            "AWS_LAMBDA_EXEC_WRAPPER": wrappers[runtime],
            "OTEL_SERVICE_NAME": service_name,
            "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint,
            "OTEL_TRACES_EXPORTER": "otlp",
        },
    )


def function_props(template: Template) -> dict[str, Any]:
    (fn,) = [
        r["Properties"]
        for r in template.find_resources("AWS::Lambda::Function").values()
        if "DurableConfig" in r["Properties"]
    ]
    return fn


def test_xray_python_matches_the_adot_profile_with_the_invocation_view() -> None:
    stack = new_stack()
    durable(stack, tracing=DurableTracing.xray())

    fn = function_props(synth(stack))

    env = fn["Environment"]["Variables"]
    assert env == {**adot_profile("python", "Orders"), "DURABLE_EXECUTION_PLUGINS": "otel-invocation"}
    assert fn["Layers"] == ["arn:aws:lambda:us-east-1:901920570463:layer:aws-otel-python-amd64-ver-1-29-0:1"]
    assert fn["TracingConfig"] == {"Mode": "Active"}


def test_xray_grants_the_role_the_xray_write_actions() -> None:
    stack = new_stack()
    durable(stack, tracing=DurableTracing.xray())

    synth(stack).has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                            "Effect": "Allow",
                            "Resource": "*",
                        }
                    ]
                )
            }
        },
    )


def test_xray_layer_follows_region_and_architecture() -> None:
    stack = new_stack(env=cdk.Environment(account="123456789012", region="eu-west-1"))
    durable(stack, tracing=DurableTracing.xray(view="execution"), architecture=lambda_.Architecture.ARM_64)

    fn = function_props(synth(stack))

    assert fn["Layers"] == ["arn:aws:lambda:eu-west-1:901920570463:layer:aws-otel-python-arm64-ver-1-29-0:1"]
    assert fn["Environment"]["Variables"]["DURABLE_EXECUTION_PLUGINS"] == "otel-execution"


def test_xray_in_a_region_agnostic_stack_uses_the_deploy_region() -> None:
    stack = new_stack(env=None)
    durable(stack, tracing=DurableTracing.xray())

    layer = function_props(synth(stack))["Layers"][0]

    assert layer == {
        "Fn::Join": [
            "",
            [
                "arn:aws:lambda:",
                {"Ref": "AWS::Region"},
                ":901920570463:layer:aws-otel-python-amd64-ver-1-29-0:1",
            ],
        ]
    }


def test_xray_node_gets_the_adot_node_layer_and_no_python_plugin_variable() -> None:
    stack = new_stack()
    durable(stack, runtime=lambda_.Runtime.NODEJS_22_X, tracing=DurableTracing.xray())

    fn = function_props(synth(stack))

    assert fn["Environment"]["Variables"] == adot_profile("javascript", "Orders")
    assert fn["Layers"] == ["arn:aws:lambda:us-east-1:901920570463:layer:aws-otel-nodejs-amd64-ver-1-30-1:1"]


@pytest.mark.parametrize(
    ("runtime", "family"),
    [(lambda_.Runtime.PYTHON_3_13, "python"), (lambda_.Runtime.NODEJS_22_X, "javascript")],
)
def test_otlp_matches_the_community_profile_with_headers_from_the_secret(
    runtime: lambda_.Runtime, family: str
) -> None:
    stack = new_stack()
    secret = secretsmanager.Secret(stack, "Headers")
    secret_id = stack.resolve((secret.node.default_child).logical_id)  # type: ignore[union-attr]
    durable(
        stack,
        runtime=runtime,
        tracing=DurableTracing.otlp(
            endpoint="https://otlp.example.com", headers_secret=secret, service_name="orders"
        ),
    )

    fn = function_props(synth(stack))

    layer, profile_env = community_profile(family, "orders", "https://otlp.example.com", "us-east-1")
    env = dict(fn["Environment"]["Variables"])
    headers = env.pop("OTEL_EXPORTER_OTLP_HEADERS")
    plugins = env.pop("DURABLE_EXECUTION_PLUGINS", None)
    assert env == profile_env
    assert plugins == ("otel-invocation" if family == "python" else None)
    assert headers == {
        "Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": secret_id}, ":SecretString:::}}"]]
    }
    assert fn["Layers"] == [layer]
    assert "TracingConfig" not in fn


def test_otlp_headers_from_a_json_field_of_the_secret() -> None:
    stack = new_stack()
    secret = secretsmanager.Secret.from_secret_name_v2(stack, "Headers", "otlp")
    durable(
        stack,
        tracing=DurableTracing.otlp(
            endpoint="https://o.example.com", headers_secret=secret, headers_secret_field="h"
        ),
    )

    headers = function_props(synth(stack))["Environment"]["Variables"]["OTEL_EXPORTER_OTLP_HEADERS"]

    assert "SecretString:h::}}" in str(headers)


def test_a_layer_arn_override_replaces_the_default_layer() -> None:
    stack = new_stack()
    arn = "arn:aws:lambda:us-east-1:123456789012:layer:my-adot:7"
    durable(stack, tracing=DurableTracing.xray(layer_arn=arn))

    assert function_props(synth(stack))["Layers"] == [arn]


def test_other_plugins_in_the_environment_are_kept() -> None:
    stack = new_stack()
    durable(stack, environment={"DURABLE_EXECUTION_PLUGINS": "audit"}, tracing=DurableTracing.xray())

    env = function_props(synth(stack))["Environment"]["Variables"]

    assert env["DURABLE_EXECUTION_PLUGINS"] == "audit,otel-invocation"


def test_a_lambda_tracing_value_still_goes_to_the_l2() -> None:
    stack = new_stack()
    durable(stack, tracing=lambda_.Tracing.ACTIVE)

    fn = function_props(synth(stack))

    assert fn["TracingConfig"] == {"Mode": "Active"}
    assert "Layers" not in fn


def test_the_traced_function_passes_the_durable_checks() -> None:
    stack = new_stack()
    durable(stack, tracing=DurableTracing.xray())
    cdk.Aspects.of(stack).add(DurableChecks())
    synth(stack)

    found = Annotations.from_stack(stack).find_error("*", Match.string_like_regexp("^DUR-"))

    assert found == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: DurableTracing.xray(view="both"), "tracing view must be one of 'invocation', 'execution'"),
        (lambda: DurableTracing.xray(service_name="my service"), "tracing service_name must be"),
        (lambda: DurableTracing.xray(layer_arn="aws-otel"), "tracing layer_arn must be a layer version ARN"),
        (
            lambda: DurableTracing.otlp(endpoint="otlp.example.com"),
            "tracing endpoint must be an http(s):// URL",
        ),
        (
            lambda: DurableTracing.otlp(endpoint="https://o.example.com", headers_secret="x-api-key=1"),
            "headers_secret must be a secretsmanager.ISecret",
        ),  # type: ignore[arg-type]
        (
            lambda: DurableTracing.otlp(endpoint="https://o.example.com", headers_secret_field="h"),
            "headers_secret_field needs headers_secret",
        ),
        (lambda: DurableTelemetry.table("orders-table"), "DurableTelemetry.table() takes a dynamodb.ITable"),  # type: ignore[arg-type]
    ],
)
def test_bad_factory_arguments_are_one_line_errors(make: Any, message: str) -> None:
    with pytest.raises(DurableValidationError, match=re.escape(message)) as error:
        make()

    assert "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        (
            {"tracing": "xray"},
            "tracing must be DurableTracing.xray(...), DurableTracing.otlp(...) or a lambda_.Tracing",
        ),
        ({"telemetry": "logs"}, "telemetry must be DurableTelemetry.log_group(...)"),
        (
            {
                "runtime": lambda_.Runtime.PROVIDED_AL2023,
                "allow_custom_runtime": True,
                "tracing": DurableTracing.xray(),
            },
            "tracing needs a python or nodejs runtime",
        ),
        (
            {
                "environment": {"DURABLE_EXECUTION_PLUGINS": "otel-execution"},
                "tracing": DurableTracing.xray(),
            },
            "the SDK refuses both OTel views",
        ),
        (
            {"environment": {"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/wrap"}, "tracing": DurableTracing.xray()},
            "environment AWS_LAMBDA_EXEC_WRAPPER is set by tracing too",
        ),
    ],
)
def test_bad_props_fail_at_construction(props: dict[str, Any], message: str) -> None:
    stack = new_stack()

    with pytest.raises(
        DurableValidationError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")
    ):
        durable(stack, **props)

    assert stack.node.try_find_child("Orders") is None or not stack.node.find_child("Orders").node.children


# --- telemetry ------------------------------------------------------------------------------------


def test_log_group_is_created_granted_and_named_to_the_handler() -> None:
    stack = new_stack()
    fn = durable(stack, telemetry=DurableTelemetry.log_group())
    template = synth(stack)

    template.resource_count_is("AWS::Logs::LogGroup", 1)
    env = function_props(template)["Environment"]["Variables"]
    assert env["DURABLE_TELEMETRY_LOG_GROUP_NAME"]["Ref"].startswith("OrdersTelemetryLogGroup")
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                            "Effect": "Allow",
                            "Resource": {
                                "Fn::GetAtt": [Match.string_like_regexp("^OrdersTelemetryLogGroup"), "Arn"]
                            },
                        }
                    ]
                )
            }
        },
    )
    assert fn.telemetry_destination is not None


def test_table_is_created_with_the_exporter_keys_and_granted_put_item_only() -> None:
    stack = new_stack()
    durable(stack, telemetry=DurableTelemetry.table())
    template = synth(stack)

    template.has_resource_properties(
        "AWS::DynamoDB::Table",
        {
            "KeySchema": [
                {"AttributeName": "pk", "KeyType": "HASH"},
                {"AttributeName": "sk", "KeyType": "RANGE"},
            ]
        },
    )
    statements = [
        s
        for p in template.find_resources("AWS::IAM::Policy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if "dynamodb" in str(s["Action"])
    ]
    assert [s["Action"] for s in statements] == ["dynamodb:PutItem"]
    assert "DURABLE_TELEMETRY_TABLE_NAME" in function_props(template)["Environment"]["Variables"]


def test_a_table_passed_in_is_used_and_not_created() -> None:
    stack = new_stack()
    table = dynamodb.Table.from_table_name(stack, "Existing", "telemetry")
    durable(stack, telemetry=DurableTelemetry.table(table))
    template = synth(stack)

    template.resource_count_is("AWS::DynamoDB::Table", 0)
    assert function_props(template)["Environment"]["Variables"]["DURABLE_TELEMETRY_TABLE_NAME"] == "telemetry"


def test_event_bus_is_created_and_granted_put_events() -> None:
    stack = new_stack()
    durable(stack, telemetry=DurableTelemetry.event_bus())
    template = synth(stack)

    template.resource_count_is("AWS::Events::EventBus", 1)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with([Match.object_like({"Action": "events:PutEvents"})])
            }
        },
    )
    assert "DURABLE_TELEMETRY_EVENT_BUS_NAME" in function_props(template)["Environment"]["Variables"]


def test_plugin_instances_in_the_asset_are_reported_at_synth(tmp_path: Any) -> None:
    (tmp_path / "app.py").write_text(
        "from aws_durable_execution_sdk_python import DurableContext, durable_execution\n"
        "from aws_durable_execution_sdk_python_otel import InvocationOtelPlugin\n\n\n"
        "@durable_execution(plugins=[InvocationOtelPlugin()])\n"
        "def handler(event: dict, context: DurableContext) -> int:\n"
        '    return context.step(lambda _: 1, name="one")\n'
    )
    stack = new_stack()
    durable(
        stack, code=lambda_.Code.from_asset(str(tmp_path)), handler="app.handler", replay_lint=ReplayLint.WARN
    )

    found = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("DUR010"))

    assert len(found) == 1 and "app.py:5:29 DUR010" in str(found[0].entry.data)
