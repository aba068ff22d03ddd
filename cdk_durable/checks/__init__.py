"""Synth-time checks for AWS Lambda durable-function pitfalls (a cdk-nag style rule pack).

Usage (either)::

    Aspects.of(app).add(DurableChecks())                  # findings as annotations
    Validations.of(app).add_plugins(DurableChecks(app))   # cdk-nag 3: validation plugin

The same rules run in cfn-lint on SAM and CloudFormation templates: ``cfn-lint -a cdk_durable.cfn_lint``.
See ``docs/checks.md`` for the rules table and acknowledgments.

The rules, the registry and the template view are standard-library code; the CDK parts
(``DurableChecks``, ``DurableSuppressions``, ``is_acknowledged``) load aws-cdk-lib and cdk-nag only
when first used, so the cfn-lint plugin imports this package without them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._template import Compliance, FunctionTarget, Resource, StackTemplate
from .registry import PACK_NAME, RULES, RULES_BY_CFN_LINT_ID, RULES_BY_ID, DurableRule, cfn_lint_id
from .rules import (
    INVOKERS,
    Invoker,
    async_without_dlq,
    durable_destinations,
    esm_execution_timeout,
    execution_role_checkpoint,
    failure_monitoring,
    kms_key_policy,
    no_version_or_alias,
    pinned_function_name,
    sync_invocation_timeout,
    unqualified_env_reference,
    unqualified_invocation,
    version_deleted_on_update,
)

_LAZY: dict[str, str] = {
    "DurableChecks": "cdk_durable.checks.pack",
    "PLUGIN_NAME": "cdk_durable.checks.pack",
    "is_acknowledged": "cdk_durable.checks.pack",
    "DurableSuppressions": "cdk_durable.checks.suppressions",
}

if TYPE_CHECKING:  # pragma: no cover
    from .pack import PLUGIN_NAME as PLUGIN_NAME
    from .pack import DurableChecks as DurableChecks
    from .pack import is_acknowledged as is_acknowledged
    from .suppressions import DurableSuppressions as DurableSuppressions

__all__ = [
    "INVOKERS",
    "PACK_NAME",
    "PLUGIN_NAME",
    "RULES",
    "RULES_BY_CFN_LINT_ID",
    "RULES_BY_ID",
    "Compliance",
    "DurableChecks",
    "DurableRule",
    "DurableSuppressions",
    "FunctionTarget",
    "Invoker",
    "Resource",
    "StackTemplate",
    "async_without_dlq",
    "cfn_lint_id",
    "durable_destinations",
    "esm_execution_timeout",
    "execution_role_checkpoint",
    "failure_monitoring",
    "is_acknowledged",
    "kms_key_policy",
    "no_version_or_alias",
    "pinned_function_name",
    "sync_invocation_timeout",
    "unqualified_env_reference",
    "unqualified_invocation",
    "version_deleted_on_update",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'cdk_durable.checks' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
