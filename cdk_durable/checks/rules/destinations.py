"""DUR-E5: Lambda destinations configured on a durable function.

Lambda destinations (``AWS::Lambda::EventInvokeConfig`` ``DestinationConfig``) are not supported for
durable functions. Watch status-change events instead, and use a dead-letter queue for invocations
that fail to start.
"""

from __future__ import annotations

from cdk_nag import NagRuleCompliance

from .._template import Resource, StackTemplate


def durable_destinations(resource: Resource, stack: StackTemplate) -> NagRuleCompliance:
    if resource.type != "AWS::Lambda::EventInvokeConfig":
        return NagRuleCompliance.NOT_APPLICABLE
    if not stack.durable_targets(resource.properties.get("FunctionName")):
        return NagRuleCompliance.NOT_APPLICABLE
    on_success = resource.get("DestinationConfig.OnSuccess.Destination")
    on_failure = resource.get("DestinationConfig.OnFailure.Destination")
    if on_success is not None or on_failure is not None:
        return NagRuleCompliance.NON_COMPLIANT
    return NagRuleCompliance.COMPLIANT
