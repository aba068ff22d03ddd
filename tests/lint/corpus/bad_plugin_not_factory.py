from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python_otel import InvocationOtelPlugin, InvocationOtelPluginFactory


class AuditPlugin:
    def on_invocation_start(self, info: object) -> None:
        pass


@durable_execution(
    plugins=[
        InvocationOtelPlugin(),  # expect: DUR010
        InvocationOtelPluginFactory,  # expect: DUR010
        AuditPlugin,  # expect: DUR010
    ]
)
def handler(event: dict, context: DurableContext) -> int:
    return context.step(lambda _: 1, name="one")
