"""False positives on correct code: the SDK's own examples (vendored, see sdk_examples/NOTICE)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk_durable.lint import lint_paths

from ._expect import SDK_EXAMPLES, sdk_example_files

#: Findings on the SDK examples that are correct by the replay rules, with the reason.
JUSTIFIED: dict[str, set[tuple[int, str]]] = {
    # `print(f"Starting ... {event}")` in the handler body prints again on every replay (rule 4);
    # the SDK's own hello_world uses context.logger for exactly this reason.
    "comprehensive_operations.py": {(13, "DUR005")},
}


def test_at_least_15_vendored_examples_with_notice() -> None:
    files = sdk_example_files()
    assert len(files) >= 15
    notice = (SDK_EXAMPLES / "NOTICE").read_text()
    assert "Apache License 2.0" in notice
    for file in files:
        assert file.name in notice


@pytest.mark.parametrize("example", sdk_example_files(), ids=lambda p: p.stem)
def test_sdk_example_has_no_unjustified_findings(example: Path) -> None:
    findings = lint_paths([example])

    assert {(f.line, f.code) for f in findings} == JUSTIFIED.get(example.name, set())
