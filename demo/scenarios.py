"""The demo's main job: run the triage workflow locally through ``cdk-durable run``, three ways.

``python -m demo.scenarios`` (what ``make demo`` runs after the synth) drives the real handler on
the durable testing SDK's runner with the local keyword analyzer and scripted reviewer answers
from ``demo/answers/``, printing each operation as it happens: the analysis step, the execution
suspending on ``agent-review`` (and ``specialist-review``), resuming when the answer arrives, the
parallel close-out. Exit status 1 if any scenario ends differently from what it expects.

``python -m demo.scenarios escalation`` runs one scenario. Each scenario's timeline page (the page of
``cdk-durable diagnose --html``) is written to ``out/demo/<scenario>.html``.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import click

from cdk_durable.local_run import LocalRunError, run_from_options

DEMO_DIR = Path(__file__).resolve().parent
HANDLER = DEMO_DIR / "handler" / "triage" / "app.py"
#: Where ``make demo`` writes one timeline page per scenario (gitignored).
PAGES_DIR = DEMO_DIR.parent / "out" / "demo"


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    expected_status: str  # the workflow's own result status (resolved | escalated | rejected)

    @property
    def event(self) -> Path:
        return DEMO_DIR / "events" / f"{self.name}.json"

    @property
    def answers(self) -> Path:
        return DEMO_DIR / "answers" / f"{self.name}.json"


SCENARIOS = (
    Scenario(
        "standard", "pro customer, billing question; the agent edits the reply and approves", "resolved"
    ),
    Scenario(
        "escalation",
        "enterprise customer reports data loss; agent approves, a specialist finishes the reply",
        "escalated",
    ),
    Scenario("rejection", "free-tier feature request; the agent rejects the triage", "rejected"),
)


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def run_scenario(
    scenario: Scenario, *, echo: Callable[[str], None] = click.echo, html: Path | None = None
) -> tuple[bool, str]:
    """Run one scenario; return (as expected?, one-line outcome). ``html``: write its timeline page."""
    report = run_from_options(
        f"{_relative(HANDLER)}:handler",
        f"@{_relative(scenario.event)}",
        answers_file=_relative(scenario.answers),
        html_file=_relative(html) if html is not None else None,
        echo=echo,
    )
    outcome = report.result.get("status") if isinstance(report.result, dict) else None
    ok = report.status == "SUCCEEDED" and outcome == scenario.expected_status
    return (
        ok,
        f"execution {report.status}, workflow status {outcome!r} (expected {scenario.expected_status!r})",
    )


def select_scenarios(names: list[str]) -> list[Scenario] | None:
    """The scenarios named (all when none); None, after one error line, when a name is unknown."""
    known = {s.name: s for s in SCENARIOS}
    unknown = [n for n in names if n not in known]
    if unknown:
        click.echo(f"Error: unknown scenario {unknown[0]!r}; choose from {', '.join(known)}", err=True)
        return None
    return [known[n] for n in names] if names else list(SCENARIOS)


def main(argv: list[str] | None = None) -> int:
    selected = select_scenarios(argv if argv is not None else sys.argv[1:])
    if selected is None:
        return 1
    # The deterministic keyword analyzer: no Bedrock, no AWS credentials.
    os.environ["TRIAGE_ANALYZER"] = "local"
    results: list[tuple[Scenario, bool, str, float]] = []
    PAGES_DIR.mkdir(parents=True, exist_ok=True)
    for scenario in selected:
        click.secho(f"\n=== scenario {scenario.name}: {scenario.description}", bold=True)
        started = time.perf_counter()
        try:
            ok, outcome = run_scenario(scenario, html=PAGES_DIR / f"{scenario.name}.html")
        except LocalRunError as e:
            ok, outcome = False, f"error: {e}"
        results.append((scenario, ok, outcome, time.perf_counter() - started))

    click.secho("\n=== summary", bold=True)
    for scenario, ok, outcome, seconds in results:
        mark = click.style("ok  ", fg="green") if ok else click.style("FAIL", fg="red")
        click.echo(f"  {mark} {scenario.name:<11} {outcome}  ({seconds:.2f} s)")
    click.echo(f"\nTimeline pages (open in a browser): {_relative(PAGES_DIR)}/<scenario>.html")
    return 0 if all(ok for _, ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
