"""Minimal stacks for every rule: ``CASES[rule_id] = (build_compliant, build_non_compliant)``.

Each builder takes an empty stack, adds the least it takes to make the rule apply, and returns the
path of the resource the finding belongs to (for the non-compliant case) or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from cdk_durable import platform as p

Builder = Callable[[cdk.Stack], str | None]


def durable_fn(
    scope: Construct, id: str = "Fn", *, timeout: cdk.Duration | None = None, **kwargs: object
) -> lambda_.Function:
    return lambda_.Function(
        scope,
        id,
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return event\n"),
        durable_config=lambda_.DurableConfig(execution_timeout=timeout or cdk.Duration.minutes(10)),
        **kwargs,  # type: ignore[arg-type]
    )


def durable_with_alias(
    scope: Construct, id: str = "Fn", **kwargs: object
) -> tuple[lambda_.Function, lambda_.Alias]:
    """A durable function wired right: versions retained (DUR-W4) and an alias (DUR-E3)."""
    kwargs.setdefault(
        "current_version_options", lambda_.VersionOptions(removal_policy=cdk.RemovalPolicy.RETAIN)
    )
    fn = durable_fn(scope, id, **kwargs)  # type: ignore[arg-type]
    return fn, lambda_.Alias(scope, f"{id}Live", alias_name="live", version=fn.current_version)


def resource_path(construct: Construct) -> str:
    child = construct.node.default_child
    return "/" + (child.node.path if child is not None else construct.node.path)


# --- DUR-E1 unqualified invocation -----------------------------------------------------------------


def e1_good(stack: cdk.Stack) -> None:
    _, alias = durable_with_alias(stack)
    events.Rule(
        stack,
        "Every",
        schedule=events.Schedule.rate(cdk.Duration.hours(1)),
        targets=[targets.LambdaFunction(alias)],
    )
    return None


def e1_bad(stack: cdk.Stack) -> str:
    fn, _ = durable_with_alias(stack)
    rule = events.Rule(
        stack,
        "Every",
        schedule=events.Schedule.rate(cdk.Duration.hours(1)),
        targets=[targets.LambdaFunction(fn)],
    )
    return resource_path(rule)


# --- DUR-E2 environment variable ---------------------------------------------------------------------


def _caller(stack: cdk.Stack, value: str) -> lambda_.Function:
    return lambda_.Function(
        stack,
        "Caller",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return event\n"),
        environment={"DURABLE_FUNCTION": value},
    )


def e2_good(stack: cdk.Stack) -> None:
    _, alias = durable_with_alias(stack)
    _caller(stack, alias.function_arn)
    return None


def e2_bad(stack: cdk.Stack) -> str:
    fn, _ = durable_with_alias(stack)
    return resource_path(_caller(stack, fn.function_arn))


# --- DUR-E3 no version / alias -----------------------------------------------------------------------


def e3_good(stack: cdk.Stack) -> None:
    durable_with_alias(stack)
    return None


def e3_bad(stack: cdk.Stack) -> str:
    return resource_path(durable_fn(stack))


# --- DUR-E4 event source mapping + ExecutionTimeout > 15 min -----------------------------------------


def _esm(stack: cdk.Stack, timeout: cdk.Duration) -> lambda_.EventSourceMapping:
    _, alias = durable_with_alias(stack, timeout=timeout)
    queue = sqs.Queue(stack, "Queue")
    return lambda_.EventSourceMapping(stack, "Mapping", target=alias, event_source_arn=queue.queue_arn)


def e4_good(stack: cdk.Stack) -> None:
    _esm(stack, cdk.Duration.seconds(p.SYNC_INVOCATION_MAX_SECONDS))
    return None


def e4_bad(stack: cdk.Stack) -> str:
    return resource_path(_esm(stack, cdk.Duration.seconds(p.SYNC_INVOCATION_MAX_SECONDS + 1)))


# --- DUR-E5 destinations -----------------------------------------------------------------------------


def e5_good(stack: cdk.Stack) -> None:
    _, alias = durable_with_alias(stack)
    lambda_.EventInvokeConfig(stack, "Invoke", function=alias, qualifier="live", retry_attempts=0)
    return None


def e5_bad(stack: cdk.Stack) -> str:
    _, alias = durable_with_alias(stack)
    config = lambda_.EventInvokeConfig(
        stack,
        "Invoke",
        function=alias,
        qualifier="live",
        on_failure=destinations.SqsDestination(sqs.Queue(stack, "Failed")),
    )
    return resource_path(config)


# --- DUR-E6 execution role ---------------------------------------------------------------------------


def _role(stack: cdk.Stack) -> iam.Role:
    return iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal(p.LAMBDA_SERVICE_PRINCIPAL))


def e6_good(stack: cdk.Stack) -> None:
    role = _role(stack)
    role.add_managed_policy(iam.ManagedPolicy.from_aws_managed_policy_name(p.DURABLE_MANAGED_POLICY_NAME))
    durable_with_alias(stack, role=role)
    return None


def e6_bad(stack: cdk.Stack) -> str:
    fn, _ = durable_with_alias(stack, role=_role(stack))
    return resource_path(fn)


# --- DUR-E7 pinned name ------------------------------------------------------------------------------


def e7_good(stack: cdk.Stack) -> None:
    durable_with_alias(stack)
    return None


def e7_bad(stack: cdk.Stack) -> str:
    fn, _ = durable_with_alias(stack, function_name="orders-workflow")
    return resource_path(fn)


# --- DUR-E8 KMS key policy ---------------------------------------------------------------------------


def _with_key(stack: cdk.Stack, key: kms.Key) -> lambda_.Function:
    fn, _ = durable_with_alias(stack)
    cfn = fn.node.default_child
    assert isinstance(cfn, lambda_.CfnFunction)
    cfn.durable_config = lambda_.CfnFunction.DurableConfigProperty(
        execution_timeout=600, kms_key_arn=key.key_arn
    )
    return fn


def e8_good(stack: cdk.Stack) -> None:
    key = kms.Key(stack, "Key")
    key.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(p.LAMBDA_SERVICE_PRINCIPAL)],
            actions=list(p.KMS_SERVICE_ACTIONS),
            resources=["*"],
        )
    )
    _with_key(stack, key)
    return None


def e8_bad(stack: cdk.Stack) -> str:
    return resource_path(_with_key(stack, kms.Key(stack, "Key")))


# --- DUR-W4 version deleted on update -----------------------------------------------------------


def w4_good(stack: cdk.Stack) -> None:
    durable_with_alias(stack)  # current_version_options removal_policy=RETAIN
    return None


def w4_bad(stack: cdk.Stack) -> str:
    fn = durable_fn(stack)  # plain lambda_.Function.current_version: RemovalPolicy.DESTROY by default
    lambda_.Alias(stack, "FnLive", alias_name="live", version=fn.current_version)
    return resource_path(fn.current_version)


# --- DUR-W1 DLQ --------------------------------------------------------------------------------------


def w1_good(stack: cdk.Stack) -> None:
    durable_with_alias(stack, timeout=cdk.Duration.hours(2), dead_letter_queue_enabled=True)
    return None


def w1_bad(stack: cdk.Stack) -> str:
    fn, _ = durable_with_alias(stack, timeout=cdk.Duration.hours(2))
    return resource_path(fn)


# --- DUR-W2 failure monitoring -----------------------------------------------------------------------


def w2_good(stack: cdk.Stack) -> None:
    fn, _ = durable_with_alias(stack)
    cloudwatch.Alarm(
        stack,
        "Failed",
        metric=cloudwatch.Metric(
            namespace=p.METRIC_NAMESPACE,
            metric_name=p.DurableMetric.FAILED.value,
            dimensions_map={p.METRIC_DIMENSION: fn.function_name},
        ),
        threshold=1,
        evaluation_periods=1,
    )
    return None


def w2_bad(stack: cdk.Stack) -> str:
    fn, _ = durable_with_alias(stack)
    return resource_path(fn)


# --- DUR-E10..E13, DUR-W3 OpenTelemetry ----------------------------------------------------------

_ADOT = "arn:aws:lambda:us-east-1:901920570463:layer:aws-otel-python-amd64-ver-1-29-0:1"


def _otel_fn(
    stack: cdk.Stack, env: dict[str, str], *, layer: bool = True, **kwargs: object
) -> lambda_.Function:
    layers = [lambda_.LayerVersion.from_layer_version_arn(stack, "Otel", _ADOT)] if layer else None
    fn, _ = durable_with_alias(stack, environment=env, layers=layers, **kwargs)
    return fn


_WRAPPED = {"AWS_LAMBDA_EXEC_WRAPPER": "/opt/otel-instrument"}


def e10_good(stack: cdk.Stack) -> None:
    _otel_fn(
        stack, {**_WRAPPED, "DURABLE_EXECUTION_PLUGINS": "otel-invocation"}, tracing=lambda_.Tracing.ACTIVE
    )
    return None


def e10_bad(stack: cdk.Stack) -> str:
    env = {**_WRAPPED, "DURABLE_EXECUTION_PLUGINS": "otel-invocation, otel-execution"}
    return resource_path(_otel_fn(stack, env, tracing=lambda_.Tracing.ACTIVE))


def e11_good(stack: cdk.Stack) -> None:
    _otel_fn(stack, _WRAPPED, tracing=lambda_.Tracing.ACTIVE)
    return None


def e11_bad(stack: cdk.Stack) -> str:
    return resource_path(_otel_fn(stack, _WRAPPED, layer=False))


def e12_good(stack: cdk.Stack) -> None:
    _otel_fn(stack, _WRAPPED, tracing=lambda_.Tracing.ACTIVE)
    return None


def e12_bad(stack: cdk.Stack) -> str:
    return resource_path(_otel_fn(stack, _WRAPPED))


def e13_good(stack: cdk.Stack) -> None:
    secret = cdk.SecretValue.secrets_manager("otlp-headers").unsafe_unwrap()
    _otel_fn(stack, {**_WRAPPED, "OTEL_EXPORTER_OTLP_HEADERS": secret}, tracing=lambda_.Tracing.ACTIVE)
    return None


def e13_bad(stack: cdk.Stack) -> str:
    env = {**_WRAPPED, "OTEL_EXPORTER_OTLP_HEADERS": "x-api-key=abc123"}
    return resource_path(_otel_fn(stack, env, tracing=lambda_.Tracing.ACTIVE))


def w3_good(stack: cdk.Stack) -> None:
    _otel_fn(stack, _WRAPPED, tracing=lambda_.Tracing.ACTIVE)
    return None


def w3_bad(stack: cdk.Stack) -> str:
    return resource_path(_otel_fn(stack, {}, tracing=lambda_.Tracing.ACTIVE))


# --- DUR-E14 synchronous invoker of a long execution ------------------------------------------------


def _api(stack: cdk.Stack, alias: lambda_.IFunction, **options: object) -> apigw.Method:
    api = apigw.RestApi(stack, "Api", deploy=False)
    return api.root.add_method("POST", apigw.LambdaIntegration(alias, **options))  # type: ignore[arg-type]


def e14_good(stack: cdk.Stack) -> None:
    # a 10-minute workflow behind a proxy integration, and a 2-hour one behind an asynchronous
    # (X-Amz-Invocation-Type: Event) non-proxy integration
    _, short = durable_with_alias(stack, "Short")
    _api(stack, short)
    _, long = durable_with_alias(stack, "Long", timeout=cdk.Duration.hours(2), dead_letter_queue_enabled=True)
    api = apigw.RestApi(stack, "AsyncApi", deploy=False)
    api.root.add_method(
        "POST",
        apigw.LambdaIntegration(
            long,
            proxy=False,
            request_parameters={"integration.request.header.X-Amz-Invocation-Type": "'Event'"},
            integration_responses=[apigw.IntegrationResponse(status_code="202")],
        ),
        method_responses=[apigw.MethodResponse(status_code="202")],
    )
    return None


def e14_bad(stack: cdk.Stack) -> str:
    _, long = durable_with_alias(stack, timeout=cdk.Duration.hours(2), dead_letter_queue_enabled=True)
    return resource_path(_api(stack, long))
    return resource_path(_esm_with_parameter(stack, None))  # no Default: DUR-E4 cannot check it


# --- DUR-W5 not checked --------------------------------------------------------------------------------


def _esm_with_parameter(stack: cdk.Stack, default: int | None) -> lambda_.EventSourceMapping:
    timeout = cdk.CfnParameter(stack, "Timeout", type="Number", default=default)
    return _esm(stack, cdk.Duration.seconds(timeout.value_as_number))


def w5_good(stack: cdk.Stack) -> None:
    _esm_with_parameter(stack, 600)  # resolved from the Default: DUR-E4 checks it (and passes)
    return None


def w5_bad(stack: cdk.Stack) -> str:
    return resource_path(_esm_with_parameter(stack, None))  # no Default: DUR-E4 cannot check it


CASES: dict[str, tuple[Builder, Builder]] = {
    "DUR-E1": (e1_good, e1_bad),
    "DUR-E2": (e2_good, e2_bad),
    "DUR-E3": (e3_good, e3_bad),
    "DUR-E4": (e4_good, e4_bad),
    "DUR-E5": (e5_good, e5_bad),
    "DUR-E6": (e6_good, e6_bad),
    "DUR-E7": (e7_good, e7_bad),
    "DUR-E8": (e8_good, e8_bad),
    "DUR-W1": (w1_good, w1_bad),
    "DUR-W2": (w2_good, w2_bad),
    "DUR-E10": (e10_good, e10_bad),
    "DUR-E11": (e11_good, e11_bad),
    "DUR-E12": (e12_good, e12_bad),
    "DUR-E13": (e13_good, e13_bad),
    "DUR-W3": (w3_good, w3_bad),
    "DUR-W4": (w4_good, w4_bad),
    "DUR-E14": (e14_good, e14_bad),
    "DUR-W5": (w5_good, w5_bad),
}
