"""One rule per module. Each rule is a pure function ``(resource, stack) -> NagRuleCompliance``.

``resource`` is the resolved CloudFormation view of one L1 resource and ``stack`` the view of the
stack it lives in (:class:`cdk_durable.checks._template.StackTemplate`), used for lookups only.
"""

from __future__ import annotations

from .destinations import durable_destinations
from .esm_execution_timeout import esm_execution_timeout
from .execution_role import execution_role_checkpoint
from .failure_monitoring import failure_monitoring
from .kms_key_policy import kms_key_policy
from .no_dlq import async_without_dlq
from .no_version_alias import no_version_or_alias
from .pinned_name import pinned_function_name
from .unqualified_env import unqualified_env_reference
from .unqualified_invocation import INVOCATION_PATHS, unqualified_invocation

__all__ = [
    "INVOCATION_PATHS",
    "async_without_dlq",
    "durable_destinations",
    "esm_execution_timeout",
    "execution_role_checkpoint",
    "failure_monitoring",
    "kms_key_policy",
    "no_version_or_alias",
    "pinned_function_name",
    "unqualified_env_reference",
    "unqualified_invocation",
]
