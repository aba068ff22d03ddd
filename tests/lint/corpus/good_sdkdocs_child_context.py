# Adapted from aws/aws-durable-execution-sdk-python docs/best-practices.md (Apache-2.0),
# "Common mistakes: Using context inside its own operations" - the example marked "Right".
from aws_durable_execution_sdk_python import (
    DurableContext,
    StepContext,
    durable_execution,
    durable_step,
    durable_with_child_context,
)


@durable_step
def nested_step(step_context: StepContext) -> str:
    return "nested step"


@durable_with_child_context
def process_with_wait(child_ctx: DurableContext) -> str:
    child_ctx.wait(seconds=1)
    result = child_ctx.step(nested_step(), name="step2")
    return result


@durable_execution
def lambda_handler(event: dict, context: DurableContext) -> dict:
    result = context.run_in_child_context(process_with_wait(), name="block1")
    return {"result": result}
