"""DUR-E7: a durable function with a pinned ``FunctionName``.

Durability can only be enabled when a function is created: adding ``DurableConfig`` (or any other
replacing change) replaces the function, and CloudFormation cannot create the replacement while the
old function holds the name. Let CloudFormation generate the name.
"""

from __future__ import annotations

from .._template import Compliance, Resource, StackTemplate


def pinned_function_name(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function:
        return Compliance.NOT_APPLICABLE
    if resource.properties.get("FunctionName") is not None:
        return Compliance.NON_COMPLIANT
    return Compliance.COMPLIANT
