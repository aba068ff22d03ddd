"""DUR012 bundled-boto3-too-old: a bundle's boto3 older than the SDK's minimum, flagged only when the
code uses chained invokes; in the linter (directories) and at synth (DurableFunction's asset)."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match

from cdk_durable import DurableFunction, ReplayLint
from cdk_durable.lint import lint_paths

INVOKES = """from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event: dict, context: DurableContext) -> dict:
    return context.invoke("payments:live", event, name="pay")
"""
NO_INVOKE = INVOKES.replace(
    'context.invoke("payments:live", event, name="pay")', 'context.step(lambda _: 1, name="s")'
)


def bundle(tmp_path: Path, code: str, requirements: str | None = None) -> Path:
    (tmp_path / "app.py").write_text(code)
    if requirements is not None:
        (tmp_path / "requirements.txt").write_text(requirements)
    return tmp_path


def codes(path: Path, **options: list[str]) -> list[tuple[str, int, str]]:
    return [(Path(f.path).name, f.line, f.code) for f in lint_paths([path], **options)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "pin", ["boto3==1.34.0", "boto3<1.40", "boto3 <= 1.43.113", "boto3~=1.35.0", "boto3<1.43.114"]
)
def test_an_old_pin_is_flagged_when_the_code_invokes(tmp_path: Path, pin: str) -> None:
    path = bundle(tmp_path, INVOKES, f"aws-durable-execution-sdk-python>=3\n{pin}\n")

    assert codes(path) == [("requirements.txt", 2, "DUR012")]


@pytest.mark.parametrize(
    "pin", ["boto3>=1.43.114", "boto3==1.43.114", "boto3==1.44.8", "boto3<2", "requests==2.0"]
)
def test_a_current_pin_or_none_is_not_flagged(tmp_path: Path, pin: str) -> None:
    assert codes(bundle(tmp_path, INVOKES, pin + "\n")) == []


def test_an_old_pin_without_chained_invokes_is_not_flagged(tmp_path: Path) -> None:
    assert codes(bundle(tmp_path, NO_INVOKE, "boto3==1.34.0\n")) == []


def test_a_vendored_old_boto3_is_flagged(tmp_path: Path) -> None:
    path = bundle(tmp_path, INVOKES)
    (path / "boto3").mkdir()
    (path / "boto3" / "__init__.py").write_text("__version__ = '1.35.2'\n")

    assert codes(path) == [("__init__.py", 1, "DUR012")]


def test_a_vendored_old_dist_info_is_flagged(tmp_path: Path) -> None:
    path = bundle(tmp_path, INVOKES)
    (path / "boto3-1.34.0.dist-info").mkdir()
    (path / "boto3-1.34.0.dist-info" / "METADATA").write_text("Name: boto3\n")

    assert codes(path) == [("METADATA", 1, "DUR012")]


def test_ignore_turns_it_off(tmp_path: Path) -> None:
    assert codes(bundle(tmp_path, INVOKES, "boto3==1.34.0\n"), ignore=["DUR012"]) == []


def _annotations(asset: Path) -> list[str]:
    stack = cdk.Stack(cdk.App(), "S")
    DurableFunction(
        stack,
        "Orders",
        code=lambda_.Code.from_asset(str(asset)),
        handler="app.handler",
        execution_timeout=cdk.Duration.hours(1),
        replay_lint=ReplayLint.WARN,
    )
    found = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("DUR012"))
    return [str(m.entry.data) for m in found]


def test_durable_function_reports_an_old_bundled_boto3_at_synth(tmp_path: Path) -> None:
    messages = _annotations(bundle(tmp_path, INVOKES, "boto3==1.34.0\n"))

    assert len(messages) == 1 and "requirements.txt:1:1 DUR012" in messages[0]


def test_durable_function_with_a_current_boto3_has_no_finding(tmp_path: Path) -> None:
    assert _annotations(bundle(tmp_path, INVOKES, "boto3>=1.43.114\n")) == []


def test_select_without_dur012_leaves_it_out(tmp_path: Path) -> None:
    assert codes(bundle(tmp_path, INVOKES, "boto3==1.34.0\n"), select=["DUR001"]) == []
