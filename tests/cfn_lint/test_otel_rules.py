"""The OpenTelemetry rules (DUR-E10..E13, DUR-W3) on SAM and CloudFormation templates: each pitfall
flagged on its own, and the correct wiring (AWS's exporter profiles) not flagged."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ._lint import durable_findings
from .test_templates import GOOD_CFN, _monitor, _sam, _sam_function

OTEL_RULES = {"DUR-E10", "DUR-E11", "DUR-E12", "DUR-E13", "DUR-W3"}
ADOT = {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:901920570463:layer:aws-otel-python-amd64-ver-1-29-0:1"}
COMMUNITY = {"Fn::Sub": "arn:aws:lambda:${AWS::Region}:184161586896:layer:opentelemetry-python-0_13_0:1"}
SECRET_HEADERS = "{{resolve:secretsmanager:otlp-headers:SecretString:::}}"

XRAY_ENV = {
    "AWS_LAMBDA_EXEC_WRAPPER": "/opt/otel-instrument",
    "OTEL_SERVICE_NAME": "orders",
    "OTEL_TRACES_EXPORTER": "otlp",
    "OTEL_PROPAGATORS": "xray",
    "DURABLE_EXECUTION_PLUGINS": "otel-invocation",
}
OTLP_ENV = {
    "AWS_LAMBDA_EXEC_WRAPPER": "/opt/otel-instrument",
    "OTEL_SERVICE_NAME": "orders",
    "OTEL_TRACES_EXPORTER": "otlp",
    "OTEL_EXPORTER_OTLP_ENDPOINT": "https://otlp.example.com",
    "OTEL_EXPORTER_OTLP_HEADERS": SECRET_HEADERS,
    "DURABLE_EXECUTION_PLUGINS": "otel-execution",
}
XRAY_STATEMENT = {
    "Effect": "Allow",
    "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
    "Resource": "*",
}

# Each pitfall: how it changes a correct X-Ray function (layers, environment, X-Ray permission).
PITFALLS: dict[str, dict[str, Any]] = {
    "DUR-E10": {"env": {"DURABLE_EXECUTION_PLUGINS": "otel-invocation,otel-execution"}},
    "DUR-E11": {"layers": None},
    "DUR-E12": {"xray": False},
    "DUR-E13": {"env": {"OTEL_EXPORTER_OTLP_HEADERS": "x-api-key=abc123"}},
    "DUR-W3": {"env": {"AWS_LAMBDA_EXEC_WRAPPER": None}},
}


def _env(base: dict[str, str], change: dict[str, str | None]) -> dict[str, str]:
    env = {**base, **change}
    return {k: v for k, v in env.items() if v is not None}


def cfn_template(*, env: dict[str, str], layers: Any, xray: bool = True) -> dict[str, Any]:
    template = copy.deepcopy(GOOD_CFN)
    fn = template["Resources"]["Fn"]["Properties"]
    fn["Environment"] = {"Variables": env}
    if layers is not None:
        fn["Layers"] = [layers]
    if xray:
        fn["TracingConfig"] = {"Mode": "Active"}
        role = template["Resources"]["Role"]["Properties"]
        role["Policies"] = [
            {"PolicyName": "xray", "PolicyDocument": {"Version": "2012-10-17", "Statement": [XRAY_STATEMENT]}}
        ]
    return template


def sam_template(*, env: dict[str, str], layers: Any, xray: bool = True) -> dict[str, Any]:
    props: dict[str, Any] = {"AutoPublishAlias": "live", "Environment": {"Variables": env}}
    if layers is not None:
        props["Layers"] = [layers]
    if xray:
        props["Tracing"] = "Active"  # SAM adds the X-Ray write policy to the role it creates
    return _sam(Fn=_sam_function(**props), Monitor=_monitor())


BUILDERS = {"cloudformation": cfn_template, "sam": sam_template}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
@pytest.mark.parametrize(("env", "layers"), [(XRAY_ENV, ADOT), (OTLP_ENV, COMMUNITY)], ids=["xray", "otlp"])
def test_the_exporter_profiles_wired_right_are_not_flagged(
    kind: str, env: dict[str, str], layers: Any
) -> None:
    findings = durable_findings(BUILDERS[kind](env=env, layers=layers))

    assert findings == set()


@pytest.mark.parametrize("kind", sorted(BUILDERS))
@pytest.mark.parametrize("rule_id", sorted(PITFALLS))
def test_each_pitfall_is_flagged_on_the_function(kind: str, rule_id: str) -> None:
    pitfall = PITFALLS[rule_id]
    template = BUILDERS[kind](
        env=_env(XRAY_ENV, pitfall.get("env", {})),
        layers=pitfall.get("layers", ADOT),
        xray=pitfall.get("xray", True),
    )

    findings = {f for f in durable_findings(template) if f[0] in OTEL_RULES}

    assert findings == {(rule_id, "Fn")}


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_headers_from_a_parameter_are_not_plaintext(kind: str) -> None:
    template = BUILDERS[kind](
        env={**OTLP_ENV, "OTEL_EXPORTER_OTLP_HEADERS": {"Ref": "Headers"}}, layers=COMMUNITY
    )
    template["Parameters"] = {"Headers": {"Type": "String", "NoEcho": True}}

    assert {f for f in durable_findings(template) if f[0] in OTEL_RULES} == set()
