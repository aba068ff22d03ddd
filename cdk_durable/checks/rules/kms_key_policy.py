"""DUR-E8: the ``DurableConfig.KMSKeyArn`` key's policy lacks the Lambda service statement.

Lambda encrypts execution state with the key as the service principal ``lambda.amazonaws.com``
(``kms:GenerateDataKey`` and ``kms:Decrypt``); without that statement every execution fails at its
first checkpoint. Only knowable when the key is an ``AWS::KMS::Key`` of the same stack (directly or
through an ``AWS::KMS::Alias``); otherwise not applicable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ... import platform as p
from .._template import Compliance, Resource, StackTemplate, allows_actions, as_list


def _key_of(value: Any, stack: StackTemplate) -> Resource | None:
    r = stack.referenced_resource(value)
    if r is not None and r.type == "AWS::KMS::Alias":
        r = stack.referenced_resource(r.properties.get("TargetKeyId"))
    return r if r is not None and r.type == "AWS::KMS::Key" else None


def _is_lambda_service(principal: Any) -> bool:
    if not isinstance(principal, Mapping):
        return False
    return p.LAMBDA_SERVICE_PRINCIPAL in as_list(principal.get("Service"))


def kms_key_policy(resource: Resource, stack: StackTemplate) -> Compliance:
    if not resource.is_durable_function:
        return Compliance.NOT_APPLICABLE
    key_arn = resource.get("DurableConfig.KMSKeyArn")
    if key_arn is None:
        return Compliance.NOT_APPLICABLE
    key = _key_of(key_arn, stack)
    if key is None:
        return Compliance.NOT_APPLICABLE
    policy = key.properties.get("KeyPolicy")
    statements = policy.get("Statement") if isinstance(policy, Mapping) else None
    service_statements = [
        s for s in as_list(statements) if isinstance(s, Mapping) and _is_lambda_service(s.get("Principal"))
    ]
    if allows_actions(service_statements, p.KMS_SERVICE_ACTIONS):
        return Compliance.COMPLIANT
    return Compliance.NON_COMPLIANT
