"""One rule per module, named after the rule: ``<name>.py`` defines ``<name>(resource, stack)``.

Each rule is a pure function ``(resource, stack) -> Compliance``: ``resource`` is the resolved
CloudFormation view of one resource and ``stack`` the view of the stack (or template) it lives in
(:class:`cdk_durable.checks._template.StackTemplate`), used for lookups only. Their ids, levels and
texts are in :mod:`cdk_durable.checks.registry`; the invokers they share in :mod:`._invokers`.
"""

from __future__ import annotations

from ._invokers import INVOKERS, Invoker
from .async_without_dlq import async_without_dlq
from .durable_destinations import durable_destinations
from .esm_execution_timeout import esm_execution_timeout
from .execution_role_checkpoint import execution_role_checkpoint
from .failure_monitoring import failure_monitoring
from .kms_key_policy import kms_key_policy
from .no_version_or_alias import no_version_or_alias
from .not_checked import not_checked
from .pinned_function_name import pinned_function_name
from .unqualified_env_reference import unqualified_env_reference
from .unqualified_invocation import unqualified_invocation
from .version_deleted_on_update import version_deleted_on_update

__all__ = [
    "INVOKERS",
    "Invoker",
    "async_without_dlq",
    "durable_destinations",
    "esm_execution_timeout",
    "execution_role_checkpoint",
    "failure_monitoring",
    "kms_key_policy",
    "no_version_or_alias",
    "not_checked",
    "pinned_function_name",
    "unqualified_env_reference",
    "unqualified_invocation",
    "version_deleted_on_update",
]
