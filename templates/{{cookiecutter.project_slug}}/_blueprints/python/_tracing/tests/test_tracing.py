"""The tracing wiring ({{ cookiecutter.tracing }}): the OTel view the deployment names is installed with
the handler, and the handler loads with it the way Lambda loads it, at cold start."""

import os
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEW = "otel-invocation"


def test_the_deployment_names_one_otel_view() -> None:
{%- if cookiecutter.iac == "cdk" %}
    assert 'view="invocation"' in (ROOT / "app.py").read_text()
{%- elif cookiecutter.iac == "sam" or cookiecutter.iac == "cloudformation" %}
    assert f"DURABLE_EXECUTION_PLUGINS: {VIEW}\n" in (ROOT / "template.yaml").read_text()
{%- else %}{{ unsupported("iac", cookiecutter.iac, "tests/test_tracing.py") }}
{%- endif %}


def test_the_otel_view_is_installed() -> None:
    assert VIEW in {ep.name for ep in entry_points(group="aws_durable_execution.plugins")}


def test_the_handler_loads_with_the_plugin_as_at_cold_start() -> None:
    # The SDK reads DURABLE_EXECUTION_PLUGINS when @durable_execution runs: import with it set.
    env = {**os.environ, "DURABLE_EXECUTION_PLUGINS": VIEW}
    proc = subprocess.run(
        [sys.executable, "-c", "import app"],
        cwd=ROOT / "src",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
