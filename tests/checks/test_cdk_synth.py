"""``cdk synth`` (the CDK CLI) fails on an error finding and passes with warnings only (Aspect mode)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CDK = ROOT / "node_modules" / ".bin" / "cdk"

APP = """
import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from cdk_durable.checks import DurableChecks

app = cdk.App()
stack = cdk.Stack(app, "Orders")
fn = lambda_.Function(
    stack,
    "Fn",
    runtime=lambda_.Runtime.PYTHON_3_13,
    handler="index.handler",
    code=lambda_.Code.from_inline("def handler(event, context):\\n    return event\\n"),
    durable_config=lambda_.DurableConfig(execution_timeout=cdk.Duration.minutes(10)),
    current_version_options=lambda_.VersionOptions(removal_policy=cdk.RemovalPolicy.RETAIN),
    {function_name}
)
lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)
cdk.Aspects.of(app).add(DurableChecks())
app.synth()
"""


def _cdk_synth(tmp_path: Path, function_name: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP).replace("{function_name}", function_name))
    node_bin = str(ROOT / "node_modules" / ".bin")
    env = {
        **os.environ,
        "PATH": node_bin + os.pathsep + os.environ.get("PATH", ""),
        "JSII_NODE": str(ROOT / "node_modules" / ".bin" / "node"),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    return subprocess.run(
        [
            str(CDK),
            "synth",
            "--app",
            f"{sys.executable} app.py",
            "--output",
            str(tmp_path / "cdk.out"),
            "--quiet",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_cdk_synth_fails_on_an_error_finding(tmp_path: Path) -> None:
    result = _cdk_synth(tmp_path, 'function_name="orders-workflow",')

    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "ERROR DUR-E7: The durable function has a pinned FunctionName." in output
    assert "Orders/Fn/Resource" in output
    assert "Synthesis finished with errors" in output


@pytest.mark.slow
def test_cdk_synth_passes_with_warnings_only(tmp_path: Path) -> None:
    result = _cdk_synth(tmp_path, "")

    assert result.returncode == 0, result.stderr
    assert "WARNING DUR-W2: No status-change rule or alarm watches" in result.stdout + result.stderr
