"""``cdk-durable run`` with Node.js handlers (plain JS, and TypeScript bundled by esbuild), as the docs
print it: the CLI in a subprocess, in a project with ``@aws/durable-execution-sdk-js`` installed, the
repository's Node 22 first on PATH. The SDK checkpoints over HTTP, as on ``cdk-durable serve``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cdk_durable.local_run.cli import _function_name_for
from tests.processes import wait_gone
from tests.serve import _node

CDK_DURABLE = str(Path(sys.executable).parent / "cdk-durable")
BOUND = 90.0


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _node.node_project(tmp_path_factory.mktemp("node-run"))


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PATH": f"{_node.NODE_22}{os.pathsep}{os.environ['PATH']}", **extra}


def cli(cwd: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CDK_DURABLE, "run", *args],
        cwd=cwd,
        env=_env(),
        input=stdin,
        stdin=None if stdin is not None else subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=BOUND,
    )


def result_of(stdout: str) -> Any:
    text = stdout.split("Result: ", 1)[1].split("\nHistory:", 1)[0]
    return json.loads(text)


def history_types(path: Path) -> list[str]:
    return [e["EventType"] for e in json.loads(path.read_text())["Events"]]


@pytest.mark.slow  # the first run installs the fixture's npm packages
def test_a_js_handler_with_a_callback_answered_by_option(project: Path, tmp_path: Path) -> None:
    history = tmp_path / "h.json"
    done = cli(
        project,
        "approval.mjs:handler",
        '{"items": [1, 2]}',
        "--callback",
        'review="yes"',
        "--history",
        str(history),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "▶ approval (approval.mjs:handler)" in done.stdout
    assert "answer   review <- succeed" in done.stdout  # the waitForCallback context's name
    assert "log      info: total 3" in done.stdout  # console.log, as Lambda's log lines
    assert "Status: SUCCEEDED" in done.stdout
    assert result_of(done.stdout) == {"total": 3, "verdict": '"yes"'}
    assert {"StepSucceeded", "CallbackSucceeded", "ContextSucceeded", "ExecutionSucceeded"} <= set(
        history_types(history)
    )
    assert done.stderr == ""


@pytest.mark.slow
def test_the_readme_node_command_as_printed(project: Path) -> None:
    from tests.cli.test_readme_commands import _readme_command

    argv = _readme_command("cdk-durable run approval.mjs")
    done = cli(project, *argv[2:])  # cdk-durable run ...
    assert done.returncode == 0, done.stdout + done.stderr
    assert result_of(done.stdout) == {"total": 3, "verdict": '"yes"'}


@pytest.mark.slow
def test_a_typescript_handler_is_bundled_and_its_wait_skipped(project: Path) -> None:
    done = cli(project, "tax.ts:handler", '{"amount": 50}')
    assert done.returncode == 0, done.stdout + done.stderr
    assert result_of(done.stdout) == {"amount": 50, "tax": 10}
    assert "WAIT     (wait)                                 SUCCEEDED      5.0s" in done.stdout


@pytest.mark.slow
def test_a_sam_template_node_function_with_an_answers_file(project: Path, tmp_path: Path) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"review": {"succeed": {"ok": True}}}))
    done = cli(
        project,
        "--template",
        "template.yaml",
        "ApprovalFunction",
        '{"items": [4]}',
        "--answers",
        str(answers),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "invoke targets: tax (alias live)" in done.stdout  # the TypeScript function of the template
    assert result_of(done.stdout) == {"total": 4, "verdict": '{"ok": true}'}


@pytest.mark.slow
def test_the_prompt_answers_a_js_callback(project: Path) -> None:
    done = cli(project, "approval.mjs:handler", '{"items": [2]}', "--interactive", stdin='json\n"by hand"\n')
    assert done.returncode == 0, done.stdout + done.stderr
    assert "callback 'review' is waiting" in done.stdout
    assert result_of(done.stdout) == {"total": 2, "verdict": '"by hand"'}


@pytest.mark.slow
def test_a_chained_invoke_of_a_node_target(project: Path) -> None:
    done = cli(
        project,
        "invoker.mjs:handler",
        '{"amount": 100, "target": "tax:live"}',
        "--function",
        "tax=tax.ts:handler",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert result_of(done.stdout) == {"total": 120}


@pytest.mark.slow
def test_a_python_handler_invokes_a_typescript_target(project: Path) -> None:
    flows = Path(__file__).resolve().parents[1] / "serve" / "handlers" / "flows.py"
    done = cli(project, f"{flows}:chain", '{"amount": 50}', "--function", "tax=tax.ts:handler")
    assert done.returncode == 0, done.stdout + done.stderr
    assert result_of(done.stdout) == {"taxed": {"amount": 50, "tax": 10}}


@pytest.mark.slow
def test_timeout_kills_a_busy_node_handler_as_lambda_sandbox_timedout(project: Path, tmp_path: Path) -> None:
    history = tmp_path / "h.json"
    done = cli(project, "spin.mjs:handler", "{}", "--timeout", "1", "--history", str(history))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Status: FAILED" in done.stdout
    assert "Sandbox.Timedout" in history.read_text()
    assert "Task timed out after 1.00 seconds" in done.stdout


@pytest.mark.slow
def test_cloudformation_template_with_a_nodejs24_runtime(project: Path, tmp_path: Path) -> None:
    template = tmp_path / "cfn.json"
    template.write_text(
        json.dumps(
            {
                "AWSTemplateFormatVersion": "2010-09-09",
                "Resources": {
                    "Approval": {
                        "Type": "AWS::Lambda::Function",
                        "Properties": {
                            "FunctionName": "approval",
                            "Runtime": "nodejs24.x",
                            "Handler": "approval.handler",
                            "Code": str(project),
                            "Role": "arn:aws:iam::123456789012:role/r",
                            "Timeout": 30,
                            "DurableConfig": {"ExecutionTimeout": 600},
                        },
                    }
                },
            }
        )
    )
    done = cli(project, "--template", str(template), "Approval", '{"items": [5]}', "--callback", '*="ok"')
    assert done.returncode == 0, done.stdout + done.stderr
    assert result_of(done.stdout) == {"total": 5, "verdict": '"ok"'}


@pytest.mark.slow
def test_cdk_assembly_node_function_runs_from_its_asset(project: Path) -> None:
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_

    code = project / "cdk-src"
    code.mkdir(exist_ok=True)
    (code / "approval.mjs").write_text((project / "approval.mjs").read_text())
    outdir = project / "cdk.out"  # inside the project: the asset resolves the project's node_modules
    app = cdk.App(outdir=str(outdir), context={"aws:cdk:enable-asset-metadata": True})  # as the CDK CLI
    stack = cdk.Stack(app, "NodeRun")
    lambda_.Function(
        stack,
        "Approval",
        runtime=lambda_.Runtime.NODEJS_22_X,
        handler="approval.handler",
        code=lambda_.Code.from_asset(str(code)),
        timeout=cdk.Duration.seconds(30),
        durable_config=lambda_.DurableConfig(execution_timeout=cdk.Duration.hours(1)),
    )
    app.synth()
    template = outdir / "NodeRun.template.json"
    resources = json.loads(template.read_text())["Resources"]
    logical_id = next(k for k, v in resources.items() if v["Type"] == "AWS::Lambda::Function")
    done = cli(project, "--template", str(template), logical_id, '{"items": [6]}', "--callback", '*="ok"')
    assert done.returncode == 0, done.stdout + done.stderr
    assert result_of(done.stdout) == {"total": 6, "verdict": '"ok"'}


@pytest.mark.slow
def test_a_js_step_result_over_lambdas_checkpoint_limit_fails_the_execution(project: Path) -> None:
    from cdk_durable.platform import CHECKPOINT_PAYLOAD_THRESHOLD_BYTES, OPERATION_PAYLOAD_MAX_BYTES

    over = cli(project, "big.mjs:handler", json.dumps({"size": OPERATION_PAYLOAD_MAX_BYTES + 1}))
    assert over.returncode == 3, over.stdout + over.stderr
    assert "Status: FAILED" in over.stdout
    assert "Checkpoint failed: 1 validation error detected: Value at 'updates." in over.stdout
    assert f"less than or equal to {OPERATION_PAYLOAD_MAX_BYTES}" in over.stdout
    size = CHECKPOINT_PAYLOAD_THRESHOLD_BYTES + 1024  # past the SDK's 256 KB threshold, under the limit
    under = cli(project, "big.mjs:handler", json.dumps({"size": size}))
    assert under.returncode == 0, under.stdout + under.stderr
    assert result_of(under.stdout) == {"size": size}


# --- a bad Node.js handler: one line, exit 1 ---------------------------------------------------------


def _one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    return lines[0]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "source", "expected"),
    [
        ("missing.mjs", None, "handler file not found: {dir}/missing.mjs"),
        (
            "syntax.mjs",
            "export const handler = async () => { return 1 +; };\n",
            "SyntaxError: Unexpected token ';' ({dir}/syntax.mjs, line 1)",
        ),
        (
            "typed.ts",
            "export const handler: number = 1 +;\n",
            'esbuild could not bundle {dir}/typed.ts: Unexpected ";" (bad/typed.ts:1:34)',
        ),
        (
            "noexport.mjs",
            "export const other = 1;\n",
            'cannot load {dir}/noexport.mjs:handler: {dir}/noexport.mjs has no exported function "handler"',
        ),
    ],
    ids=["missing-file", "syntax-error", "typescript-error", "no-such-export"],
)
def test_a_bad_node_handler_is_one_clear_line(
    project: Path, name: str, source: str | None, expected: str
) -> None:
    work = project / "bad"
    work.mkdir(exist_ok=True)
    if source is not None:
        (work / name).write_text(source)
    line = _one_error_line(cli(project, f"bad/{name}:handler", "{}"))
    assert expected.format(dir=work) in line


def test_a_node_handler_without_the_sdk_installed_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "app.mjs").write_text(
        'import { withDurableExecution } from "@aws/durable-execution-sdk-js";\n'
        "export const handler = withDurableExecution(async () => 1);\n"
    )
    line = _one_error_line(cli(tmp_path, "app.mjs:handler", "{}"))
    assert (
        f"cannot load {tmp_path}/app.mjs:handler: Cannot find package '@aws/durable-execution-sdk-js'" in line
    )


def test_a_node_older_than_22_is_one_clear_line(tmp_path: Path) -> None:
    old = tmp_path / "node"
    old.write_text("#!/bin/sh\necho v20.11.0\n")
    old.chmod(0o755)
    (tmp_path / "app.mjs").write_text("export const handler = async () => 1;\n")
    done = subprocess.run(
        [CDK_DURABLE, "run", "app.mjs:handler", "{}"],
        cwd=tmp_path,
        env=_env(CDK_DURABLE_NODE=str(old)),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=BOUND,
    )
    line = _one_error_line(done)
    assert f"{old} is Node.js v20.11.0: durable functions run on Node.js 22 or later" in line


def test_the_function_name_of_a_node_handler_is_its_file_stem() -> None:
    assert _function_name_for("src/approval.mjs:handler") == "approval"
    assert _function_name_for("tax.ts:handler") == "tax"
    assert _function_name_for("app.cjs") == "app"
    assert _function_name_for("orders.py:handler") == "orders"  # unchanged for Python
    assert _function_name_for("pkg.orders:handler") == "orders"


# --- process hygiene ------------------------------------------------------------------------------------


def _node_workers_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().split(") ", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == pid and b"node_worker.mjs" in cmdline:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_node_worker_never_outlives_run(project: Path, sig: int) -> None:
    process = subprocess.Popen(
        [CDK_DURABLE, "run", "spin.mjs:handler", "{}", "--timeout", "600"],
        cwd=project,
        env=_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + BOUND
        workers: list[int] = []
        while not workers and time.monotonic() < deadline:
            workers = _node_workers_of(process.pid)
            time.sleep(0.05)
        assert workers, "no Node.js worker started"
        time.sleep(1)  # the worker is busy in the handler's loop
        process.send_signal(sig)
        returncode = process.wait(timeout=BOUND)
        assert returncode == (-signal.SIGKILL if sig == signal.SIGKILL else 128 + sig)
        assert wait_gone(workers, BOUND)
        if sig != signal.SIGKILL:
            stderr = process.stderr.read().decode() if process.stderr else ""
            assert stderr.strip() == "Error: stopped by SIGTERM"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
