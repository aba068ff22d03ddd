"""Builds a boto3 client at import, like most Lambda handlers: needs AWS_REGION."""

import os

import boto3
from aws_durable_execution_sdk_python import DurableContext, durable_execution

S3 = boto3.client("s3")
NAMES = (
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_EXECUTION_ENV",
    "_HANDLER",
    "TABLE",
    "STAGE",
    "PAYMENTS_ARN",
)


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    return context.step(
        lambda _: {"region": S3.meta.region_name, **{n: os.environ.get(n) for n in NAMES}}, name="env"
    )
