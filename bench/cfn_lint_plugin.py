"""Findings and cost of the durable rules in cfn-lint, printed (never asserted).

    .venv/bin/python bench/cfn_lint_plugin.py

Bakes a SAM and a CloudFormation project (approval blueprint), then runs cfn-lint on each generated
template and on tests/cfn_lint/bad_template.yaml, without and with ``-a cdk_durable.cfn_lint``
(best of three, through cfn-lint's Python API), and prints the durable findings of each.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from cfnlint.api import ManualArgs, lint  # noqa: E402

from cdk_durable.checks import RULES_BY_CFN_LINT_ID  # noqa: E402
from tests.templates.conftest import bake  # noqa: E402


def best_of_three(text: str, append: list[str]) -> tuple[float, list[str]]:
    best, found = float("inf"), []
    for _ in range(3):
        start = time.perf_counter()
        matches = lint(text, config=ManualArgs(regions=["us-east-1"], append_rules=append))
        best = min(best, time.perf_counter() - start)
        found = [
            f"{m.rule.id} ({RULES_BY_CFN_LINT_ID[m.rule.id].id}) on {m.path[1]}"
            for m in matches
            if m.rule.id in RULES_BY_CFN_LINT_ID
        ]
    return best, found


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        templates = {
            f"generated {iac}": bake(Path(tmp), iac=iac, blueprint="approval", project_name=f"bench {iac}")
            / "template.yaml"
            for iac in ("sam", "cloudformation")
        }
        templates["tests/cfn_lint/bad_template.yaml"] = REPO / "tests" / "cfn_lint" / "bad_template.yaml"
        for name, path in templates.items():
            text = path.read_text()
            plain, _ = best_of_three(text, [])
            durable, found = best_of_three(text, ["cdk_durable.cfn_lint"])
            print(f"== {name}: cfn-lint {plain:.2f} s, with the durable rules {durable:.2f} s")
            print(f"   {len(found)} durable finding(s)")
            for line in sorted(found):
                print(f"   {line}")


if __name__ == "__main__":
    main()
