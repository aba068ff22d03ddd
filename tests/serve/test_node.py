"""Node.js handlers on ``cdk-durable serve``: plain JS and TypeScript (esbuild), with the project's own
``@aws/durable-execution-sdk-js`` (installed once into a cache directory with ``npm ci``)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from . import _node
from ._node import NODE_22
from .conftest import BOUND, Served, free_port, wait_until


@pytest.fixture(scope="module")
def node_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture project with its node_modules, installed once per package-lock.json."""
    return _node.node_project(tmp_path_factory.mktemp("node"))


@pytest.mark.slow  # the first run installs the fixture's npm packages
@pytest.mark.parametrize(
    "args",
    [
        ["--function", "approval=approval.mjs:handler", "--function", "tax=tax.ts:handler"],
        ["--template", "template.yaml"],  # SAM nodejs22.x functions (esbuild EntryPoints for the TS one)
    ],
    ids=["function-options", "template"],
)
def test_js_and_typescript_handlers_checkpoint_over_http(
    node_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    port = free_port()
    served = Served(port, tmp_path / "serve.log", ["--skip-time", *args], cwd=node_project)
    monkeypatch.setenv("PATH", f"{NODE_22}{os.pathsep}{os.environ['PATH']}")
    try:
        served.start()
        client = served.client()
        taxed = client.invoke(FunctionName="tax:$LATEST", Payload=json.dumps({"amount": 50}))
        assert json.loads(taxed["Payload"].read()) == {"amount": 50, "tax": 10}
        events = client.get_durable_execution_history(DurableExecutionArn=taxed["DurableExecutionArn"])[
            "Events"
        ]
        assert {"StepSucceeded", "WaitSucceeded"} <= {e["EventType"] for e in events}

        arn = client.invoke(
            FunctionName="approval:live", InvocationType="Event", Payload=json.dumps({"items": [1, 2]})
        )["DurableExecutionArn"]

        def callback_id() -> str | None:
            found = client.get_durable_execution_history(DurableExecutionArn=arn)["Events"]
            return next(
                (
                    e["CallbackStartedDetails"]["CallbackId"]
                    for e in found
                    if e["EventType"] == "CallbackStarted"
                ),
                None,
            )

        client.send_durable_execution_callback_success(
            CallbackId=wait_until(callback_id, "the JS handler's callback"), Result=json.dumps("yes")
        )
        final: dict[str, Any] = wait_until(
            lambda: (lambda d: d if d["Status"] != "RUNNING" else None)(
                client.get_durable_execution(DurableExecutionArn=arn)
            ),
            "the JS execution",
            bound=BOUND,
        )
        assert final["Status"] == "SUCCEEDED"
        assert json.loads(final["Result"]) == {"total": 3, "verdict": '"yes"'}
        log = served.log.read_text()
        assert "[approval] total 3" in log and "Traceback" not in log
    finally:
        if served.process is not None:
            served.kill()


def test_a_node_older_than_lambdas_is_one_clear_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cdk_durable.local_run.inputs import LocalRunError
    from cdk_durable.local_run.node import find_node

    old = tmp_path / "node"
    old.write_text("#!/bin/sh\necho v18.0.0\n")
    old.chmod(0o755)
    os.environ["CDK_DURABLE_NODE"] = str(old)
    try:
        with pytest.raises(
            LocalRunError, match=r"Node.js v18.0.0: durable functions run on Node.js 22 or later"
        ):
            find_node()
    finally:
        del os.environ["CDK_DURABLE_NODE"]
