"""Parent workflow: invokes a durable target and a plain one, under every name form Invoke accepts."""

import os

from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    payment = context.invoke(
        os.environ.get("PAYMENTS_FUNCTION", "payments"), {"amount": event["amount"]}, name="pay"
    )
    tax = context.invoke(os.environ.get("TAX_FUNCTION", "tax"), {"amount": event["amount"]}, name="tax")
    extra = [
        context.invoke(target, {"amount": 1}, name=f"form-{i}")
        for i, target in enumerate(event.get("forms", []))
    ]
    return {"payment": payment, "tax": tax, "forms": extra}
