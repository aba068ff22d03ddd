"""The plugin on synthesized CDK templates reports what DurableChecks reports, on the same resources.

Every rule's compliant and non-compliant stacks (``tests/checks/_cases.py``) are synthesized; the
Aspect's findings (by construct path, mapped to logical ids) must equal cfn-lint's findings with
``cdk_durable.cfn_lint`` on the synthesized template. This is also each rule's compliant and
non-compliant test in cfn-lint mode on plain CloudFormation.
"""

from __future__ import annotations

import functools

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match, Template

from cdk_durable.checks import RULES, DurableChecks

from ..checks._cases import CASES
from ._lint import durable_findings

Findings = set[tuple[str, str]]


def _aspect_findings(stack: cdk.Stack) -> Findings:
    logical_ids = {
        "/" + c.node.path: str(stack.resolve(c.logical_id))
        for c in stack.node.find_all()
        if isinstance(c, cdk.CfnResource)
    }
    annotations = Annotations.from_stack(stack)
    pattern = Match.string_like_regexp(r"^DUR-[EW]\d+: ")
    messages = annotations.find_error("*", pattern) + annotations.find_warning("*", pattern)
    return {(str(m.entry.data).split(":", 1)[0], logical_ids[m.id]) for m in messages}


@functools.cache
def _synth(rule_id: str) -> dict[str, tuple[Findings, Findings, str]]:
    """Per stack ("good", "bad"): (aspect findings, plugin findings); plus the bad logical id."""
    build_good, build_bad = CASES[rule_id]
    app = cdk.App()
    stacks = {"good": cdk.Stack(app, "Compliant"), "bad": cdk.Stack(app, "NonCompliant")}
    build_good(stacks["good"])
    bad_path = build_bad(stacks["bad"])
    cdk.Aspects.of(app).add(DurableChecks())
    out: dict[str, tuple[Findings, Findings, str]] = {}
    for name, stack in stacks.items():
        aspect = _aspect_findings(stack)
        plugin = durable_findings(Template.from_stack(stack).to_json())
        bad_id = ""
        if name == "bad":
            node = next(c for c in stack.node.find_all() if "/" + c.node.path == bad_path)
            assert isinstance(node, cdk.CfnResource)
            bad_id = str(stack.resolve(node.logical_id))
        out[name] = (aspect, plugin, bad_id)
    return out


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_plugin_and_aspect_agree_on_both_stacks(rule_id: str) -> None:
    synth = _synth(rule_id)

    for name in ("good", "bad"):
        aspect, plugin, _ = synth[name]
        assert plugin == aspect, f"{name} stack"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_plugin_flags_the_non_compliant_resource_and_not_the_compliant_one(rule_id: str) -> None:
    synth = _synth(rule_id)

    _, bad, bad_id = synth["bad"]
    _, good, _ = synth["good"]
    assert (rule_id, bad_id) in bad
    assert not {f for f in good if f[0] == rule_id}


def test_every_rule_is_covered() -> None:
    assert set(CASES) == {r.id for r in RULES}
