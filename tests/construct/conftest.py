"""Shared helpers for the DurableFunction / AsyncStarter tests.

Synthesis costs about a second per stack, so behaviour tests share module-scoped stacks where they can;
every template that is synthesized goes through cfn-lint once (:func:`synth`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Template
from constructs import Construct

from cdk_durable.durable_function import DurableFunction, ReplayLint
from tests.cfnlint_helper import cfn_lint

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HANDLER_DIR = FIXTURES / "handler"
BAD_HANDLER_DIR = FIXTURES / "bad_handler"
ENV = cdk.Environment(account="123456789012", region="us-east-1")

#: cfn-lint findings we accept in construct tests, each with its reason.
#: (W3005 on our functions is skipped by the template's own cfn-lint metadata, see
#: ``quiet_redundant_role_dependency``; other L2 functions in a test stack carry it explicitly.)
CFN_LINT_IGNORE: dict[str, str] = {}
#: cfn-lint findings accepted by message (narrower than ignoring a rule), each with its reason.
CFN_LINT_FALSE_POSITIVES: dict[re.Pattern[str], str] = {
    re.compile(r"^W3037: '(pause|resume|delete)durableexecution' is not one of "): (
        "cfn-lint 1.58's IAM action list predates PauseDurableExecution, ResumeDurableExecution and "
        "DeleteDurableExecution; the botocore model has them (test_platform_actions.py checks it)"
    ),
}


def new_stack(name: str = "Test", *, env: cdk.Environment | None = ENV) -> cdk.Stack:
    return cdk.Stack(cdk.App(), name, env=env)


def inline_code() -> lambda_.Code:
    return lambda_.Code.from_inline("def handler(event, context):\n    return event\n")


def durable(stack: Construct, id: str = "Orders", **overrides: Any) -> DurableFunction:
    """A DurableFunction with test defaults (inline code, 7-day execution, lint off unless asked)."""
    props: dict[str, Any] = {
        "code": inline_code(),
        "handler": "index.handler",
        "execution_timeout": cdk.Duration.days(7),
        "replay_lint": ReplayLint.OFF,
    }
    props.update(overrides)
    return DurableFunction(stack, id, **props)


def synth(stack: cdk.Stack, *, lint: bool = True) -> Template:
    """Template of ``stack``; cfn-lint clean unless ``lint=False`` (for stacks linted elsewhere)."""
    template = Template.from_stack(stack)
    if lint:
        problems = [
            m
            for m in cfn_lint(template.to_json(), ignore=CFN_LINT_IGNORE)
            if not any(pattern.match(m) for pattern in CFN_LINT_FALSE_POSITIVES)
        ]
        assert not problems, "cfn-lint found:\n" + "\n".join(problems)
    return template


def resources_of(template: Template, type_: str) -> dict[str, Any]:
    return dict(template.find_resources(type_))


@pytest.fixture(scope="module")
def build() -> Callable[..., tuple[cdk.Stack, DurableFunction]]:
    """``build(**overrides) -> (stack, fn)`` in a fresh stack."""

    def _build(**overrides: Any) -> tuple[cdk.Stack, DurableFunction]:
        stack = new_stack()
        return stack, durable(stack, **overrides)

    return _build
