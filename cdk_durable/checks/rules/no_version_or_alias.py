"""DUR-E3: a durable function without any published version or alias in its stack.

Durable functions are invoked only through a qualified ARN; without an ``AWS::Lambda::Version`` or
``AWS::Lambda::Alias`` nothing can start an execution.
"""

from __future__ import annotations

from .._template import ALIAS, VERSION, Compliance, Resource, StackTemplate


def no_version_or_alias(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function:
        return Compliance.NOT_APPLICABLE
    for r in stack.of_type(VERSION, ALIAS):
        if any(
            t.function_id == resource.logical_id and t.stack is None
            for t in stack.function_targets(r.properties.get("FunctionName"))
        ):
            return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT
