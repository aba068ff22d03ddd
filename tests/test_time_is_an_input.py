"""Time is an input: no test reads the calendar clock, and the library reads it only at the CLI edge.

A test that compared a recorded date with "now" passed on the day it was written and failed a week
later. This guard makes that class of bug impossible to reintroduce: every test passes its instant
explicitly (``now=``, ``--now``, ``tests/diagnose/_fixtures.at()``), and library code takes ``now`` as
an argument, so only the command-line layer decides what "now" is.

Interval clocks (``time.monotonic``, ``time.perf_counter``) measure how long something takes and are
allowed: they never make an outcome depend on the date.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cdk_durable.lint._catalogs import NONDETERMINISTIC_CALLS

ROOT = Path(__file__).resolve().parent.parent

#: Clock reads that answer "what date/time is it" (the linter's catalog, minus interval clocks and
#: non-clock entries such as uuid/random).
CALENDAR_READS = frozenset(
    name
    for name in NONDETERMINISTIC_CALLS
    if name.startswith(("time.", "datetime.", "pendulum.", "arrow."))
    and name
    not in {
        "time.monotonic",
        "time.monotonic_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "time.process_time",
    }
)

#: Code that is not a test of ours: handlers written to be wrong for the linter to find (the lint
#: corpus, the construct's bad asset), and vendored SDK examples.
NOT_TESTS = (
    "tests/lint/corpus",
    "tests/lint/sdk_examples",
    "tests/lint/sdk_tests",
    "tests/construct/fixtures/bad_handler",
)

#: Library modules that decide what "now" is for a user: the command-line layer only.
#: Each entry says why.
LIBRARY_CLOCK_READERS = {
    "cdk_durable/diagnose/cli.py": "the default of --now",
}


def _calendar_reads(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name) of every calendar-clock call in ``path``, resolving import aliases."""
    tree = ast.parse(path.read_text(), filename=str(path))
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        parts: list[str] = []
        target: ast.expr = node.func
        while isinstance(target, ast.Attribute):
            parts.append(target.attr)
            target = target.value
        if not isinstance(target, ast.Name):
            continue
        head = aliases.get(target.id, target.id)
        dotted = ".".join([head, *reversed(parts)])
        if dotted in CALENDAR_READS:
            found.append((node.lineno, dotted))
    return found


def _python_files(top: str, exclude: tuple[str, ...] = ()) -> list[Path]:
    files = []
    for path in sorted((ROOT / top).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(exclude) and "__pycache__" not in rel:
            files.append(path)
    return files


def test_the_guard_sees_every_spelling_of_a_clock_read(tmp_path: Path) -> None:
    # Given the usual ways of asking for the current date and time
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import time\nimport datetime as dt\nfrom datetime import date, datetime\n"
        "a = time.time()\nb = dt.datetime.now()\n"  # ok-clock: sample text for the guard
        "c = datetime.utcnow()\nd = date.today()\n"
        "e = time.monotonic()\n"
    )
    # Then each calendar read is found, and the interval clock is not
    assert [name for _, name in _calendar_reads(sample)] == [
        "time.time",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.date.today",
    ]


@pytest.mark.parametrize(
    "path", _python_files("tests", exclude=NOT_TESTS), ids=lambda p: p.relative_to(ROOT).as_posix()
)
def test_no_test_reads_the_calendar_clock(path: Path) -> None:
    # A test's outcome must be the same next year: pass instants explicitly instead.
    if path == Path(__file__).resolve():
        return  # this file names the reads in its sample, inside a string
    assert _calendar_reads(path) == []


def test_the_library_reads_the_clock_only_at_the_command_line_edge() -> None:
    readers = {
        path.relative_to(ROOT).as_posix(): _calendar_reads(path)
        for path in _python_files("cdk_durable")
        if _calendar_reads(path)
    }
    # Then only the documented CLI modules decide what "now" is; everything else takes now=
    assert sorted(readers) == sorted(LIBRARY_CLOCK_READERS), readers
