"""Read ``# expect: DUR001, DUR006`` comments: the findings a corpus file must produce, by line."""

from __future__ import annotations

import re
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
SDK_EXAMPLES = HERE / "sdk_examples"
SDK_TESTS = HERE / "sdk_tests"
_EXPECT = re.compile(r"#\s*expect:\s*(?P<codes>[A-Z0-9,\s]+)$")


def expected_findings(source: str) -> set[tuple[int, str]]:
    out: set[tuple[int, str]] = set()
    for number, line in enumerate(source.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            out |= {(number, code) for code in re.split(r"[\s,]+", match.group("codes")) if code}
    return out


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.py"))


def sdk_example_files() -> list[Path]:
    return sorted(SDK_EXAMPLES.glob("*.py"))


def sdk_test_files() -> list[Path]:
    return sorted(SDK_TESTS.glob("*.py"))


def correct_code_files() -> list[Path]:
    """Every file of correct code we did not write: the SDK's examples and its end-to-end tests."""
    return [*sdk_example_files(), *sdk_test_files()]
