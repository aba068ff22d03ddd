"""``run``'s process hygiene: invocation timeouts, and no worker (or its children) outlives ``run``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cdk_durable.local_run import FunctionSpec, run_handler
from cdk_durable.local_run.runner import invocation_timeout_of
from tests.processes import wait_gone

HYGIENE = Path(__file__).parent / "handlers" / "hygiene.py"
CDK_DURABLE = str(Path(sys.executable).parent / "cdk-durable")
BOUND = 60.0


@pytest.mark.slow  # waits out a real Lambda timeout, then its retries
def test_an_endless_handler_is_killed_at_its_timeout_and_fails_as_lambda_sandbox_timedout() -> None:
    spec = FunctionSpec(name="spin", handler=f"{HYGIENE}:spin", timeout_seconds=1)
    report = run_handler(spec, {}, wall_timeout=BOUND)
    assert report.status == "FAILED"
    assert report.crashes and {c.error_type for c in report.crashes} == {"Sandbox.Timedout"}
    assert "Task timed out after 1.00 seconds" in report.crashes[0].message
    errors = [
        e["InvocationCompletedDetails"]["Error"]["Payload"]["ErrorType"]
        for e in report.events
        if e["EventType"] == "InvocationCompleted" and "Error" in e.get("InvocationCompletedDetails", {})
    ]
    assert "Sandbox.Timedout" in errors


def test_the_timeout_comes_from_the_option_then_the_template_then_lambdas_default() -> None:
    spec = FunctionSpec(name="f", handler="x:y")
    assert invocation_timeout_of(spec) == 3
    assert invocation_timeout_of(FunctionSpec(name="f", handler="x:y", timeout_seconds=30)) == 30
    assert invocation_timeout_of(FunctionSpec(name="f", handler="x:y", timeout_seconds=30), 5) == 5
    assert invocation_timeout_of(spec, 5000) == 900


@pytest.mark.slow  # waits out a real Lambda timeout, then its retries
def test_run_timeout_option_as_the_readme_prints_it(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            CDK_DURABLE,
            "run",
            f"{HYGIENE}:spin",
            "{}",
            "--timeout",
            "1",
            "--history",
            str(tmp_path / "h.json"),
        ],
        capture_output=True,
        text=True,
        timeout=BOUND * 2,
    )
    assert result.returncode == 3, result.stderr
    assert "Status: FAILED" in result.stdout
    assert "Sandbox.Timedout" in (tmp_path / "h.json").read_text()


def test_a_bad_timeout_is_one_usage_line() -> None:
    result = subprocess.run(
        [CDK_DURABLE, "run", f"{HYGIENE}:spin", "{}", "--timeout", "901"],
        capture_output=True,
        text=True,
        timeout=BOUND,
    )
    assert result.returncode == 2 and "--timeout" in result.stderr and "Traceback" not in result.stderr


def _sigint_default() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL])
def test_workers_and_their_children_never_outlive_run(tmp_path: Path, sig: int) -> None:
    pids = tmp_path / "pids"
    process = subprocess.Popen(
        [CDK_DURABLE, "run", f"{HYGIENE}:spawn", json.dumps({"pids": str(pids)}), "--timeout", "600"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # As from a terminal: SIGINT at its default. A test run started in the background by a
        # non-interactive shell inherits SIGINT ignored, and Python then keeps ignoring it.
        preexec_fn=_sigint_default,
    )
    try:
        deadline = time.monotonic() + BOUND
        while not (pids.exists() and pids.read_text().endswith("\n")) and time.monotonic() < deadline:
            time.sleep(0.05)
        worker, child = (int(p) for p in pids.read_text().split())
        process.send_signal(sig)
        returncode = process.wait(timeout=BOUND)
        assert returncode != 0
        assert wait_gone([worker, child], BOUND)
        if sig != signal.SIGKILL:
            assert b"Traceback" not in (process.stderr.read() if process.stderr else b"")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow  # a 6 MB step result: one invocation hangs to its timeout (below), the replay fails
def test_a_step_result_over_the_checkpoint_limit_fails_the_execution_as_lambdas_api_refuses_it() -> None:
    from cdk_durable.platform import OPERATION_PAYLOAD_MAX_BYTES

    spec = FunctionSpec(name="big", handler=f"{HYGIENE}:big", timeout_seconds=5)
    report = run_handler(spec, {"size": OPERATION_PAYLOAD_MAX_BYTES + 1}, wall_timeout=BOUND * 2)
    assert report.status == "FAILED"
    assert report.error is not None and "less than or equal to 6291456" in report.error["message"]


@pytest.mark.slow  # waits out a real Lambda timeout
def test_a_step_result_over_the_sdks_batch_size_costs_one_invocation_timeout_then_succeeds() -> None:
    """aws-durable-execution-sdk-python 3.0.0 batches checkpoints up to 750 KB. A step result larger
    than that, queued behind its own START, goes to the batcher's overflow queue, which only drains
    into a batch it fits: it is never sent, and the invocation waits until Lambda times it out. The
    re-invocation replays the step, its result is then the first of a batch and is sent. The same
    SDK code runs in Lambda, so ``run`` shows what AWS does; when the SDK fixes it, this test says so."""
    spec = FunctionSpec(name="big", handler=f"{HYGIENE}:big", timeout_seconds=2)
    report = run_handler(spec, {"size": 1024 * 1024}, wall_timeout=BOUND * 2)
    assert report.status == "SUCCEEDED" and report.result == {"size": 1024 * 1024}
    assert [c.error_type for c in report.crashes] == ["Sandbox.Timedout"]


def test_a_step_result_under_the_limit_is_checkpointed() -> None:
    spec = FunctionSpec(name="big", handler=f"{HYGIENE}:big", timeout_seconds=60)
    report = run_handler(spec, {"size": 300 * 1024}, wall_timeout=BOUND * 2)
    assert report.status == "SUCCEEDED" and report.result == {"size": 300 * 1024}


def test_a_child_context_result_over_the_sdks_threshold_is_rebuilt_by_replay_not_checkpointed() -> None:
    from cdk_durable.platform import CHECKPOINT_PAYLOAD_THRESHOLD_BYTES

    size = CHECKPOINT_PAYLOAD_THRESHOLD_BYTES + 1024
    spec = FunctionSpec(name="child", handler=f"{HYGIENE}:big_child", timeout_seconds=60)
    report = run_handler(spec, {"size": size}, wall_timeout=BOUND * 2)
    assert report.status == "SUCCEEDED" and report.result == {"size": size}
    by_type = {e["EventType"]: e for e in report.events}
    # the step inside checkpoints its whole result; the context only the SDK's small ReplayChildren summary
    assert len(by_type["StepSucceeded"]["StepSucceededDetails"]["Result"]["Payload"]) == size + 2
    assert len(by_type["ContextSucceeded"]["ContextSucceededDetails"]["Result"].get("Payload") or "") < 1024


def test_a_signal_while_a_worker_loads_its_handler_stops_it_too(tmp_path: Path) -> None:
    pids = tmp_path / "pids"
    process = subprocess.Popen(
        [CDK_DURABLE, "run", f"{HYGIENE.parent / 'slow_import.py'}:handler", "{}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "SLOW_IMPORT_PIDS": str(pids)},
    )
    try:
        deadline = time.monotonic() + BOUND
        while not (pids.exists() and pids.read_text().endswith("\n")) and time.monotonic() < deadline:
            time.sleep(0.05)
        worker = int(pids.read_text())
        process.send_signal(signal.SIGTERM)  # the worker is still importing the handler
        assert process.wait(timeout=BOUND) == 128 + signal.SIGTERM
        assert wait_gone([worker], BOUND)
        stderr = process.stderr.read().decode() if process.stderr else ""
        assert stderr.strip() == "Error: stopped by SIGTERM"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
