# Adapted from aws/aws-durable-execution-sdk-python docs/best-practices.md (Apache-2.0),
# "Common mistakes: Using context inside its own operations" - the example marked "Wrong".
from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution, durable_step


@durable_step
def process_with_wait(step_context: StepContext, context: DurableContext) -> str:
    context.wait(seconds=1)  # expect: DUR003
    result = context.step(nested_step(), name="step2")  # expect: DUR003
    return result


@durable_execution
def lambda_handler(event: dict, context: DurableContext) -> dict:
    result = context.step(process_with_wait(context), name="step1")
    return {"result": result}
