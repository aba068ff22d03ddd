"""One ``Finding`` (``cdk_durable.rule_info``) for the linter and the diagnosis: a registered code, the
rule's severity unless the finding says otherwise, sorted by place."""

from __future__ import annotations

import pytest

from cdk_durable import diagnose, lint
from cdk_durable.diagnose import codes
from cdk_durable.lint import rules
from cdk_durable.rule_info import Finding, RuleInfo, Severity


def test_the_linter_and_the_diagnosis_report_the_same_finding_type() -> None:
    assert lint.Finding is diagnose.Finding is Finding


@pytest.mark.parametrize("rule", [*rules.RULES, rules.SYNTAX_ERROR, *codes.CODES], ids=lambda r: r.code)
def test_a_finding_of_a_rule_has_the_rules_code_and_severity(rule: RuleInfo) -> None:
    finding = Finding.of(rule, "found")

    assert (finding.code, finding.severity) == (rule.code, rule.severity)


def test_a_finding_may_carry_another_severity_than_its_rule() -> None:
    finding = Finding.of(codes.OPERATIONS_NEAR_LIMIT, "at the limit", severity=Severity.ERROR)

    assert codes.OPERATIONS_NEAR_LIMIT.severity != Severity.ERROR
    assert finding.severity == Severity.ERROR


def test_an_unregistered_code_is_refused_naming_the_system_whose_codes_it_looks_like() -> None:
    with pytest.raises(ValueError, match="unregistered lint code 'DUR999'"):
        Finding("DUR999", Severity.ERROR, "x", path="app.py", line=1, col=1)
    with pytest.raises(ValueError, match="unregistered diagnosis code 'made-up'"):
        Finding("made-up", Severity.ERROR, "x")
    with pytest.raises(ValueError, match="unregistered rule code 'Not A Code'"):
        Finding("Not A Code", Severity.ERROR, "x")


def test_findings_sort_by_place_then_code() -> None:
    def at(path: str, line: int, col: int, rule: rules.Rule) -> Finding:
        return Finding.of(rule, "found", path=path, line=line, col=col)

    b_line_2 = at("b.py", 2, 1, rules.RULES[0])
    a_line_9 = at("a.py", 9, 1, rules.RULES[0])
    a_line_2_col_5 = at("a.py", 2, 5, rules.RULES[0])
    a_line_2_second_rule = at("a.py", 2, 1, rules.RULES[1])
    a_line_2_first_rule = at("a.py", 2, 1, rules.RULES[0])

    assert sorted([b_line_2, a_line_9, a_line_2_col_5, a_line_2_second_rule, a_line_2_first_rule]) == [
        a_line_2_first_rule,
        a_line_2_second_rule,
        a_line_2_col_5,
        a_line_9,
        b_line_2,
    ]
