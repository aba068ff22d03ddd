"""Each corpus handler produces exactly the findings its ``# expect:`` comments name."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdk_durable.lint import RULES, lint_source
from cdk_durable.lint.rules import RULES_BY_CODE

from ._expect import corpus_files, expected_findings


def test_corpus_has_at_least_40_cases_covering_every_rule() -> None:
    files = corpus_files()
    assert len(files) >= 40
    expected_codes = {code for f in files for _, code in expected_findings(f.read_text())}
    # DUR012 reads a directory (requirements.txt, a vendored boto3), not one file: tests/lint/test_bundle.py.
    assert expected_codes == {rule.code for rule in RULES} - {"DUR012"}
    assert sum(1 for f in files if f.name.startswith("good_")) >= 15


@pytest.mark.parametrize("case", corpus_files(), ids=lambda p: p.stem)
def test_corpus_case(case: Path) -> None:
    source = case.read_text()

    everything = lint_source(source, str(case), select=[r.code for r in RULES])
    default = lint_source(source, str(case))

    # Every rule on: exactly the expected findings (recall on the bad corpus is 100%).
    assert {(f.line, f.code) for f in everything} == expected_findings(source)
    # Default rules: the same minus the opt-in ones.
    assert {(f.line, f.code) for f in default} == {
        (line, code) for line, code in expected_findings(source) if RULES_BY_CODE[code].default_enabled
    }
    if case.name.startswith("good_"):
        assert everything == []
