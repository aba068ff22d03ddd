"""The timeline page as text: same data as the JSON report, escaped, self-contained, written atomically.

What a browser shows (nesting, collapsing, bars, the callback command) is in ``test_html_browser.py``.
"""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from click.testing import CliRunner

from cdk_durable.cli import main
from cdk_durable.diagnose import _html as html_module
from cdk_durable.diagnose import cli as diagnose_cli
from cdk_durable.diagnose import diagnose_history, render_html, to_json_dict, write_html

from . import _fixtures as fx
from . import make_page_fixtures
from ._synthetic import big_map_history, fail_item
from .test_live import ARN as LIVE_ARN
from .test_live import _add_execution_and_history as add_execution_and_history


class _Page(HTMLParser):
    """Every element's tag and attributes, and the tags open around each ``.op`` element."""

    VOID = {"meta", "br", "img", "input", "link", "hr"}

    def __init__(self, text: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.ops: list[dict[str, str]] = []
        self.op_parents: list[str | None] = []  # data-id of the enclosing .op element
        self._stack: list[tuple[str, dict[str, str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if "op" in attributes.get("class", "").split():
            enclosing = [a for _, a in self._stack if "op" in a.get("class", "").split()]
            self.ops.append(attributes)
            self.op_parents.append(enclosing[-1]["data-id"] if enclosing else None)
        if tag not in self.VOID:
            self._stack.append((tag, attributes))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop()[0] == tag:
                break


def _diagnosis(name: str, **delta: float) -> Any:
    execution = fx.execution(name) if fx.execution_path(name).exists() else None
    return diagnose_history(fx.history(name), execution, now=fx.at(name, **delta))


@pytest.mark.parametrize("name", [*fx.SCENARIOS, "demo_escalation", "map_retry"])
def test_one_row_per_operation_with_the_json_reports_data(name: str) -> None:
    # Given any recorded history, diagnosed once
    diagnosis = _diagnosis(name, hours=2)
    # When it is rendered as a page and as JSON
    page = _Page(render_html(diagnosis))
    timeline = to_json_dict(diagnosis)["timeline"]
    # Then both show the same operations with the same type, status, nesting and attempts
    by_id = {row["id"]: row for row in timeline}
    assert sorted(op["data-id"] for op in page.ops) == sorted(by_id)
    for op, parent in zip(page.ops, page.op_parents, strict=True):
        row = by_id[op["data-id"]]
        assert (op["data-type"], op["data-status"], op["data-name"]) == (
            row["type"],
            row["status"],
            row["name"] or row["id"][:12],
        )
        assert int(op["data-depth"]) == row["depth"]
        assert parent == (row["parent_id"] if row["parent_id"] in by_id else None)
        assert int(op["data-attempts"]) == (row["attempts"] or 0)
        assert op["data-open"] == json.dumps(row["open"])


def test_the_page_fetches_nothing() -> None:
    text = render_html(_diagnosis("callback_pending", hours=2))
    page = _Page(text)
    csp = next(a["content"] for t, a in page.elements if t == "meta" and "http-equiv" in a)
    assert csp.startswith("default-src 'none';")
    assert not [a for _, a in page.elements if "src" in a or "href" in a]
    assert [t for t, _ in page.elements].count("script") == 1  # the inline one
    assert [t for t, _ in page.elements if t in ("link", "img", "iframe", "object")] == []
    assert "url(" not in text and "@import" not in text


def _hostile_history() -> tuple[dict[str, Any], dict[str, str]]:
    """The pending-callback history with markup in a step name, an error message and the callback id."""
    history = fx.history("callback_pending")
    evil = {
        "name": '<script>window.__pwned = 1</script>"quoted"',
        "callback": 'id"\'><img src=x onerror="window.__pwned=2">',
    }
    for event in history["Events"]:
        if event.get("Name") == "reserve-stock":
            event["Name"] = evil["name"]
        if event["EventType"] == "CallbackStarted":
            event["CallbackStartedDetails"]["CallbackId"] = evil["callback"]
    return history, evil


def test_names_and_ids_are_escaped() -> None:
    history, evil = _hostile_history()
    diagnosis = diagnose_history(history, now=fx.at("callback_pending", hours=2))
    text = render_html(diagnosis)
    page = _Page(text)
    # No markup from the history becomes an element or an attribute
    assert [t for t, _ in page.elements].count("script") == 1
    assert not [t for t, _ in page.elements if t == "img"]
    assert "<script>window.__pwned" not in text and "<img src=x" not in text
    # And the names are there, escaped: text and attributes
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;&quot;quoted&quot;" in text
    assert any(op["data-name"] == evil["name"] for op in page.ops)
    callback = next(a for _, a in page.elements if "data-callback-id" in a)
    assert callback["data-callback-id"] == evil["callback"]


def test_the_page_depends_on_now_and_nothing_else() -> None:
    # Given the same running execution diagnosed at two instants
    early = render_html(_diagnosis("callback_pending", hours=2))
    late = render_html(_diagnosis("callback_pending", hours=20))
    # Then rendering is deterministic for one instant
    assert render_html(_diagnosis("callback_pending", hours=2)) == early
    # And the open callback's bar and the "as of" follow the given now
    assert "as of " + fx.at("callback_pending", hours=2).strftime("%Y-%m-%d %H:%M:%S") in early
    assert "as of " + fx.at("callback_pending", hours=20).strftime("%Y-%m-%d %H:%M:%S") in late
    assert "open for 2h 00m so far" in early and "open for 20h 00m so far" in late


def test_each_attempt_of_a_retried_step_is_its_own_bar() -> None:
    text = render_html(_diagnosis("retries_exhausted", hours=1))
    row = text.split('data-name="charge-card"')[1].split("</div>")[0]
    attempts = re.findall(r'data-attempt="(\d)" data-status="([A-Z_]+)"', row)
    assert attempts == [("1", "FAILED"), ("2", "FAILED"), ("3", "FAILED")]
    assert row.count('class="gap"') == 2  # the retry delays between them
    assert "attempt 1: FAILED - tests.diagnose.handlers.charge.CardDeclinedError: card declined" in row


def test_failures_show_error_type_and_message() -> None:
    page = _Page(render_html(_diagnosis("retries_exhausted", hours=1)))
    rows = [a for t, a in page.elements if t == "tr" and a.get("class") == "failure"]
    assert [r["data-operation-id"] for r in rows][1:] == [""]  # the execution's own error comes last
    text = render_html(_diagnosis("retries_exhausted", hours=1))
    assert '<td class="error-type">tests.diagnose.handlers.charge.CardDeclinedError</td>' in text
    assert '<td class="error-message">card declined: insufficient funds</td>' in text


def test_a_large_map_starts_collapsed_but_a_failed_item_stays_open() -> None:
    # Given 3,000 operations: a map of 1,499 items, one of whose steps failed
    history = fail_item(big_map_history(), 700)
    page = _Page(render_html(diagnose_history(history, now=fx.at("map_retry", hours=2))))
    # Then every operation has its row
    assert len(page.ops) == 3_000
    opened = {a["data-name"] for t, a in page.elements if t == "details" and "open" in a}
    # And only the path to the failure is expanded
    assert opened == {"pack-parcels", "map-item-700"}


def test_a_large_map_of_successes_is_collapsed() -> None:
    page = _Page(render_html(diagnose_history(big_map_history(), now=fx.at("map_retry", hours=2))))
    assert Counter(t for t, a in page.elements if t == "details" and "open" in a) == Counter()
    assert Counter(op["data-status"] for op in page.ops) == {"SUCCEEDED": 2_999, "STARTED": 1}


def test_a_small_tree_is_expanded() -> None:
    page = _Page(render_html(_diagnosis("demo_escalation", minutes=5)))
    details = [a for t, a in page.elements if t == "details"]
    assert {a["data-name"] for a in details} == {
        "agent-review",
        "specialist-review",
        "close-out",
        "send-reply",
        "send-survey",
    }
    assert all("open" in a for a in details)


def test_write_html_replaces_the_file_in_one_step(tmp_path: Path) -> None:
    diagnosis = _diagnosis("succeeded", days=1)
    target = tmp_path / "timeline.html"
    target.write_text("old page")
    write_html(diagnosis, target)
    assert target.read_text(encoding="utf-8") == render_html(diagnosis)
    assert [p.name for p in tmp_path.iterdir()] == ["timeline.html"]


def test_write_html_leaves_nothing_half_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    diagnosis = _diagnosis("succeeded", days=1)
    target = tmp_path / "timeline.html"
    target.write_text("old page")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(html_module.os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_html(diagnosis, target)
    assert target.read_text() == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["timeline.html"]


# --- the CLI: `cdk-durable diagnose HISTORY --html OUT.html`, as docs/diagnose.md prints it ---------


def _cli(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(main, ["diagnose", *args], input=stdin)


def test_cli_writes_the_page_and_keeps_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    now = fx.at("callback_pending", hours=2).isoformat()
    history = str(fx.history_path("callback_pending"))
    plain = _cli(history, "--now", now)
    with_page = _cli(history, "--now", now, "--html", "timeline.html")
    assert with_page.exit_code == 0, with_page.output
    assert with_page.stdout == plain.stdout  # the report is unchanged by --html
    assert with_page.stderr == "timeline page: timeline.html\n"
    page = (tmp_path / "timeline.html").read_text(encoding="utf-8")
    assert page == render_html(
        diagnose_history(fx.history("callback_pending"), now=fx.at("callback_pending", hours=2))
    )


def test_cli_html_with_json_and_stdin(tmp_path: Path) -> None:
    out = tmp_path / "page.html"
    now = fx.at("wait_pending", days=1).isoformat()
    result = _cli(
        "-",
        "--now",
        now,
        "--format",
        "json",
        "--html",
        str(out),
        stdin=fx.history_path("wait_pending").read_text(),
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["execution"]["name"] == "reminder-42"
    assert 'data-name="wait-one-week"' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (
            "missing/timeline.html",
            "cdk-durable diagnose: --html missing/timeline.html: folder 'missing' does not exist\n",
        ),
        (".", "cdk-durable diagnose: --html must name a file to write (e.g. timeline.html), got '.'\n"),
    ],
)
def test_cli_html_bad_path(
    target: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _cli(str(fx.history_path("succeeded")), "--html", target)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == message
    assert list(tmp_path.iterdir()) == []


def test_cli_html_on_bad_input_writes_no_page(tmp_path: Path) -> None:
    out = tmp_path / "timeline.html"
    result = _cli("-", "--html", str(out), stdin="{}")
    assert result.exit_code == 1
    assert result.stderr.startswith("cdk-durable diagnose: stdin: expected the JSON of")
    assert not out.exists()


def test_an_execution_with_no_operations_yet() -> None:
    history = fx.history("callback_pending")
    history["Events"] = history["Events"][:1]  # only ExecutionStarted
    text = render_html(diagnose_history(history, now=fx.at("callback_pending", minutes=1)))
    assert "<p>No operations in the history.</p>" in text
    assert _Page(text).ops == []


def test_the_demo_fixture_is_what_the_demo_records_today() -> None:
    # Given the demo's escalation scenario run again on the emulator, read back through boto3
    captured = make_page_fixtures.demo_escalation()
    recorded = fx.history("demo_escalation")

    # Then the page's recording is still what the demo does: the same operations, each with the
    # same events in the same order (the two parallel branches interleave as they like)
    def per_operation(events: list[dict[str, Any]]) -> dict[Any, list[tuple[str, list[str]]]]:
        grouped: dict[Any, list[tuple[str, list[str]]]] = {}
        for e in events:
            grouped.setdefault((e.get("Name"), e.get("SubType")), []).append((e["EventType"], sorted(e)))
        return grouped

    assert per_operation(captured.history["Events"]) == per_operation(recorded["Events"])


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """A stubbed boto3 client behind live mode (as in test_live.py)."""
    client = boto3.client("lambda", region_name="eu-west-1", aws_access_key_id="t", aws_secret_access_key="t")
    monkeypatch.setattr(diagnose_cli, "lambda_client", lambda **_: client)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def test_cli_html_in_live_mode(live: Stubber, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the live path docs/diagnose.md prints: --execution-arn ... --format json --html timeline.html
    monkeypatch.chdir(tmp_path)
    add_execution_and_history(live)
    now = fx.at("callback_pending", hours=2).isoformat()
    result = _cli("--execution-arn", LIVE_ARN, "--format", "json", "--html", "timeline.html", "--now", now)
    assert result.exit_code == 0, result.output
    # Then stdout is the JSON document and the page carries the same commands (with the ARN's region)
    document = json.loads(result.stdout)
    page = (tmp_path / "timeline.html").read_text(encoding="utf-8")
    command = document["pending_callbacks"][0]["commands"]["success"]
    assert command.endswith("--region eu-west-1")
    assert f'data-kind="success"><code>{html.escape(command)}</code>' in page
    assert html.escape(LIVE_ARN) in page
