"""The user's path, with the real tools: a CDK app with both starters, ``cdk synth`` (the CDK CLI, with
DurableChecks as an Aspect) and ``cfn-lint -a cdk_durable.cfn_lint`` (the CLI) on what it wrote."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CDK = ROOT / "node_modules" / ".bin" / "cdk"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"

APP = """
import aws_cdk as cdk
from aws_cdk import aws_eventsv2 as eventsv2
from aws_cdk import aws_lambda as lambda_

from cdk_durable import ApiStarter, DurableChecks, DurableFunction, ExecutionName

app = cdk.App()
stack = cdk.Stack(app, "Shop", env=cdk.Environment(account="123456789012", region="us-east-1"))
orders = DurableFunction(
    stack,
    "Orders",
    code=lambda_.Code.from_inline("def handler(event, context):\\n    return event\\n"),
    handler="index.handler",
    execution_timeout=cdk.Duration.days(7),
)
orders.add_recommended_alarms()
ApiStarter(stack, "StartOrder", target=orders, execution_name=ExecutionName.from_body_field("orderId"),
           path="orders")
orders.add_event_starter(
    "OnOrderPlaced",
    bus=eventsv2.CfnEventBus(stack, "Bus", name="orders"),
    event_pattern={"detail-type": ["OrderPlaced"]},
    execution_name=ExecutionName.from_template("order-{detail.orderId}"),
)
cdk.Aspects.of(app).add(DurableChecks())
app.synth()
"""


@pytest.mark.slow
def test_cdk_synth_and_cfn_lint_with_the_durable_rules_pass_on_an_app_with_both_starters(
    tmp_path: Path,
) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    env = {
        **os.environ,
        "PATH": str(CDK.parent) + os.pathsep + os.environ.get("PATH", ""),
        "JSII_NODE": str(CDK.parent / "node"),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    synth = subprocess.run(
        [
            str(CDK),
            "synth",
            "--app",
            f"{sys.executable} app.py",
            "--output",
            "cdk.out",
            "--quiet",
            "--strict",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert synth.returncode == 0, synth.stdout + synth.stderr
    assert "DUR-" not in synth.stdout + synth.stderr  # no durable finding, not even a warning

    lint = subprocess.run(
        [str(CFN_LINT), "cdk.out/Shop.template.json", "-a", "cdk_durable.cfn_lint"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert '"AWS::EventsV2::Subscriber"' in (tmp_path / "cdk.out" / "Shop.template.json").read_text()
