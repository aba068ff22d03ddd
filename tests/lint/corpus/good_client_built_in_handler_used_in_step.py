from aws_durable_execution_sdk_python import DurableContext, durable_execution
import boto3


@durable_execution
def handler(event, context: DurableContext):
    sqs = boto3.client("sqs")
    return context.step(
        lambda _: sqs.send_message(QueueUrl=event["queue"], MessageBody="x")["MessageId"],
        name="send",
    )
