"""The durable rules for cfn-lint: ``cfn-lint -a cdk_durable.cfn_lint template.yaml``.

Works on SAM templates (cfn-lint applies the SAM transform first) and on plain CloudFormation
templates, synthesized CDK templates included. Each rule is the DurableChecks rule of the same
number, from the same function (``cdk_durable.checks.rules``): ``DUR-E1`` is ``ED3001``, ``DUR-W2``
is ``WD3002`` (see ``docs/checks.md``). Suppress with cfn-lint's own mechanisms: ``--ignore-checks
ED3007``, ``Metadata: {cfn-lint: {config: {ignore_checks: [ED3007]}}}`` on the resource, or the
template-level ``Metadata.cfn-lint.config``.

cfn-lint instantiates every ``CloudFormationLintRule`` subclass bound in this module, so only the
rule classes are imported here (never their base class). Loads no aws-cdk-lib and no cdk-nag.
"""

from __future__ import annotations

from .rules import (
    AsyncWithoutDlq,
    DurableDestinations,
    EsmExecutionTimeout,
    ExecutionRoleCheckpoint,
    FailureMonitoring,
    KmsKeyPolicy,
    NotChecked,
    NoVersionOrAlias,
    OtelBothViews,
    OtelLayerWithoutWrapper,
    OtelWrapperWithoutLayer,
    OtlpHeadersPlaintext,
    PinnedFunctionName,
    SyncInvocationTimeout,
    UnqualifiedEnvReference,
    UnqualifiedInvocation,
    VersionDeletedOnUpdate,
    XrayTracingWithoutPermission,
)

__all__ = [
    "AsyncWithoutDlq",
    "DurableDestinations",
    "EsmExecutionTimeout",
    "ExecutionRoleCheckpoint",
    "FailureMonitoring",
    "KmsKeyPolicy",
    "NoVersionOrAlias",
    "NotChecked",
    "OtelBothViews",
    "OtelLayerWithoutWrapper",
    "OtelWrapperWithoutLayer",
    "OtlpHeadersPlaintext",
    "PinnedFunctionName",
    "SyncInvocationTimeout",
    "UnqualifiedEnvReference",
    "UnqualifiedInvocation",
    "VersionDeletedOnUpdate",
    "XrayTracingWithoutPermission",
]
