"""hello on `cdk-durable serve` (this project's template), driven through boto3 as your code would."""

from __future__ import annotations

import json


def test_an_execution_started_by_name_greets_waits_and_says_goodbye(service):
    arn = service.start("hello-ada", "start.json")

    assert service.start("hello-ada", "start.json") == arn, "same name and payload: the same execution"
    execution = service.finish(arn)
    assert execution["Status"] == "SUCCEEDED"
    assert json.loads(execution["Result"]) == {"greeting": "Hello, Ada!", "farewell": "Goodbye, Ada!"}
