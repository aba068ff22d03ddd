"""DUR-E2: a Lambda environment variable carries a durable function's unqualified ARN or name.

The caller that reads it will invoke (or grant on) the unqualified function, which fails for durable
functions. Pass the alias (or version) ARN instead.
"""

from __future__ import annotations

from .._template import FUNCTION, Compliance, Resource, StackTemplate
from ._invokers import values_at


def unqualified_env_reference(resource: Resource, stack: StackTemplate) -> Compliance:
    if resource.type != FUNCTION:
        return Compliance.NOT_APPLICABLE
    targets = [
        t for v in values_at(resource.properties, "Environment.Variables.*") for t in stack.durable_targets(v)
    ]
    if not targets:
        return Compliance.NOT_APPLICABLE
    if any(t.is_unqualified_or_latest for t in targets):
        return Compliance.NON_COMPLIANT
    return Compliance.COMPLIANT
