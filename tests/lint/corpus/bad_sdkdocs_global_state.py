# Adapted from aws/aws-durable-execution-sdk-python docs/best-practices.md (Apache-2.0),
# "Don't share state between steps" - the example marked "Avoid".
from aws_durable_execution_sdk_python import DurableContext, StepContext, durable_execution, durable_step

current_user = None


@durable_step
def fetch_user(step_context: StepContext, user_id: str) -> dict:
    global current_user
    current_user = {"user_id": user_id, "name": "Jane Doe"}  # expect: DUR004
    return current_user


@durable_step
def send_email(step_context: StepContext) -> bool:
    send_to_address(current_user["name"], current_user.get("email"))
    return True


@durable_execution
def lambda_handler(event: dict, context: DurableContext) -> dict:
    user = context.step(fetch_user(event["user_id"]))
    sent = context.step(send_email())
    return {"sent": sent}
