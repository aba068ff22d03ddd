"""Record the histories the timeline page is shown and tested on (``cdk-durable diagnose --html``).

Same recording path as ``make_fixtures.py`` (a real handler on the testing SDK's runner, read back
through the SDK's HTTP emulator with boto3), two more scenarios:

- ``demo_escalation`` - the demo's triage workflow, escalation scenario (``demo/events/escalation.json``
  answered with ``demo/answers/escalation.json``, the local keyword analyzer): SUCCEEDED, two
  ``wait_for_callback`` child contexts, a parallel close-out with two branches;
- ``map_retry`` - ``handlers/batch.py``: a map of three items, one step retried once, then a
  six-hour wait still pending (RUNNING).

Run: ``.venv/bin/python -m tests.diagnose.make_page_fixtures`` (about 3 seconds) to record both;
``... make_page_fixtures --screenshot`` to redraw ``docs/diagnose-escalation.png`` (the page of the
recorded ``demo_escalation`` history in headless Chromium) without recording.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from demo.handler.triage import app as triage
from tests.diagnose.handlers import batch
from tests.diagnose.make_fixtures import FIXTURES, Capture, _capture, _cli_json, _runner, _settle, _start

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo"
SCREENSHOT = ROOT / "docs" / "diagnose-escalation.png"
#: ``wait_for_callback(name="X")`` records its callback operation as ``"X create callback id"``.
_CALLBACK_SUFFIX = " create callback id"


def demo_escalation() -> Capture:
    """The demo's escalation scenario: the agent approves, the specialist finishes the reply."""
    os.environ["TRIAGE_ANALYZER"] = "local"
    event = json.loads((DEMO / "events" / "escalation.json").read_text())
    answers = json.loads((DEMO / "answers" / "escalation.json").read_text())
    with _runner(triage.handler) as runner:
        arn = _start(runner, "TKT-002", 7 * 86_400, event)
        for name in ("agent-review", "specialist-review"):
            callback_id = runner.wait_for_callback(arn, name=name + _CALLBACK_SUFFIX, timeout=30)
            runner.send_callback_success(callback_id, result=json.dumps(answers[name]["succeed"]).encode())
        runner.wait_for_result(arn, timeout=30)
        return _capture(runner, arn)


def map_retry() -> Capture:
    """A map over three parcels, ``pack-b`` retried once (2 s, real clock), then a pending 6 h wait."""
    with _runner(batch.handler, skip_time=False) as runner:
        arn = _start(runner, "pickup-9", 86_400, {"parcels": ["a", "b", "c"]})
        _settle(runner, arn, "wait-for-pickup")
        return _capture(runner, arn)


SCENARIOS: dict[str, Callable[[], Capture]] = {"demo_escalation": demo_escalation, "map_retry": map_retry}


def screenshot(path: Path = SCREENSHOT) -> None:
    """The timeline page of the recorded escalation run, as a PNG (1280 px wide)."""
    from cdk_durable.diagnose import diagnose_history, write_html
    from tests.diagnose import _fixtures as fx
    from tests.diagnose._browser import chromium, full_page_screenshot, open_page

    name = "demo_escalation"
    diagnosis = diagnose_history(fx.history(name), fx.execution(name), now=fx.at(name, minutes=5))
    with tempfile.TemporaryDirectory() as folder, chromium(width=1280, height=900) as driver:
        page = Path(folder) / "escalation.html"
        write_html(diagnosis, page)
        open_page(driver, page)
        full_page_screenshot(driver, path)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


def main(argv: list[str] | None = None) -> None:
    if (argv if argv is not None else sys.argv[1:]) == ["--screenshot"]:
        screenshot()
        return
    logging.disable(logging.CRITICAL)
    for name, scenario in SCENARIOS.items():
        captured = scenario()
        (FIXTURES / f"{name}.history.json").write_text(_cli_json(captured.history))
        (FIXTURES / f"{name}.execution.json").write_text(_cli_json(captured.execution))
        print(f"{name}: {len(captured.history['Events'])} events, status {captured.execution['Status']}")
    screenshot()


if __name__ == "__main__":
    main()
