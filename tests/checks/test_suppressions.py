"""Acknowledging findings: CDK ``Validations`` acknowledgments, the NagSuppressions-style helper and
cdk-nag 2 metadata, all in one stack (one synthesis)."""

from __future__ import annotations

import functools

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match

from cdk_durable.checks import DurableChecks, DurableSuppressions

from ._cases import durable_with_alias

REASON = "The name is contractual with the partner team; never switched from non-durable."


@functools.cache
def _annotations() -> Annotations:
    app = cdk.App()
    stack = cdk.Stack(app, "Acks")
    by_validations, _ = durable_with_alias(stack, "ByValidations", function_name="by-validations")
    cdk.Validations.of(by_validations).acknowledge(cdk.Acknowledgment(id="DUR-E7", reason=REASON))
    by_helper, _ = durable_with_alias(stack, "ByHelper", function_name="by-helper")
    DurableSuppressions.add_resource_suppressions(by_helper, [{"id": "DUR-E7", "reason": REASON}])
    by_v2_metadata, _ = durable_with_alias(stack, "ByV2Metadata", function_name="by-v2-metadata")
    cfn = by_v2_metadata.node.default_child
    assert isinstance(cfn, cdk.CfnResource)
    cfn.add_metadata("cdk_nag", {"rules_to_suppress": [{"id": "DUR-E7", "reason": REASON}]})
    by_plugin_id, _ = durable_with_alias(stack, "ByPluginId", function_name="by-plugin-id")
    cdk.Validations.of(by_plugin_id).acknowledge(
        cdk.Acknowledgment(id="DurableChecks::DUR-E7", reason=REASON)
    )
    other_rule, _ = durable_with_alias(stack, "OtherRule", function_name="other-rule")
    DurableSuppressions.add_resource_suppressions(other_rule, [{"id": "DUR-E3", "reason": REASON}])
    DurableSuppressions.add_stack_suppressions(
        stack, [{"id": "DUR-W2", "reason": "Alarms live in the ops stack."}]
    )
    cdk.Aspects.of(app).add(DurableChecks())
    return Annotations.from_stack(stack)


@pytest.mark.parametrize("construct", ["ByValidations", "ByHelper", "ByV2Metadata", "ByPluginId"])
def test_acknowledged_rule_is_not_reported(construct: str) -> None:
    _annotations().has_no_error(f"/Acks/{construct}/Resource", Match.string_like_regexp("^DUR-E7: "))


def test_acknowledging_another_rule_leaves_the_finding() -> None:
    _annotations().has_error("/Acks/OtherRule/Resource", Match.string_like_regexp("^DUR-E7: "))


def test_stack_level_acknowledgment_covers_every_resource() -> None:
    assert _annotations().find_warning("*", Match.string_like_regexp("^DUR-W2: ")) == []


@pytest.mark.parametrize(
    ("suppression", "message"),
    [
        (
            {"id": "DUR-E7", "reason": "because"},
            "suppression reason for DUR-E7 must be at least 10 characters",
        ),
        ({"id": "DUR-E7"}, "suppression reason for DUR-E7 must be at least 10 characters"),
        ({"reason": REASON}, "suppression id must be a rule id such as 'DUR-E7', got None"),
    ],
)
def test_suppression_without_a_reason_is_refused(suppression: dict[str, str], message: str) -> None:
    stack = cdk.Stack(cdk.App(), "S")

    with pytest.raises(ValueError, match=message):
        DurableSuppressions.add_resource_suppressions(stack, [suppression])
