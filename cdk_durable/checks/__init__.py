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

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr
from . import rules as _rules
from ._template import Compliance, FunctionTarget, Resource, StackTemplate
from .registry import PACK_NAME, RULES, RULES_BY_CFN_LINT_ID, RULES_BY_ID, DurableRule, cfn_lint_id
from .rules import *  # noqa: F403 - every rule function and the invokers table (rules.__all__)

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
    "Resource",
    "StackTemplate",
    "cfn_lint_id",
    "is_acknowledged",
]
__all__ += _rules.__all__


__getattr__ = lazy_getattr(__name__, _LAZY, globals())
