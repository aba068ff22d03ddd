from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, WithRetryConfig, with_retry


@durable_execution
def handler(event, context: DurableContext):
    def attempt(ctx: DurableContext, attempt_number: int) -> str:
        ctx.step(lambda _: "prepare", name="prepare")
        return ctx.step(lambda _: "commit", name="commit")

    config = WithRetryConfig(retry_strategy_config=RetryStrategyConfig(max_attempts=3))
    return with_retry(context, func=attempt, config=config, name="transaction")
