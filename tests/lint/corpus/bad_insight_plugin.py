from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python_insight import WorkflowInsightConfig, workflow_insight  # expect: DUR011


@durable_execution(plugins=[workflow_insight(WorkflowInsightConfig())])
def handler(event: dict, context: DurableContext) -> int:
    return context.step(lambda _: 1, name="one")
