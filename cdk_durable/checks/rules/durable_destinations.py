"""DUR-E5: Lambda destinations configured on a durable function.

Lambda destinations (``AWS::Lambda::EventInvokeConfig`` ``DestinationConfig``) are not supported for
durable functions. Watch status-change events instead, and use a dead-letter queue for invocations
that fail to start.
"""

from __future__ import annotations

from .._template import Compliance, Resource, StackTemplate


def durable_destinations(resource: Resource, stack: StackTemplate) -> Compliance:
    if resource.type != "AWS::Lambda::EventInvokeConfig":
        return Compliance.NOT_APPLICABLE
    if not stack.durable_targets(resource.properties.get("FunctionName")):
        return Compliance.NOT_APPLICABLE
    on_success = resource.get("DestinationConfig.OnSuccess.Destination")
    on_failure = resource.get("DestinationConfig.OnFailure.Destination")
    if on_success is not None or on_failure is not None:
        return Compliance.NON_COMPLIANT
    return Compliance.COMPLIANT
