"""DUR-W4 (a published version of a durable function would be deleted on update) across the ways a
CDK app publishes versions: the L3, plain ``lambda_.Function.current_version``, an L1 ``CfnVersion``."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match, Template

from cdk_durable import DurableFunction, ReplayLint
from cdk_durable.checks import RULES_BY_ID, DurableChecks

from ._cases import durable_fn

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")
W4 = Match.string_like_regexp("^DUR-W4: ")


def _app() -> tuple[cdk.App, cdk.Stack]:
    app = cdk.App()
    return app, cdk.Stack(app, "S")


def _findings(stack: cdk.Stack, *, verbose: bool = False) -> list[str]:
    cdk.Aspects.of(stack.node.scope).add(DurableChecks(verbose=verbose))  # type: ignore[arg-type]
    annotations = Annotations.from_stack(stack)
    assert annotations.find_error("*", W4) == []  # a warning, never an error
    return [m.id for m in annotations.find_warning("*", W4)]


def _l3(stack: cdk.Stack, **kwargs: object) -> DurableFunction:
    return DurableFunction(
        stack,
        "Orders",
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        execution_timeout=cdk.Duration.days(7),
        **kwargs,  # type: ignore[arg-type]
    )


def test_durable_function_retains_its_versions_by_default() -> None:
    _, stack = _app()
    _l3(stack)

    Template.from_stack(stack).has_resource(
        "AWS::Lambda::Version", {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    )
    assert _findings(stack) == []


@pytest.mark.parametrize(
    ("policy", "warnings"),
    [
        (cdk.RemovalPolicy.RETAIN, 0),
        (cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, 0),
        (cdk.RemovalPolicy.DESTROY, 1),
    ],
)
def test_every_documented_version_removal_policy_synthesizes_without_error(
    policy: cdk.RemovalPolicy, warnings: int
) -> None:
    # Given each policy the docs list, When synthesized with DurableChecks, Then no error, and DESTROY
    # gives exactly one warning in all (the construct's own; DurableChecks does not repeat it)
    _, stack = _app()
    _l3(stack, version_removal_policy=policy, replay_lint=ReplayLint.OFF).add_recommended_alarms()

    assert _findings(stack) == []
    annotations = Annotations.from_stack(stack)
    assert annotations.find_error("*", Match.any_value()) == []
    assert len(annotations.find_warning("*", Match.any_value())) == warnings


def test_one_acknowledgment_silences_the_warning_and_durable_checks() -> None:
    _, stack = _app()
    fn = _l3(stack, version_removal_policy=cdk.RemovalPolicy.DESTROY, replay_lint=ReplayLint.OFF)
    fn.add_recommended_alarms()
    fn.acknowledge("DUR-W4", "Executions finish within minutes; old versions are not needed.")

    assert _findings(stack) == []
    assert Annotations.from_stack(stack).find_warning("*", Match.any_value()) == []


def test_plain_current_version_is_a_warning_that_explains_in_flight_executions() -> None:
    _, stack = _app()
    fn = durable_fn(stack)
    lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)

    (path,) = _findings(stack, verbose=True)
    message = Annotations.from_stack(stack).find_warning(path, W4)[0].entry.data

    assert path.endswith("/Fn/CurrentVersion/Resource")
    assert "every execution suspended on it" in str(message)
    assert RULES_BY_ID["DUR-W4"].info.explanation in str(message)


def test_l1_version_without_policies_is_a_warning_and_retained_is_not() -> None:
    _, stack = _app()
    fn = durable_fn(stack)
    bare = lambda_.CfnVersion(stack, "Bare", function_name=fn.function_name)
    kept = lambda_.CfnVersion(stack, "Kept", function_name=fn.function_name)
    kept.apply_removal_policy(cdk.RemovalPolicy.RETAIN)

    assert _findings(stack) == ["/" + bare.node.path]
    assert kept.cfn_options.deletion_policy is not None


def test_only_deletion_policy_retain_is_still_a_warning() -> None:
    _, stack = _app()
    fn = durable_fn(stack)
    half = lambda_.CfnVersion(stack, "Half", function_name=fn.function_name)
    half.cfn_options.deletion_policy = cdk.CfnDeletionPolicy.RETAIN  # replaced in place: still deleted

    assert _findings(stack) == ["/" + half.node.path]


def test_a_version_of_a_function_that_is_not_durable_is_not_checked() -> None:
    _, stack = _app()
    fn = lambda_.Function(
        stack, "Plain", runtime=lambda_.Runtime.PYTHON_3_13, handler="index.handler", code=CODE
    )
    lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)

    assert _findings(stack) == []


def test_acknowledged_like_the_others() -> None:
    _, stack = _app()
    fn = durable_fn(stack)
    lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)
    cdk.Validations.of(fn).acknowledge(
        cdk.Acknowledgment(
            id="DUR-W4", reason="Executions finish within minutes; old versions are not needed."
        )
    )

    assert _findings(stack) == []
