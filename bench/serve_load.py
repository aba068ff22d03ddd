#!/usr/bin/env python3
"""``cdk-durable serve`` under load: N concurrent executions, each callback answered through boto3.

    .venv/bin/python bench/serve_load.py [--count 200]

Starts the service on a free loopback port (real time), starts N executions of the load workflow
(a step, a callback, a step: ``tests/serve/handlers/flows.py:load``) with execution names, answers
every callback as it appears, and prints: throughput (executions completed per second, first start to
last completion), p50/p95 from a callback's answer being sent to its execution ending, the service's
memory (RSS of the service and of its worker processes, at the peak with every execution waiting on
its callback) — beside the testing SDK's in-process runner (``DurableFunctionTestRunner``) doing
the same workflow the same way. Every result is checked.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serve._load import drive  # noqa: E402

FLOWS = ROOT / "tests" / "serve" / "handlers" / "flows.py"


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    found = [pid]
    children: list[str] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):  # every thread's children (workers start from one)
        try:
            children.extend((task / "children").read_text().split())
        except OSError:
            continue
    for child in children:
        found.extend(_tree(int(child)))
    return found


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_serve(count: int) -> dict[str, Any]:
    import boto3
    from botocore.config import Config

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = Path(tempfile.mkdtemp()) / "serve.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "cdk-durable"),
                "serve",
                "--port",
                str(port),
                "--function",
                f"load={FLOWS}:load",
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=str(ROOT),
        )
    try:
        for _ in range(600):
            if "cdk-durable serve: http" in log.read_text():
                break
            time.sleep(0.05)
        client = boto3.client(
            "lambda",
            endpoint_url=f"http://127.0.0.1:{port}",
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
            config=Config(retries={"max_attempts": 0}, max_pool_connections=32),
        )
        peak = {"service": 0, "total": 0}
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                pids = _tree(process.pid)
                total = sum(_rss_kib(p) for p in pids)
                if total > peak["total"]:
                    peak.update(service=_rss_kib(process.pid), total=total, processes=len(pids))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        outcome = drive(client, count, bound=900, clock=time.time, threads=16)
        stop.set()
        sampler.join()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    expected = {n: {"n": n, "doubled": 2 * n, "answer": f'"ok-{n}"'} for n in range(count)}
    assert outcome.results == expected, "wrong results"
    return {"seconds": outcome.seconds, "resume": outcome.resume_seconds, "peak": peak}


def bench_in_process(count: int) -> dict[str, Any]:
    from aws_durable_execution_sdk_python_testing.runner import DurableFunctionTestRunner

    from cdk_durable.local_run import load_handler

    handler = load_handler(f"{FLOWS}:load")
    resume: list[float] = []
    started = time.monotonic()
    with DurableFunctionTestRunner(handler=handler, skip_time=False, poll_interval=0.005) as runner:
        arns = [runner.run_async(input=json.dumps({"n": n}), execution_timeout=3600) for n in range(count)]
        results = {}
        for n, arn in enumerate(arns):
            callback_id = runner.wait_for_callback(arn)
            sent = time.monotonic()
            runner.send_callback_success(callback_id, result=json.dumps(f"ok-{n}").encode())
            result = runner.wait_for_result(arn, timeout=300)
            resume.append(time.monotonic() - sent)
            results[n] = json.loads(result.result)
    seconds = time.monotonic() - started
    assert results == {n: {"n": n, "doubled": 2 * n, "answer": f'"ok-{n}"'} for n in range(count)}
    return {"seconds": seconds, "resume": resume}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    args = parser.parse_args()
    served = bench_serve(args.count)
    p50 = statistics.median(served["resume"]) * 1000
    print(f"serve: {args.count / served['seconds']:.1f}/s, p50 {p50:.0f} ms", flush=True)
    local = bench_in_process(args.count)
    print(f"{args.count} executions (step, callback answered through the API, step); all results checked")
    print(f"{'':<34} {'throughput/s':>12} {'p50 ms':>9} {'p95 ms':>9} {'total s':>8}")
    for name, figures in (
        ("cdk-durable serve (boto3, HTTP)", served),
        ("testing SDK in-process runner", local),
    ):
        resume = figures["resume"]
        print(
            f"{name:<34} {args.count / figures['seconds']:>12.1f} {statistics.median(resume) * 1000:>9.0f} "
            f"{_percentile(resume, 0.95) * 1000:>9.0f} {figures['seconds']:>8.1f}"
        )
    peak = served["peak"]
    print(
        f"serve memory at peak: service {peak['service'] / 1024:.0f} MiB, with its "
        f"{peak.get('processes', 1) - 1} worker processes {peak['total'] / 1024:.0f} MiB (RSS)"
    )
    print(
        "(callback sent -> resumed: serve, from the answer to the execution's EndTimestamp; in-process, "
        "from the answer to wait_for_result returning)"
    )
    os.environ.pop("AWS_ENDPOINT_URL_LAMBDA", None)


if __name__ == "__main__":
    main()
