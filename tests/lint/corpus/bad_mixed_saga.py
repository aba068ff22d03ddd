from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time
import uuid

import boto3

payments = boto3.client("stepfunctions")


@durable_execution
def handler(event, context: DurableContext):
    print("saga start")  # expect: DUR005
    saga_id = uuid.uuid4().hex  # expect: DUR001
    charged = []

    def charge(_):
        charged.append(saga_id)  # expect: DUR004
        context.wait(1)  # expect: DUR003
        return time.time()

    context.step(charge, name=f"charge-{saga_id}")  # expect: DUR007
    payments.start_execution(stateMachineArn=event["arn"])  # expect: DUR002
    return charged
