"""The durable rules as cfn-lint rules: one class per rule of :mod:`cdk_durable.checks.registry`.

Each class is named after its rule (``no-version-or-alias`` -> ``NoVersionOrAlias``) and only
points at the registry entry; the check itself is the function DurableChecks runs.
"""

from __future__ import annotations

from ..checks.registry import RULES_BY_ID
from ._base import DurableLintRule


class UnqualifiedInvocation(DurableLintRule):
    spec = RULES_BY_ID["DUR-E1"]


class UnqualifiedEnvReference(DurableLintRule):
    spec = RULES_BY_ID["DUR-E2"]


class NoVersionOrAlias(DurableLintRule):
    spec = RULES_BY_ID["DUR-E3"]


class EsmExecutionTimeout(DurableLintRule):
    spec = RULES_BY_ID["DUR-E4"]


class DurableDestinations(DurableLintRule):
    spec = RULES_BY_ID["DUR-E5"]


class ExecutionRoleCheckpoint(DurableLintRule):
    spec = RULES_BY_ID["DUR-E6"]


class PinnedFunctionName(DurableLintRule):
    spec = RULES_BY_ID["DUR-E7"]


class KmsKeyPolicy(DurableLintRule):
    spec = RULES_BY_ID["DUR-E8"]


class AsyncWithoutDlq(DurableLintRule):
    spec = RULES_BY_ID["DUR-W1"]


class FailureMonitoring(DurableLintRule):
    spec = RULES_BY_ID["DUR-W2"]


class OtelBothViews(DurableLintRule):
    spec = RULES_BY_ID["DUR-E10"]


class OtelWrapperWithoutLayer(DurableLintRule):
    spec = RULES_BY_ID["DUR-E11"]


class XrayTracingWithoutPermission(DurableLintRule):
    spec = RULES_BY_ID["DUR-E12"]


class OtlpHeadersPlaintext(DurableLintRule):
    spec = RULES_BY_ID["DUR-E13"]


class OtelLayerWithoutWrapper(DurableLintRule):
    spec = RULES_BY_ID["DUR-W3"]


class VersionDeletedOnUpdate(DurableLintRule):
    spec = RULES_BY_ID["DUR-W4"]


class SyncInvocationTimeout(DurableLintRule):
    spec = RULES_BY_ID["DUR-E14"]


class NotChecked(DurableLintRule):
    spec = RULES_BY_ID["DUR-W5"]


#: Every rule class, in registry order.
RULE_CLASSES: tuple[type[DurableLintRule], ...] = (
    UnqualifiedInvocation,
    UnqualifiedEnvReference,
    NoVersionOrAlias,
    EsmExecutionTimeout,
    DurableDestinations,
    ExecutionRoleCheckpoint,
    PinnedFunctionName,
    KmsKeyPolicy,
    AsyncWithoutDlq,
    FailureMonitoring,
    OtelBothViews,
    OtelWrapperWithoutLayer,
    XrayTracingWithoutPermission,
    OtlpHeadersPlaintext,
    OtelLayerWithoutWrapper,
    VersionDeletedOnUpdate,
    SyncInvocationTimeout,
    NotChecked,
)
