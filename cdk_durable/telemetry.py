"""``DurableTelemetry``: a destination for the durable telemetry exporter, wired in one prop.

``aws-durable-execution-sdk-python-telemetry-exporter`` 1.0.0 writes one ``DurableExecutionTelemetry``
record per execution through exporters the handler constructs (it reads no environment variable and has
no entry point). This module creates (or takes) the destination, grants the function exactly the
actions the exporter's README lists, and names the destination to the handler in an environment
variable, which the handler passes to the exporter's constructor argument of the same meaning:

- CloudWatch log group: ``DURABLE_TELEMETRY_LOG_GROUP_NAME`` ->
  ``CloudWatchLogsExporter(log_group_name=...)``; logs:CreateLogStream, logs:PutLogEvents.
- DynamoDB table: ``DURABLE_TELEMETRY_TABLE_NAME`` -> ``DynamoDBExporter(table_name=...)``; dynamodb:PutItem.
- EventBridge bus: ``DURABLE_TELEMETRY_EVENT_BUS_NAME`` -> ``EventBridgeExporter(event_bus_name=...)``;
  events:PutEvents.

:func:`wire_observability` is the one step :class:`~cdk_durable.DurableFunction` calls for both props.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct, IConstruct

from ._validation import DurableValidationError
from .tracing import DurableTracing, apply_tracing, validate_tracing

__all__ = ["TELEMETRY_ENV", "DurableTelemetry", "validate_observability", "wire_observability"]

TelemetryKind = Literal["log_group", "table", "event_bus"]

#: The environment variable that names each destination to the handler.
TELEMETRY_ENV: dict[str, str] = {
    "log_group": "DURABLE_TELEMETRY_LOG_GROUP_NAME",
    "table": "DURABLE_TELEMETRY_TABLE_NAME",
    "event_bus": "DURABLE_TELEMETRY_EVENT_BUS_NAME",
}
#: Construct ids of created destinations (a contract: renaming one replaces the resource).
_IDS: dict[str, str] = {
    "log_group": "TelemetryLogGroup",
    "table": "TelemetryTable",
    "event_bus": "TelemetryBus",
}
#: What each kind accepts when passed in: the attribute that marks the jsii interface (jsii interfaces
#: are not runtime-checkable protocols), and how the message names it.
_TYPES: dict[str, tuple[str, str]] = {
    "log_group": ("log_group_name", "a logs.ILogGroup"),
    "table": ("table_name", "a dynamodb.ITable (partition key pk, sort key sk, both strings)"),
    "event_bus": ("event_bus_name", "an events.IEventBus"),
}


@dataclass(frozen=True)
class DurableTelemetry:
    """Where the telemetry exporter writes. Build it with :meth:`log_group`, :meth:`table` or
    :meth:`event_bus`; each creates the destination when none is given."""

    kind: TelemetryKind
    existing: Any = None

    @classmethod
    def log_group(cls, existing: logs.ILogGroup | None = None) -> DurableTelemetry:
        """CloudWatch Logs. Default: a new log group (``TelemetryLogGroup``, one-month retention)."""
        return cls._make("log_group", existing)

    @classmethod
    def table(cls, existing: dynamodb.ITable | None = None) -> DurableTelemetry:
        """DynamoDB. Default: a new on-demand table (``TelemetryTable``) keyed ``pk`` (executionArn) and
        ``sk`` (emittedAt), the exporter's default keys."""
        return cls._make("table", existing)

    @classmethod
    def event_bus(cls, existing: events.IEventBus | None = None) -> DurableTelemetry:
        """EventBridge. Default: a new custom bus (``TelemetryBus``)."""
        return cls._make("event_bus", existing)

    @classmethod
    def _make(cls, kind: TelemetryKind, existing: Any) -> DurableTelemetry:
        marker, example = _TYPES[kind]
        if existing is not None and not hasattr(existing, marker):
            raise DurableValidationError(
                f"DurableTelemetry.{kind}() takes {example} or nothing, got "
                f"{type(existing).__name__} {existing!r}"
            )
        return cls(kind, existing)

    def wire(self, scope: Construct, function: lambda_.Function) -> IConstruct:
        """Create (or take) the destination, grant the least actions, set the environment variable."""
        if self.kind == "log_group":
            group: logs.ILogGroup = self.existing or logs.LogGroup(
                scope, _IDS["log_group"], retention=logs.RetentionDays.ONE_MONTH
            )
            group.grant(function, "logs:CreateLogStream", "logs:PutLogEvents")
            function.add_environment(TELEMETRY_ENV["log_group"], group.log_group_name)
            return group
        if self.kind == "table":
            table: dynamodb.ITable = self.existing or dynamodb.Table(
                scope,
                _IDS["table"],
                partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
                sort_key=dynamodb.Attribute(name="sk", type=dynamodb.AttributeType.STRING),
                billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
                point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                    point_in_time_recovery_enabled=True
                ),
            )
            table.grant(function, "dynamodb:PutItem")
            function.add_environment(TELEMETRY_ENV["table"], table.table_name)
            return table
        bus: events.IEventBus = self.existing or events.EventBus(scope, _IDS["event_bus"])
        bus.grant_put_events_to(function)
        function.add_environment(TELEMETRY_ENV["event_bus"], bus.event_bus_name)
        return bus


def validate_observability(tracing: Any, telemetry: Any, *, runtime_name: str, environment: Any) -> None:
    """Both props, before anything is created."""
    validate_tracing(tracing, runtime_name=runtime_name, environment=environment)
    if telemetry is not None and not isinstance(telemetry, DurableTelemetry):
        raise DurableValidationError(
            "telemetry must be DurableTelemetry.log_group(...), .table(...) or .event_bus(...), got "
            f"{type(telemetry).__name__} {telemetry!r}"
        )


def wire_observability(
    scope: Construct,
    function: lambda_.Function,
    *,
    tracing: Any,
    telemetry: DurableTelemetry | None,
    runtime_name: str,
    environment: Any,
) -> IConstruct | None:
    """Tracing (layer, environment, X-Ray) and telemetry (destination, grant, environment); returns the
    telemetry destination."""
    if isinstance(tracing, DurableTracing):
        apply_tracing(scope, function, tracing, runtime_name=runtime_name, environment=environment)
    return telemetry.wire(scope, function) if telemetry is not None else None
