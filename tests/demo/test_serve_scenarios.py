"""The demo's triage workflow on ``cdk-durable serve``, callbacks answered by the review endpoint's code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from demo.serve_scenarios import decision_for

ROOT = Path(__file__).resolve().parents[2]


def test_every_scenario_runs_on_serve_with_the_review_endpoint_answering() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "demo.serve_scenarios"], capture_output=True, text=True, cwd=ROOT, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name, status in (("standard", "resolved"), ("escalation", "escalated"), ("rejection", "rejected")):
        assert f"ok   {name}" in result.stdout and f"workflow status {status!r}" in result.stdout
    assert result.stdout.count("review endpoint, ") == 4  # one answer per review, through the handler


def test_scripted_answers_become_the_review_endpoints_requests() -> None:
    assert decision_for({"succeed": {"approved": False}}) == {"decision": "reject"}
    assert decision_for({"succeed": {"approved": True, "agentNotes": "n"}}) == {
        "decision": "approve",
        "agentNotes": "n",
    }
    assert decision_for({"succeed": {"approved": True, "editedResponse": "r"}}) == {
        "decision": "edit",
        "editedResponse": "r",
    }
    assert decision_for({"fail": "broken"}) == {"decision": "fail", "reason": "broken"}
