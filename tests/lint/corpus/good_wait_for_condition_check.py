from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time

from aws_durable_execution_sdk_python.waits import WaitForConditionConfig, WaitForConditionDecision


@durable_execution
def handler(event, context: DurableContext):
    def check(state: dict, check_ctx) -> dict:
        return {"polled_at": time.time(), "done": state.get("done", False)}

    def strategy(state, attempt):
        return WaitForConditionDecision.stop_polling()

    config = WaitForConditionConfig(wait_strategy=strategy, initial_state={})
    return context.wait_for_condition(check, config=config, name="poll")
