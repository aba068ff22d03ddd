"""Every rule: a compliant and a non-compliant minimal stack, checked through the Aspect with
``aws_cdk.assertions.Annotations`` (one synthesis per rule: both stacks live in one app)."""

from __future__ import annotations

import functools

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match

from cdk_durable.checks import RULES, DurableChecks

from ._cases import CASES

LEVEL = {rule.id: rule.severity.value for rule in RULES}


@functools.cache
def _synth(rule_id: str) -> tuple[Annotations, Annotations, str]:
    build_good, build_bad = CASES[rule_id]
    app = cdk.App()
    good = cdk.Stack(app, "Compliant")
    bad = cdk.Stack(app, "NonCompliant")
    build_good(good)
    path = build_bad(bad)
    assert path is not None
    cdk.Aspects.of(app).add(DurableChecks())
    return Annotations.from_stack(good), Annotations.from_stack(bad), path


def _findings(annotations: Annotations, rule_id: str, path: str = "*") -> list[str]:
    pattern = Match.string_like_regexp(f"^{rule_id}: ")
    messages = annotations.find_error(path, pattern) + annotations.find_warning(path, pattern)
    return [m.id for m in messages]


def test_every_rule_has_cases() -> None:
    assert set(CASES) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_non_compliant_stack_gets_a_finding_on_the_resource(rule_id: str) -> None:
    _, bad, path = _synth(rule_id)

    if LEVEL[rule_id] == "error":
        bad.has_error(path, Match.string_like_regexp(f"^{rule_id}: "))
    else:
        bad.has_warning(path, Match.string_like_regexp(f"^{rule_id}: "))


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_compliant_stack_has_no_finding(rule_id: str) -> None:
    good, _, _ = _synth(rule_id)

    assert _findings(good, rule_id) == []
