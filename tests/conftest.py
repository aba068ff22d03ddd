"""Shared test setup.

jsii (under aws-cdk-lib) prints an end-of-life banner under Node 20; the repository installs Node 22
from npm (``node_modules/.bin/node``) and points jsii at it before aws_cdk is first imported.

The cyclic garbage collector of a test process runs less often than Python's default (700
allocations between young collections): a test process holds a large, long-lived heap (aws-cdk-lib's
classes and jsii's object references, cfn-lint's rules and schemas, the SDKs), and each full
collection walks all of it. Measured over `make check` (a ``gc.callbacks`` probe in each xdist
worker): about 9 s of CPU in the collector with the default, 3 s with this. It is the test
processes' setting only; what the tests start (`cdk-durable`, handler workers) runs with Python's
default. Garbage is still collected, and pytest collects once more at the end of the session.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_node22 = ROOT / "node_modules" / ".bin" / "node"
if _node22.exists():
    os.environ.setdefault("JSII_NODE", str(_node22))
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
os.environ.setdefault("SAM_CLI_TELEMETRY", "0")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")

gc.set_threshold(10_000, 10, 10)
