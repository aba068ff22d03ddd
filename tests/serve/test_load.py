"""Concurrent executions with callbacks answered through boto3 all complete with the right results
(``bench/serve_load.py`` does 200 and prints the figures)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from ._load import drive
from .conftest import FLOWS

#: Executions in the test (the bench runs 200).
COUNT = 40


@pytest.mark.slow
def test_concurrent_executions_with_callbacks_all_complete_with_the_right_results(serve: Any) -> None:
    served = serve("--function", f"load={FLOWS}:load")
    # the server's timestamps are real time; the client's clock only stamps when each answer was sent
    outcome = drive(served.client(), COUNT, bound=300, clock=time.time)  # ok-clock: compared to server stamps
    assert outcome.statuses == dict.fromkeys(range(COUNT), "SUCCEEDED")
    assert outcome.results == {n: {"n": n, "doubled": 2 * n, "answer": f'"ok-{n}"'} for n in range(COUNT)}
    assert "Traceback" not in served.log.read_text()
