"""DUR-E6: the execution role of a durable function lacks the checkpoint permissions.

The SDK calls ``lambda:CheckpointDurableExecution`` and ``lambda:GetDurableExecutionState`` from
inside the function. They come with the managed policy ``AWSLambdaBasicDurableExecutionRolePolicy``
(which the L2 attaches only to a role it creates) or from an inline / attached policy statement. Roles
defined outside the stack cannot be inspected: not applicable.
"""

from __future__ import annotations

from ... import platform as p
from .._template import Compliance, Resource, StackTemplate, allows_actions, mentions_managed_policy


def execution_role_checkpoint(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function:
        return Compliance.NOT_APPLICABLE
    role = stack.referenced_resource(resource.properties.get("Role"))
    if role is None or role.type != "AWS::IAM::Role":
        return Compliance.NOT_APPLICABLE
    if any(mentions_managed_policy(arn) for arn in role.properties.get("ManagedPolicyArns") or []):
        return Compliance.COMPLIANT
    if allows_actions(stack.role_statements(role), p.EXECUTION_ROLE_ACTIONS):
        return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT
