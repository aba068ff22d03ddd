"""The generated TypeScript projects' ESLint replay rules (eslint/replay-rules.mjs, a local plugin).

AWS's ``@aws/durable-execution-sdk-js-eslint-plugin`` is not on the npm registry (``npm view`` answers
404 for it and for ``@aws/durable-execution-eslint-plugin``, ``eslint-plugin-durable-execution``,
``@aws/eslint-plugin-durable-execution``), so the template carries a small scope-aware plugin. The
fixture (``data/replay_fixture.ts``) holds helpers called only inside steps, directly, through another
helper and passed as the step callback (none reported) and the cases that are (a helper called
outside a step, one called inside and outside, an exported one, a top-level value, a durable
operation inside a step). ESLint runs exactly as ``npm run lint`` does, with the project's config.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import TYPESCRIPT_RUNTIMES, NodeModules, bake, npm_env, run

FIXTURE = Path(__file__).parent / "data" / "replay_fixture.ts"
OUTSIDE = "durable/no-non-deterministic-outside-step"
NESTED = "durable/no-nested-durable-operations"


def line_of(text: str, needle: str) -> int:
    (line,) = [n for n, content in enumerate(text.splitlines(), 1) if needle in content]
    return line


@pytest.mark.slow
def test_replay_rules_report_what_runs_outside_steps_and_not_helpers_called_inside(
    tmp_path: Path, node_modules: NodeModules
) -> None:
    project = node_modules.link(bake(tmp_path, iac="sam", runtime=TYPESCRIPT_RUNTIMES[0], blueprint="hello"))
    shutil.copy(FIXTURE, project / "src" / "replay-fixture.ts")
    source = FIXTURE.read_text()

    result = eslint_messages(project, "src/replay-fixture.ts")
    durable = sorted((m["line"], m["ruleId"]) for m in result if m["ruleId"] in (OUTSIDE, NESTED))

    assert durable == [
        (line_of(source, "return performance.now();"), OUTSIDE),
        (line_of(source, "return new Date().toISOString();"), OUTSIDE),
        (line_of(source, "  return Date.now();"), OUTSIDE),
        (line_of(source, "const TOP_LEVEL = Math.random();"), OUTSIDE),
        (line_of(source, "await context.wait({ seconds: 1 });"), NESTED),
    ]


def eslint_messages(project: Path, path: str) -> list[dict]:
    """ESLint's messages for ``path`` (exit code 1 on findings is expected here)."""
    proc = subprocess.run(
        ["npx", "eslint", "--format", "json", path],
        cwd=project,
        env=npm_env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    (report,) = json.loads(proc.stdout)
    messages: list[dict] = report["messages"]
    return messages


@pytest.mark.slow
def test_generated_handlers_pass_the_replay_rules(tmp_path: Path, node_modules: NodeModules) -> None:
    project = node_modules.link(bake(tmp_path, iac="sam", runtime=TYPESCRIPT_RUNTIMES[0], blueprint="saga"))

    run(["npm", "run", "--silent", "lint"], cwd=project, env=npm_env())


@pytest.mark.slow
def test_the_aws_cdk_lib_package_root_is_refused_with_the_module_to_use(
    tmp_path: Path, node_modules: NodeModules
) -> None:
    # one ESLint config for every IaC kind (test_matrix_typescript): a handler-only project has it too
    project = node_modules.link(bake(tmp_path, iac="sam", runtime=TYPESCRIPT_RUNTIMES[0], blueprint="hello"))
    (project / "src" / "stack.ts").write_text(
        'import * as cdk from "aws-cdk-lib";\nimport { Duration } from "aws-cdk-lib/core";\n'
        "export const seconds = [cdk, Duration];\n"
    )

    result = eslint_messages(project, "src/stack.ts")
    restricted = [m for m in result if m["ruleId"] == "no-restricted-imports"]

    assert [m["line"] for m in restricted] == [1]
    assert "aws-cdk-lib/core" in restricted[0]["message"]
