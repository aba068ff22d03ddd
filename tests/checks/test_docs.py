"""docs/checks.md lists every rule with the registry's own ids (CDK and cfn-lint), level, summary
and anchor (no drift)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cdk_durable
from cdk_durable.checks import RULES, DurableChecks, DurableRule

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rules_table_row_matches_the_registry(rule: DurableRule) -> None:
    info = rule.info
    row = (
        f'| <a id="{info.docs_anchor}"></a>`{rule.id}` | `{rule.cfn_lint_id}` | {info.severity.value} '
        f"| {info.summary} |"
    )

    assert row in (REPO / info.docs_page).read_text()


def test_rule_ids_are_unique_and_follow_the_scheme() -> None:
    ids = [r.id for r in RULES]
    cfn_ids = [r.cfn_lint_id for r in RULES]

    assert len(set(ids)) == len(ids)
    assert len(set(cfn_ids)) == len(cfn_ids)
    for r in RULES:
        letter = "E" if r.severity.value == "error" else "W"
        assert re.fullmatch(rf"DUR-{letter}\d+", r.id)
        # cfn-lint reads the severity from the first letter; the number is the DurableChecks number.
        assert r.cfn_lint_id == f"{letter}D30{int(r.id[5:]):02d}"
        assert r.info.docs == f"docs/checks.md#{r.id.lower()}"


def test_rule_module_function_and_name_say_the_same_thing() -> None:
    for r in RULES:
        function = r.rule.__name__
        assert r.info.name == function.replace("_", "-")
        assert r.rule.__module__ == f"cdk_durable.checks.rules.{function}"


def test_public_name_from_the_package_root() -> None:
    assert cdk_durable.DurableChecks is DurableChecks
