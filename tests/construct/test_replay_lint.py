"""Replay-model lint at synth: findings of ``cdk_durable.lint.lint_paths`` become annotations.

The unit tests install a stand-in ``cdk_durable.lint`` (the interface: ``lint_paths(paths) -> list[Finding]``
with ``path, line, col, code, message``) so they test this construct's side of the contract. The last
test runs the real linter on a handler that breaks the replay model.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match

from cdk_durable import durable_function
from cdk_durable.durable_function import ReplayLint

from .conftest import BAD_HANDLER_DIR, FIXTURES, HANDLER_DIR, durable, new_stack


@dataclass
class Finding:
    path: str
    line: int
    col: int
    code: str
    message: str


@pytest.fixture
def fake_linter(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """A stand-in linter that reports one finding per call and records the paths it was given."""
    calls: list[list[str]] = []

    def lint_paths(paths: Sequence[str | Path]) -> list[Finding]:
        calls.append([str(p) for p in paths])
        return [Finding(str(Path(paths[0]) / "app.py"), 11, 4, "DUR001", "time.time() outside a step")]

    module = types.ModuleType("cdk_durable.lint")
    module.lint_paths = lint_paths  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cdk_durable.lint", module)
    durable_function._lint_findings.cache_clear()
    yield calls
    durable_function._lint_findings.cache_clear()


def _asset() -> lambda_.Code:
    return lambda_.Code.from_asset(str(BAD_HANDLER_DIR))


def test_findings_are_warnings_by_default(fake_linter: list[list[str]]) -> None:
    stack = new_stack()
    durable(stack, code=_asset(), handler="app.handler", replay_lint=ReplayLint.WARN)
    assert fake_linter == [[str(BAD_HANDLER_DIR)]]
    Annotations.from_stack(stack).has_warning(
        "/Test/Orders",
        Match.string_like_regexp(r"replay model: app\.py:11:4 DUR001 time\.time\(\) outside a step"),
    )
    Annotations.from_stack(stack).has_no_error("*", Match.any_value())


def test_default_mode_is_warn(fake_linter: list[list[str]]) -> None:
    stack = new_stack()
    durable_function.DurableFunction(
        stack,
        "Orders",
        code=_asset(),
        handler="app.handler",
        execution_timeout=cdk.Duration.hours(1),
    )
    Annotations.from_stack(stack).has_warning("/Test/Orders", Match.string_like_regexp("DUR001"))


def test_error_mode_makes_findings_errors(fake_linter: list[list[str]]) -> None:
    stack = new_stack()
    durable(stack, code=_asset(), handler="app.handler", replay_lint=ReplayLint.ERROR)
    Annotations.from_stack(stack).has_error(
        "/Test/Orders", Match.string_like_regexp("replay model: .*DUR001")
    )


def test_the_same_asset_is_linted_once_per_process(fake_linter: list[list[str]]) -> None:
    stack = new_stack()
    durable(stack, id="A", code=_asset(), handler="app.handler", replay_lint=ReplayLint.WARN)
    durable(stack, id="B", code=_asset(), handler="app.handler", replay_lint=ReplayLint.WARN)
    assert len(fake_linter) == 1
    Annotations.from_stack(stack).has_warning("/Test/B", Match.string_like_regexp("DUR001"))


@pytest.mark.parametrize(
    ("mode", "runtime", "code"),
    [
        pytest.param(ReplayLint.OFF, lambda_.Runtime.PYTHON_3_13, "asset", id="off"),
        pytest.param(ReplayLint.WARN, lambda_.Runtime.NODEJS_22_X, "node-asset", id="node-runtime"),
        pytest.param(ReplayLint.WARN, lambda_.Runtime.PYTHON_3_13, "inline", id="inline-code"),
    ],
)
def test_lint_is_skipped_when_off_non_python_or_not_an_asset(
    fake_linter: list[list[str]], mode: ReplayLint, runtime: lambda_.Runtime, code: str
) -> None:
    stack = new_stack()
    source = (
        _asset()
        if code == "asset"
        else lambda_.Code.from_asset(str(FIXTURES / "node_handler"))
        if code == "node-asset"
        else lambda_.Code.from_inline("def handler(e, c): pass")
    )
    durable(stack, code=source, handler="app.handler", runtime=runtime, replay_lint=mode)
    assert fake_linter == []
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("replay model"))


def test_missing_linter_is_not_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cdk_durable.lint", types.ModuleType("cdk_durable.lint"))
    durable_function._lint_findings.cache_clear()
    stack = new_stack()
    durable(stack, code=_asset(), handler="app.handler", replay_lint=ReplayLint.WARN)
    durable_function._lint_findings.cache_clear()
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("replay model"))


def test_real_linter_flags_a_handler_that_breaks_the_replay_model() -> None:
    # Needs cdk_durable.lint (issue 6). Given a handler calling time.time()/random outside steps,
    # When it is deployed with the default replay_lint, Then synth carries replay-model warnings.
    durable_function._lint_findings.cache_clear()
    stack = new_stack()
    durable(stack, id="Bad", code=_asset(), handler="app.handler", replay_lint=ReplayLint.WARN)
    durable(
        stack,
        id="Good",
        code=lambda_.Code.from_asset(str(HANDLER_DIR)),
        handler="app.handler",
        replay_lint=ReplayLint.WARN,
    )
    annotations = Annotations.from_stack(stack)
    annotations.has_warning("/Test/Bad", Match.string_like_regexp(r"replay model: app\.py:\d+:\d+ "))
    annotations.has_no_warning("/Test/Good", Match.string_like_regexp("replay model"))
