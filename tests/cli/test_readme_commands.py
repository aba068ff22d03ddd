"""The README's `cdk-durable run` command, exactly as printed, works on a shell with nothing set."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from cdk_durable.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _readme_command(prefix: str) -> list[str]:
    """The README's command line starting with ``prefix`` (continuation lines joined, comment cut)."""
    text = (ROOT / "README.md").read_text()
    joined = re.sub(r"\\\n\s*", "", text)
    for line in joined.splitlines():
        if line.startswith(prefix):
            return shlex.split(line.split("  #", 1)[0])
    raise AssertionError(f"README has no line starting with {prefix!r}")


def test_the_readme_run_command_runs_the_demo_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a working directory like a fresh clone's (demo/ beside it) and no demo variables set
    (tmp_path / "demo").symlink_to(ROOT / "demo")
    monkeypatch.chdir(tmp_path)
    for name in ("TRIAGE_ANALYZER", "TRIAGE_MODEL_ID", "REVIEW_TOPIC_ARN"):
        monkeypatch.delenv(name, raising=False)
    argv = _readme_command("cdk-durable run demo/")
    assert argv[0] == "cdk-durable"
    # When it runs exactly as printed
    result = CliRunner().invoke(main, argv[1:])
    # Then the workflow succeeds and the page it names is written
    assert result.exit_code == 0, result.output + result.stderr
    assert "Status: SUCCEEDED" in result.output
    page = argv[argv.index("--html") + 1]
    assert (tmp_path / page).read_text().startswith("<!DOCTYPE html>")
