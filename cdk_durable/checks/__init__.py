"""Synth-time checks for AWS Lambda durable-function pitfalls (a cdk-nag style rule pack).

Usage (either)::

    Aspects.of(app).add(DurableChecks())                  # findings as annotations
    Validations.of(app).add_plugins(DurableChecks(app))   # cdk-nag 3: validation plugin

See ``docs/checks.md`` for the rules table and acknowledgments.
"""

from __future__ import annotations

from ._template import FunctionTarget, Resource, StackTemplate
from .pack import PACK_NAME, PLUGIN_NAME, RULES, DurableChecks, DurableRule, is_acknowledged
from .rules import (
    async_without_dlq,
    durable_destinations,
    esm_execution_timeout,
    execution_role_checkpoint,
    failure_monitoring,
    kms_key_policy,
    no_version_or_alias,
    pinned_function_name,
    unqualified_env_reference,
    unqualified_invocation,
)
from .suppressions import DurableSuppressions

__all__ = [
    "PACK_NAME",
    "PLUGIN_NAME",
    "RULES",
    "DurableChecks",
    "DurableRule",
    "DurableSuppressions",
    "FunctionTarget",
    "Resource",
    "StackTemplate",
    "async_without_dlq",
    "durable_destinations",
    "esm_execution_timeout",
    "execution_role_checkpoint",
    "failure_monitoring",
    "is_acknowledged",
    "kms_key_policy",
    "no_version_or_alias",
    "pinned_function_name",
    "unqualified_env_reference",
    "unqualified_invocation",
]
