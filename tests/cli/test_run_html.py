"""``cdk-durable run --html``: the run's timeline page, the same diagnosis ``diagnose --html`` draws."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cdk_durable.cli import main
from cdk_durable.diagnose import diagnose_history, parse_timestamp, render_html

ROOT = Path(__file__).resolve().parents[2]
HANDLER = "demo/handler/triage/app.py:handler"


@pytest.fixture(autouse=True)
def _local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("TRIAGE_ANALYZER", "local")
    monkeypatch.delenv("REVIEW_TOPIC_ARN", raising=False)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["run", *args])


def test_html_writes_the_page_of_the_recorded_history(tmp_path: Path) -> None:
    # Given the escalation scenario run with both --history and --html
    page, history = tmp_path / "run.html", tmp_path / "history.json"
    result = run(
        HANDLER,
        "@demo/events/escalation.json",
        "--answers",
        "demo/answers/escalation.json",
        "--history",
        str(history),
        "--html",
        str(page),
        "--no-logs",
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert f"Timeline page: {page}" in result.output
    # Then the page is exactly what diagnose draws for that history at its last event
    document = json.loads(history.read_text())
    now = parse_timestamp(document["Events"][-1]["EventTimestamp"], where="test")
    expected = render_html(diagnose_history(document, now=now, source="cdk-durable run"))
    assert page.read_text() == expected
    # And it shows the workflow's operations
    for name in ("analyze-ticket", "agent-review", "specialist-review", "close-out"):
        assert name in expected


def test_html_to_a_missing_folder_fails_before_running(tmp_path: Path) -> None:
    # Given an --html path whose folder does not exist
    result = run(HANDLER, "@demo/events/standard.json", "--html", str(tmp_path / "nope" / "x.html"))
    # Then one line names the folder, the handler never ran, and nothing was written
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert "▶" not in result.output
    assert not (tmp_path / "nope").exists()
