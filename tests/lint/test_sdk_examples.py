"""False positives on correct code we did not write: the SDK's own examples (sdk_examples/NOTICE) and
the end-to-end tests of its source distribution (sdk_tests/NOTICE), every rule on."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk_durable.lint import RULES, lint_paths

from ._expect import SDK_EXAMPLES, SDK_TESTS, sdk_example_files, sdk_test_files

#: Findings on the SDK examples that are correct by the replay rules, with the reason.
JUSTIFIED: dict[str, set[tuple[int, str]]] = {
    # `print(f"Starting ... {event}")` in the handler body prints again on every replay (rule 4);
    # the SDK's own hello_world uses context.logger for exactly this reason.
    "comprehensive_operations.py": {(13, "DUR005")},
    # Test instrumentation: the handler and its branches read `time.monotonic()` in the durable
    # region to time the plugin hooks. On a replay the value would differ (rule 1), which the test,
    # running one invocation, does not care about.
    "plugin_hook_contract_int_test.py": {(99, "DUR001"), (172, "DUR001"), (178, "DUR001")},
    # An SDK 2 example: `plugins=[MyPlugin()]` passes a plugin instance (of `DurableExecutionPlugin`,
    # gone in SDK 3). SDK 3 takes factories only and raises PluginLoadError at cold start: a true
    # positive on the current SDK.
    "execution_with_plugin.py": {(61, "DUR010")},
}
ALL_CODES = [r.code for r in RULES]


def test_at_least_15_vendored_examples_with_notice() -> None:
    files = sdk_example_files()
    assert len(files) >= 15
    notice = (SDK_EXAMPLES / "NOTICE").read_text()
    assert "Apache License 2.0" in notice
    for file in files:
        assert file.name in notice


def test_at_least_15_vendored_sdk_tests_with_notice() -> None:
    files = sdk_test_files()
    assert len(files) >= 15
    notice = (SDK_TESTS / "NOTICE").read_text()
    assert "Apache License 2.0" in notice
    for file in files:
        assert file.name in notice


@pytest.mark.parametrize("example", [*sdk_example_files(), *sdk_test_files()], ids=lambda p: p.stem)
def test_correct_code_has_no_unjustified_findings(example: Path) -> None:
    # Every rule on, the opt-in DUR009 included: correct code stays quiet even then.
    findings = lint_paths([example], select=ALL_CODES)

    assert {(f.line, f.code) for f in findings} == JUSTIFIED.get(example.name, set())
