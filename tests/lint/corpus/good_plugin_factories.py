from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python_otel import INVOCATION_OTEL_PLUGIN_FACTORY, ExecutionOtelPluginFactory
from aws_durable_execution_sdk_python_telemetry_exporter import (
    DurableExecutionTelemetryConfig,
    durable_execution_telemetry,
)

telemetry = durable_execution_telemetry(DurableExecutionTelemetryConfig())


@durable_execution(plugins=[ExecutionOtelPluginFactory(), telemetry])
def handler(event: dict, context: DurableContext) -> int:
    return context.step(lambda _: 1, name="one")


@durable_execution(plugins=[INVOCATION_OTEL_PLUGIN_FACTORY])
def other(event: dict, context: DurableContext) -> int:
    return context.step(lambda _: 1, name="one")
