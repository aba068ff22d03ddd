from aws_durable_execution_sdk_python import DurableContext, durable_execution
import boto3

sqs = boto3.client("sqs")


@durable_execution
def handler(event, context: DurableContext):
    sqs.send_message(QueueUrl=event["queue"], MessageBody="started")  # expect: DUR002
    return context.step(lambda _: "ok", name="work")
