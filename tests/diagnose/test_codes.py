"""The diagnosis's finding codes: a registry (cdk_durable.diagnose.codes), docs/diagnose.md in step."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdk_durable.diagnose._analysis import Finding
from cdk_durable.diagnose.codes import CODES
from cdk_durable.rule_info import RuleInfo

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs" / "diagnose.md"


@pytest.mark.parametrize("code", CODES, ids=[c.code for c in CODES])
def test_every_code_has_its_docs_row(code: RuleInfo) -> None:
    row = f'| <a id="{code.docs_anchor}"></a>`{code.code}` | {code.severity.value}'
    line = next((x for x in (REPO / code.docs_page).read_text().splitlines() if x.startswith(row)), None)

    assert line is not None, code.code
    assert code.summary in line and code.fix in line


def test_the_docs_list_no_code_the_registry_lacks() -> None:
    documented = re.findall(r'^\| <a id="([a-z-]+)"></a>', DOCS.read_text(), flags=re.M)

    assert documented == [c.code for c in CODES]


def test_codes_are_unique_kebab_case() -> None:
    codes = [c.code for c in CODES]

    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", c) for c in codes)


def test_a_finding_with_an_unregistered_code_is_refused() -> None:
    with pytest.raises(ValueError, match="unregistered diagnosis code 'made-up'"):
        Finding("made-up", "error", "x")


def test_no_code_is_spelled_as_a_literal_in_the_analysis() -> None:
    source = (REPO / "cdk_durable" / "diagnose" / "_analysis.py").read_text()

    assert [c.code for c in CODES if f'"{c.code}"' in source] == []
