"""Plain (non-durable) chained-invoke target."""

import os


def handler(event: dict, context: object) -> dict:
    return {"tax": round(event["amount"] * 0.2, 2), "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME")}
