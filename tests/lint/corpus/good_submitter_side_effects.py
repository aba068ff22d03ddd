from aws_durable_execution_sdk_python import DurableContext, durable_execution
import requests


@durable_execution
def handler(event, context: DurableContext):
    def submit(callback_id: str, cb_ctx) -> None:
        print("sending", callback_id)
        requests.post(event["approver_url"], json={"callback": callback_id}, timeout=5)

    return context.wait_for_callback(submit, name="approval")
