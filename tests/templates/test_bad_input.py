"""Bad inputs through cookiecutter itself: one clear line, a non-zero exit, no directory left behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException

from .conftest import bake

INJECTION = '""" + __import__("os").system("touch PWNED") + """'

# (extra_context, text the one-line error must contain)
BAD_INPUTS = {
    "slug-with-space": ({"project_slug": "order workflow"}, "project_slug must be 1-40 characters"),
    "slug-starts-with-digit": ({"project_slug": "1-orders"}, "project_slug must be"),
    "slug-too-long": ({"project_slug": "a" * 41}, "project_slug must be 1-40 characters"),
    "slug-double-dash": ({"project_slug": "orders--v2"}, "project_slug must be"),
    "name-with-quote": ({"project_name": 'Orders "v2"'}, "project_name must be 1-60 characters"),
    "name-injection": ({"project_name": INJECTION, "project_slug": "x"}, "project_name must be"),
    "timeout-zero": (
        {"execution_timeout_seconds": "0"},
        "execution_timeout_seconds must be between",
    ),
    "timeout-367-days": (
        {"execution_timeout_seconds": "31622401"},
        "between 1 second and 366 days (31,622,400 seconds), got 31,622,401",
    ),
    "timeout-not-a-number": (
        {"execution_timeout_seconds": "1h"},
        "execution_timeout_seconds must be a",
    ),
    "timeout-negative": ({"execution_timeout_seconds": "-5"}, "execution_timeout_seconds must be a"),
    "invocation-over-15-minutes": (
        {"invocation_timeout_seconds": "901"},
        "invocation_timeout_seconds must be",
    ),
    "invocation-over-execution": (
        {"execution_timeout_seconds": "30", "invocation_timeout_seconds": "60"},
        "invocation_timeout_seconds must not exceed execution_timeout_seconds (30)",
    ),
    "retention-zero": ({"retention_days": "0"}, "retention_days must be between 1 and 90 days"),
    "retention-91": ({"retention_days": "91"}, "retention_days must be between 1 and 90 days, got 91"),
    "log-retention-not-allowed": ({"log_retention_days": "10"}, "log_retention_days must be one of 1, 3, 5"),
    "alias-latest": ({"alias_name": "$LATEST"}, "alias_name must not be $LATEST"),
    "alias-digits": ({"alias_name": "42"}, "alias_name must be 1-128 characters"),
    "alias-space": ({"alias_name": "live alias"}, "alias_name must be 1-128 characters"),
    "requirement-newline": (
        {"cdk_durable_requirement": "cdk-durable\n--index-url https://example.com"},
        "cdk_durable_requirement must be one pip requirement line",
    ),
    "requirement-option": ({"cdk_durable_requirement": "--pre"}, "cdk_durable_requirement must be"),
}


@pytest.mark.parametrize(("context", "expected"), BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_fails_in_the_hook_and_leaves_nothing(tmp_path, capfd, monkeypatch, context, expected):
    monkeypatch.chdir(tmp_path)
    output = tmp_path / "out"
    output.mkdir()

    with pytest.raises(FailedHookException):
        bake(output, **context)

    err = capfd.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("ERROR:")]
    assert len(lines) == 1, err
    assert expected in lines[0]
    assert list(output.iterdir()) == [], "cookiecutter removed the project directory"
    assert not any(Path(tmp_path).rglob("PWNED"))


# Choice variables are checked by cookiecutter itself before any hook runs (the hook checks them again
# for other entry points such as replays).
BAD_CHOICES = {
    "iac-unknown": ("iac", "terraform"),
    "runtime-too-old": ("runtime", "python3.12"),
    "runtime-custom": ("runtime", "provided.al2023"),
    "blueprint-unknown": ("blueprint", "chatbot"),
}


@pytest.mark.parametrize(("variable", "value"), BAD_CHOICES.values(), ids=BAD_CHOICES.keys())
def test_bad_choice_names_the_input_and_the_choices(tmp_path, variable, value):
    with pytest.raises(
        ValueError, match=rf"{value} provided for choice variable {variable}, but the choices are"
    ):
        bake(tmp_path, **{variable: value})

    assert list(tmp_path.iterdir()) == []


def test_at_least_fifteen_bad_inputs_are_tested():
    assert len(BAD_INPUTS) + len(BAD_CHOICES) >= 15
    assert len(BAD_INPUTS) >= 15, "through the pre-generation hook alone"
