"""The timeline page's style and script are package data files (``cdk_durable/diagnose/_page/``), and the
script's duration format is the Python one (:func:`cdk_durable._history.format_duration`)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from cdk_durable._history import format_duration
from cdk_durable.diagnose import _html, diagnose_history, render_html

from . import _fixtures as fx

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / "node_modules" / ".bin" / "node"  # Node 22 from npm (make setup)
SCRIPT = _html.PAGE_DIR / "timeline.js"
#: Seconds the zoom axis may show: below a second, seconds, minutes, hours, days (no exact halves,
#: where JavaScript's and Python's rounding differ by design).
SPANS = [
    0.0004,
    0.051,
    0.9994,
    1.0,
    2.5,
    9.96,
    59.94,
    61.0,
    600.4,
    3599.4,
    3725.0,
    86399.0,
    90061.0,
    31_622_400.0,
]


def test_the_page_embeds_the_style_and_script_files() -> None:
    page = render_html(
        diagnose_history(fx.history("callback_pending"), now=fx.at("callback_pending", minutes=5))
    )

    assert f"<style>\n{(_html.PAGE_DIR / 'timeline.css').read_text()}</style>" in page
    assert f"<script>\n{SCRIPT.read_text()}</script>" in page


def _script_fmt() -> str:
    """The ``fmt(seconds)`` function of the page's script, as written there."""
    match = re.search(r"^(\s*)function fmt\(seconds\) \{\n.*?^\1\}\n", SCRIPT.read_text(), re.M | re.S)
    assert match, "timeline.js defines fmt(seconds)"
    return match[0]


def test_the_zoom_axis_formats_durations_like_python() -> None:
    program = f"{_script_fmt()}\nconsole.log(JSON.stringify({json.dumps(SPANS)}.map(fmt)));\n"

    proc = subprocess.run([str(NODE), "-e", program], capture_output=True, text=True, timeout=60, check=True)

    assert json.loads(proc.stdout) == [format_duration(s) for s in SPANS]
