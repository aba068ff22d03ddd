"""cdk-durable: ship AWS Lambda durable functions correctly.

Public names (imported lazily, so the command-line tools start without loading aws-cdk-lib):

- :class:`DurableFunction` - the L3 construct (``cdk_durable.durable_function``)
- :class:`DurableExecutionStatus`, :class:`DurableMetric` - platform enums (``cdk_durable.platform``)
- :class:`AsyncStarter` - queue -> durable alias starter (``cdk_durable.starter``)
- :class:`ApiStarter` - REST API -> durable alias starter, no Lambda in between (``cdk_durable.api_starter``)
- :class:`ExecutionName` - where a starter takes the execution name from (``cdk_durable.execution_name``)
- :class:`DurableChecks` - synth-time rule pack (``cdk_durable.checks``)
- :func:`lint_paths` - the replay-model linter (``cdk_durable.lint``)
- :class:`DurableTracing`, :class:`DurableTelemetry` - the ``tracing=`` / ``telemetry=`` props
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_getattr

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "DurableFunction": "cdk_durable.durable_function",
    "DurableFunctionProps": "cdk_durable.durable_function",
    "DeadLetterQueueMode": "cdk_durable.durable_function",
    "DurableAlarms": "cdk_durable.observability",
    "ImportedDurableFunction": "cdk_durable.imported",
    "AsyncStarter": "cdk_durable.starter",
    "ApiStarter": "cdk_durable.api_starter",
    "ExecutionName": "cdk_durable.execution_name",
    "DurableChecks": "cdk_durable.checks",
    "lint_paths": "cdk_durable.lint",
    "DurableExecutionStatus": "cdk_durable.platform",
    "DurableMetric": "cdk_durable.platform",
    "DurableValidationError": "cdk_durable._validation",
    "ReplayLint": "cdk_durable.durable_function",
    "DurableTracing": "cdk_durable.tracing",
    "DurableTelemetry": "cdk_durable.telemetry",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:  # pragma: no cover
    from ._validation import DurableValidationError as DurableValidationError
    from .api_starter import ApiStarter as ApiStarter
    from .checks import DurableChecks as DurableChecks
    from .durable_function import DeadLetterQueueMode as DeadLetterQueueMode
    from .durable_function import DurableFunction as DurableFunction
    from .durable_function import ReplayLint as ReplayLint
    from .execution_name import ExecutionName as ExecutionName
    from .imported import ImportedDurableFunction as ImportedDurableFunction
    from .lint import lint_paths as lint_paths
    from .observability import DurableAlarms as DurableAlarms
    from .platform import DurableExecutionStatus as DurableExecutionStatus
    from .platform import DurableMetric as DurableMetric
    from .starter import AsyncStarter as AsyncStarter
    from .telemetry import DurableTelemetry as DurableTelemetry
    from .tracing import DurableTracing as DurableTracing


__getattr__ = lazy_getattr(__name__, _LAZY, globals())
