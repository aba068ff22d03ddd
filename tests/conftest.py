"""Shared test setup.

jsii (under aws-cdk-lib) prints an end-of-life banner under Node 20; the repository installs Node 22
from npm (``node_modules/.bin/node``) and points jsii at it before aws_cdk is first imported.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_node22 = ROOT / "node_modules" / ".bin" / "node"
if _node22.exists():
    os.environ.setdefault("JSII_NODE", str(_node22))
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
os.environ.setdefault("SAM_CLI_TELEMETRY", "0")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
