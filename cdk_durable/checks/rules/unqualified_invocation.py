"""DUR-E1: something invokes a durable function through its unqualified ARN or ``$LATEST``.

Lambda rejects unqualified invocations of durable functions ("You cannot invoke a durable function
using an unqualified ARN"), and ``AWS::Lambda::Permission`` rejects ``$LATEST``; a permission on the
unqualified ARN does not cover a version or alias. The rule looks at the properties through which
each resource type invokes a function (``_invokers.INVOKERS``) and is non-compliant when one of them
designates a durable function of the same stack without a version or alias.
"""

from __future__ import annotations

from .._template import LATEST, Compliance, Resource, StackTemplate
from ._invokers import QUALIFIER_PROPERTIES, invoker, values_at


def unqualified_invocation(resource: Resource, stack: StackTemplate) -> Compliance:
    how = invoker(resource.type)
    if how is None:
        return Compliance.NOT_APPLICABLE
    qualifier_path = QUALIFIER_PROPERTIES.get(resource.type)
    qualifiers = values_at(resource.properties, qualifier_path) if qualifier_path else []
    qualifier = qualifiers[0] if qualifiers else None
    if qualifier is not None and qualifier != LATEST and stack.durable_targets(resource.properties):
        return Compliance.COMPLIANT
    targets = [
        t
        for path in how.paths
        for v in values_at(resource.properties, path)
        for t in stack.durable_targets(v)
    ]
    if not targets:
        return Compliance.NOT_APPLICABLE
    if any(t.is_unqualified_or_latest for t in targets):
        return Compliance.NON_COMPLIANT
    return Compliance.COMPLIANT
