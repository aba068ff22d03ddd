"""Sign-up that waits for an e-mail confirmation with ``wait_for_callback`` (submitter step inside)."""

from __future__ import annotations

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration, WaitForCallbackConfig
from aws_durable_execution_sdk_python.types import WaitForCallbackContext


def _send_confirmation_mail(callback_id: str, context: WaitForCallbackContext) -> None:
    context.logger.info("mail sent", extra={"callback_id": callback_id})


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> str:
    context.step(lambda _: "u-7", name="create-account")
    confirmed = context.wait_for_callback(
        _send_confirmation_mail,
        name="email-confirmation",
        config=WaitForCallbackConfig(timeout=Duration.from_days(2)),
    )
    return context.step(lambda _: f"activated {confirmed}", name="activate")
