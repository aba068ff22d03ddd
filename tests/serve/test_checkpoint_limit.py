"""Lambda's limit on one checkpoint update's payload (``OPERATION_PAYLOAD_MAX_BYTES``, botocore's
``OperationPayload`` max) on ``serve``, where the SDK checkpoints over HTTP: a step result over it
fails the execution as Lambda's API refuses it; one over the SDK's 256 KB threshold but under the limit
is checkpointed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cdk_durable.local_run.endpoint import checkpoint_size_error
from cdk_durable.platform import CHECKPOINT_PAYLOAD_THRESHOLD_BYTES, OPERATION_PAYLOAD_MAX_BYTES

from .conftest import FLOWS

BIG = f"big={FLOWS}:big"


def test_the_limit_counts_utf8_bytes_of_each_update() -> None:
    assert checkpoint_size_error([("a", "x" * OPERATION_PAYLOAD_MAX_BYTES), ("b", None)]) is None
    over = checkpoint_size_error([("a", "x"), ("b", "x" * (OPERATION_PAYLOAD_MAX_BYTES + 1))])
    assert over is not None
    assert over.startswith("1 validation error detected: Value at 'updates.b.payload' failed to satisfy")
    assert (
        f"less than or equal to {OPERATION_PAYLOAD_MAX_BYTES} (it is {OPERATION_PAYLOAD_MAX_BYTES + 1} bytes)"
        in over
    )
    # 'é' is two bytes in UTF-8: half as many characters reach the limit
    assert checkpoint_size_error([("c", "é" * (OPERATION_PAYLOAD_MAX_BYTES // 2 + 1))]) is not None


@pytest.mark.slow  # two 6 MB checkpoints through HTTP
def test_a_step_result_over_the_limit_fails_the_execution_on_serve(serve: Any) -> None:
    served = serve("--skip-time", "--function", BIG)
    client = served.client()
    over = client.invoke(
        FunctionName="big:$LATEST", Payload=json.dumps({"size": OPERATION_PAYLOAD_MAX_BYTES + 1})
    )
    assert over["FunctionError"] == "Unhandled"
    error = json.loads(over["Payload"].read())
    assert f"less than or equal to {OPERATION_PAYLOAD_MAX_BYTES}" in error["errorMessage"]
    failed = client.get_durable_execution(DurableExecutionArn=over["DurableExecutionArn"])
    assert failed["Status"] == "FAILED"
    assert "-> 400 InvalidParameterValueException: 1 validation error detected" in served.log.read_text()

    size = CHECKPOINT_PAYLOAD_THRESHOLD_BYTES + 1024  # past the SDK's 256 KB threshold: still one checkpoint
    under = client.invoke(FunctionName="big:$LATEST", Payload=json.dumps({"size": size}))
    assert "FunctionError" not in under
    assert json.loads(under["Payload"].read()) == {"size": size}
