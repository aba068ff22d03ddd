"""The ``cdk-durable`` edge every subcommand passes: one line for any error, ``--debug`` for the
stack, usage errors in one line, data never reaching the terminal raw (see :mod:`._harness`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cdk_durable.cli import main
from cdk_durable.diagnose import cli as diagnose_cli
from cdk_durable.errors import safe_text

from ._harness import CONTROL, TRACEBACK, Case, assert_clean, run_case

ESC = "\x1b[2J\x1b]0;pwned\x07"

CASES: list[Case] = [
    Case("unknown-command", ("frobnicate",), 2, "frobnicate"),
    Case("unknown-command-escape", (ESC,), 2, "\\x1b"),
    Case("unknown-global-option", ("--frob", "lint"), 2, "--frob"),
    Case("no-command-prints-the-help", (), 2, check=lambda _o, err, _w: _help(err)),
    Case("version", ("--version",), 0, stdout_has=("cdk-durable",)),
    Case("help", ("--help",), 0, stdout_has=("--debug",)),
    Case("subcommand-help", ("lint", "--help"), 0, stdout_has=("--select",)),
    Case("debug-on-a-user-error-stays-one-line", ("--debug", "diagnose", "nope.json"), 1, "nope.json"),
    Case("debug-after-the-command", ("diagnose", "nope.json", "--debug"), 1, "nope.json"),
    Case("double-dash-keeps-debug-as-an-argument", ("lint", "--", "--debug"), 2, "--debug"),
    Case("subprocess-unknown-command", ("frobnicate",), 2, "frobnicate", subprocess=True),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_cli_hostile(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run_case(case, tmp_path, monkeypatch)
    assert_clean(case, code, out, err, tmp_path / "case")


def _help(err: str) -> None:
    assert "Commands:" in err and "diagnose" in err


def _explode(*_: object, **__: object) -> None:
    raise RuntimeError(f"boom {ESC}\nsecond line")


def test_an_unexpected_error_is_one_line_pointing_at_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagnose_cli, "_run", _explode)
    result = CliRunner().invoke(main, ["diagnose", "h.json"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "cdk-durable diagnose: unexpected RuntimeError: boom \\x1b[2J\\x1b]0;pwned\\x07 "
        "(rerun with --debug for the stack)"
    ]
    assert not TRACEBACK.search(result.output) and CONTROL.search(result.output) is None


@pytest.mark.parametrize("how", ["--debug", "env"])
def test_debug_shows_the_stack(monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    monkeypatch.setattr(diagnose_cli, "_run", _explode)
    args = ["diagnose", "h.json"]
    if how == "env":
        monkeypatch.setenv("CDK_DURABLE_DEBUG", "1")
    else:
        args.insert(0, "--debug")
    result = CliRunner().invoke(main, args)
    assert isinstance(result.exception, RuntimeError)  # raised through: Python prints the stack


def test_without_debug_the_environment_variable_set_to_0_keeps_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(diagnose_cli, "_run", _explode)
    monkeypatch.setenv("CDK_DURABLE_DEBUG", "0")
    result = CliRunner().invoke(main, ["diagnose", "h.json"])
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),
        ("a\rb", "a\\rb"),
        ("a\x00b\x7f\x9b", "a\\x00b\\x7f\\x9b"),
        ("rtl\u202eevil", "rtl\\u202eevil"),
        ("lone \ud800", "lone \\ud800"),
        ("line\nnext\ttab", "line\nnext\ttab"),
    ],
)
def test_safe_text_escapes_control_characters(text: str, shown: str) -> None:
    assert safe_text(text) == shown
    assert "\n" not in safe_text(text, multiline=False)
