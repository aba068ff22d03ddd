"""DUR-E4: an event source mapping on a durable function whose ExecutionTimeout is over 15 minutes.

Event source mappings invoke synchronously, so the whole execution must finish within 15 minutes; the
mapping's creation fails when ``DurableConfig.ExecutionTimeout`` is larger.
"""

from __future__ import annotations

from ... import platform as p
from .._template import Compliance, Resource, StackTemplate


def esm_execution_timeout(resource: Resource, stack: StackTemplate) -> Compliance:
    if resource.type != "AWS::Lambda::EventSourceMapping":
        return Compliance.NOT_APPLICABLE
    targets = stack.durable_targets(resource.properties.get("FunctionName"))
    timeouts = [
        fn.get("DurableConfig.ExecutionTimeout") for t in targets if (fn := stack.resource_of(t)) is not None
    ]
    known = [t for t in timeouts if isinstance(t, int | float)]
    if not known:
        return Compliance.NOT_APPLICABLE
    if any(t > p.SYNC_INVOCATION_MAX_SECONDS for t in known):
        return Compliance.NON_COMPLIANT
    return Compliance.COMPLIANT
