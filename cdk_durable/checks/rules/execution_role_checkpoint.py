"""DUR-E6: the execution role of a durable function lacks the checkpoint permissions.

The SDK calls ``lambda:CheckpointDurableExecution`` and ``lambda:GetDurableExecutionState`` from
inside the function. They come with the managed policy ``AWSLambdaBasicDurableExecutionRolePolicy``
(which the L2 attaches only to a role it creates) or from an inline / attached policy statement. Roles
defined outside the stack cannot be inspected: not applicable. An explicit ``Deny`` of either action
in the role's policies wins over the managed policy and any ``Allow`` (non-compliant; a deny with a
``Condition`` may or may not apply: not checked).
"""

from __future__ import annotations

from ... import platform as p
from .._template import (
    Compliance,
    Resource,
    StackTemplate,
    allows_actions,
    as_list,
    denies_actions,
    mentions_managed_policy,
)


def execution_role_checkpoint(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function:
        return Compliance.NOT_APPLICABLE
    role = stack.referenced_resource(resource.properties.get("Role"))
    if role is None or role.type != "AWS::IAM::Role":
        return Compliance.NOT_APPLICABLE
    statements = stack.role_statements(role)
    denied = denies_actions(statements, p.EXECUTION_ROLE_ACTIONS)  # an explicit Deny wins over any Allow
    if denied is Compliance.NON_COMPLIANT:
        return denied
    managed = any(mentions_managed_policy(arn) for arn in as_list(role.properties.get("ManagedPolicyArns")))
    if not managed and not allows_actions(statements, p.EXECUTION_ROLE_ACTIONS):
        return Compliance.NON_COMPLIANT
    return Compliance.NOT_CHECKED if denied is Compliance.NOT_CHECKED else Compliance.COMPLIANT
