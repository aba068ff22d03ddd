from aws_durable_execution_sdk_python import DurableContext, durable_execution
import boto3

_client = None


@durable_execution
def handler(event, context: DurableContext):
    def put(_):
        global _client
        if _client is None:
            _client = boto3.client("s3")
        return _client.put_object(Bucket=event["bucket"], Key="k", Body=b"x")["ETag"]

    return context.step(put, name="put")
