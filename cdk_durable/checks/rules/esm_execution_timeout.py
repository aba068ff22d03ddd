"""DUR-E4: an event source mapping on a durable function whose ExecutionTimeout is over 15 minutes.

Event source mappings invoke synchronously, so the whole execution must finish within 15 minutes; the
mapping's creation fails when ``DurableConfig.ExecutionTimeout`` is larger.
"""

from __future__ import annotations

from ... import platform as p
from ..._intrinsics import Unresolved
from .._template import Compliance, Resource, StackTemplate


def esm_execution_timeout(resource: Resource, stack: StackTemplate) -> Compliance:
    if resource.type != "AWS::Lambda::EventSourceMapping":
        return Compliance.NOT_APPLICABLE
    targets = stack.durable_targets(resource.properties.get("FunctionName"))
    known: list[float] = []
    unknown = False
    for t in targets:
        fn = stack.resource_of(t)
        if fn is None:
            continue
        try:
            timeout = stack.number(fn.get("DurableConfig.ExecutionTimeout"))
        except Unresolved:  # e.g. !Ref of a parameter without a Default: not checked, not passed
            unknown = True
            continue
        if timeout is not None:
            known.append(timeout)
    if any(t > p.SYNC_INVOCATION_MAX_SECONDS for t in known):
        return Compliance.NON_COMPLIANT
    if unknown:
        return Compliance.NOT_CHECKED
    return Compliance.COMPLIANT if known else Compliance.NOT_APPLICABLE
