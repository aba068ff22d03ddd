"""``python -m demo.scenarios`` (the second half of ``make demo``): three scenarios, exit status."""

from __future__ import annotations

import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

from demo import scenarios
from demo.scenarios import SCENARIOS, Scenario, main

DEFAULT_PAGES_DIR = scenarios.PAGES_DIR  # before the fixture below points it elsewhere


@pytest.fixture(autouse=True)
def _root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(scenarios.DEMO_DIR.parent)
    # pages go to a temporary folder here; the default folder has its own test below
    monkeypatch.setattr(scenarios, "PAGES_DIR", tmp_path / "pages")
    monkeypatch.delenv("REVIEW_TOPIC_ARN", raising=False)
    monkeypatch.setenv("TRIAGE_ANALYZER", "local")  # main() sets it too; this restores it afterwards


def test_all_three_scenarios_end_as_expected(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    for name, status in (("standard", "resolved"), ("escalation", "escalated"), ("rejection", "rejected")):
        assert f"=== scenario {name}:" in out
        assert f"workflow status {status!r} (expected {status!r})" in out
    # the lifecycle is visible: suspended on a callback, answered, resumed to the close-out
    assert out.count("waiting for callback") == 4  # agent x3 + specialist x1
    assert "answer   specialist-review <- succeed" in out
    # and each scenario's timeline page is written and named
    for name in ("standard", "escalation", "rejection"):
        page = scenarios.PAGES_DIR / f"{name}.html"
        assert page.read_text().startswith("<!DOCTYPE html>") and "agent-review" in page.read_text()
        assert f"Timeline page: {page}" in out


def test_make_demo_writes_its_pages_to_the_gitignored_out_folder() -> None:
    # The un-overridden default: <repo>/out/demo, which git ignores
    root = scenarios.DEMO_DIR.parent
    assert root / "out" / "demo" == DEFAULT_PAGES_DIR
    ignored = subprocess.run(
        ["git", "-C", str(root), "check-ignore", "-q", "out/demo/standard.html"], check=False
    )
    assert ignored.returncode == 0


def test_scenario_files_exist_and_are_valid_json() -> None:
    for scenario in SCENARIOS:
        assert json.loads(scenario.event.read_text())["ticketId"].startswith("TKT-")
        assert "agent-review" in json.loads(scenario.answers.read_text())


def test_a_scenario_ending_differently_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = dataclasses.replace(SCENARIOS[2], expected_status="resolved")
    monkeypatch.setattr(scenarios, "SCENARIOS", (wrong,))
    assert main([]) == 1
    assert "FAIL rejection" in capsys.readouterr().out.replace("\x1b[31m", "").replace("\x1b[0m", "")


def test_a_scenario_with_a_user_error_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = Scenario("missing", "no such files", "resolved")
    monkeypatch.setattr(scenarios, "SCENARIOS", (broken,))
    assert main([]) == 1


def test_one_scenario_by_name_and_unknown_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rejection"]) == 0
    assert "scenario standard" not in capsys.readouterr().out
    assert main(["nope"]) == 1
    assert "unknown scenario 'nope'; choose from standard, escalation, rejection" in capsys.readouterr().err
