"""fan-out on `cdk-durable serve` (this project's template), driven through boto3 as your code would."""

from __future__ import annotations

import json


def test_an_execution_started_by_name_processes_the_batch(service):
    execution = service.finish(service.start("fan-out-batch-001", "start.json"))

    assert execution["Status"] == "SUCCEEDED"
    assert json.loads(execution["Result"]) == {
        "batch_id": "batch-001",
        "processed": 4,
        "failed": [],
        "total": 58,
    }
