"""A report whose step result is close to the SDK's 256 KB checkpoint threshold."""

from __future__ import annotations

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, durable_execution

#: 240 KB of rows: above 80 % of the 256 KB checkpoint threshold, below the threshold itself.
REPORT_BYTES = 240 * 1024


def _build(_: Any) -> str:
    return "x" * REPORT_BYTES


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> int:
    report = context.step(_build, name="build-report")
    return context.step(lambda _: len(report), name="store-report")
