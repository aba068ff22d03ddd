from aws_durable_execution_sdk_python import DurableContext, durable_execution
import boto3

table = boto3.resource("dynamodb").Table("orders")


@durable_execution
def handler(event, context: DurableContext):
    item = table.get_item(Key={"id": event["id"]})  # expect: DUR002
    context.step(lambda _: item["Item"], name="process")
