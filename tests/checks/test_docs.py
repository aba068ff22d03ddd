"""docs/checks.md lists every rule with the pack's own id, level and info (no drift)."""

from __future__ import annotations

from pathlib import Path

import pytest

import cdk_durable
from cdk_durable.checks import RULES, DurableChecks, DurableRule

DOCS = Path(__file__).resolve().parents[2] / "docs" / "checks.md"
LEVEL_WORD = {"ERROR": "error", "WARN": "warning"}


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rules_table_row_matches_the_pack(rule: DurableRule) -> None:
    row = f"| `{rule.id}` | {LEVEL_WORD[rule.level.value]} | {rule.info} |"

    assert row in DOCS.read_text()


def test_rule_ids_are_unique_and_follow_the_scheme() -> None:
    ids = [r.id for r in RULES]

    assert len(set(ids)) == len(ids)
    assert all(r.id == f"DUR-{'E' if r.level.value == 'ERROR' else 'W'}{r.suffix[1:]}" for r in RULES)


def test_public_name_from_the_package_root() -> None:
    assert cdk_durable.DurableChecks is DurableChecks
