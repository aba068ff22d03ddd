"""The cfn-lint pack (``cfn-lint -a cdk_durable.cfn_lint``): hostile templates and truthful codes.

Each case runs the pack's rule classes - the objects cfn-lint instantiates from ``-a
cdk_durable.cfn_lint`` - on the template as cfn-lint hands it to them (``cfn.template``), without
cfn-lint's own ~300 rules (a second or more per template; theirs to test), and asserts: the durable
findings (DurableChecks id, logical id) are exactly the expected ones, no durable rule raised
(cfn-lint would report it as E0002), no message carries a control byte. A representative subset
runs through cfn-lint itself: its Python API (``FULL``) and the ``cfn-lint`` command.
"Not checked" (DUR-W5, WD3005) is its own code: a parameter without a Default, an import or a
conditional Deny is never counted as a pass.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from cfnlint.api import ManualArgs, lint

from cdk_durable.checks import RULES_BY_CFN_LINT_ID
from tests.cfn_lint.test_templates import (
    ALIAS,
    CFN_FN,
    RETAINED,
    ROLE,
    _cfn,
    _monitor,
    _sam,
    _sam_function,
    _version,
)
from tests.cfnlint_helper import template_text

from ._harness import BOUND, CONTROL

MODULE = "cdk_durable.cfn_lint"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def _fn(**props: Any) -> dict[str, Any]:
    fn = copy.deepcopy(CFN_FN)
    fn["Properties"].update(props)
    return fn


def _plain(**props: Any) -> dict[str, Any]:
    """A function that is not durable (it calls the durable one)."""
    fn = _fn(**props)
    fn["Properties"].pop("DurableConfig")
    return fn


def _stack(
    fn: dict[str, Any] | None = None, role: dict[str, Any] | None = None, **more: Any
) -> dict[str, Any]:
    """A correct template (role, function, retained version, alias, monitoring) with changes."""
    return _cfn(
        Role=role or ROLE,
        Fn=fn or CFN_FN,
        Version=_version(**RETAINED),
        Alias=ALIAS,
        Monitor=_monitor(),
        **more,
    )


def _with_parameters(template: dict[str, Any], **parameters: Any) -> dict[str, Any]:
    return {**template, "Parameters": parameters}


ESM = {
    "Type": "AWS::Lambda::EventSourceMapping",
    "Properties": {
        "FunctionName": {"Ref": "Alias"},
        "EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q",
    },
}


def _esm_with_timeout(timeout: Any, **parameters: Any) -> dict[str, Any]:
    template = _stack(_fn(DurableConfig={"ExecutionTimeout": timeout}), Mapping=ESM)
    return _with_parameters(template, **parameters) if parameters else template


def _role(*statements: dict[str, Any], managed: bool = True) -> dict[str, Any]:
    role = copy.deepcopy(ROLE)
    if not managed:
        role["Properties"].pop("ManagedPolicyArns")
    role["Properties"]["Policies"] = [
        {"PolicyName": "p", "PolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)}}
    ]
    return role


CHECKPOINT = ["lambda:CheckpointDurableExecution", "lambda:GetDurableExecutionState"]


def _deny(**statement: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Resource": "*", **statement}


def _allow(**statement: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Resource": "*", **statement}


def _deep_join(depth: int) -> Any:
    value: Any = {"Fn::GetAtt": ["Fn", "Arn"]}
    for _ in range(depth):
        value = {"Fn::Join": ["", [value]]}
    return value


NUMBER = {"Type": "Number"}
CASES: list[tuple[str, Any, set[tuple[str, str]], list[str]]] = [
    # id, template, durable findings, --ignore-checks
    ("correct-template", _stack(), set(), []),
    # --- ExecutionTimeout through intrinsics: resolved where possible, else "not checked" -----------------
    ("timeout-literal-over-15-min", _esm_with_timeout(3600), {("DUR-E4", "Mapping"), ("DUR-W1", "Fn")}, []),
    (
        "timeout-ref-default-over",
        _esm_with_timeout({"Ref": "T"}, T={**NUMBER, "Default": 3600}),
        {("DUR-E4", "Mapping"), ("DUR-W1", "Fn")},
        [],
    ),
    ("timeout-ref-default-under", _esm_with_timeout({"Ref": "T"}, T={**NUMBER, "Default": 600}), set(), []),
    (
        "timeout-ref-default-string",
        _esm_with_timeout({"Ref": "T"}, T={**NUMBER, "Default": "3600"}),
        {("DUR-E4", "Mapping"), ("DUR-W1", "Fn")},
        [],
    ),
    ("timeout-ref-no-default", _esm_with_timeout({"Ref": "T"}, T=NUMBER), {("DUR-W5", "Mapping")}, []),
    ("timeout-import", _esm_with_timeout({"Fn::ImportValue": "Timeout"}), {("DUR-W5", "Mapping")}, []),
    (
        "timeout-find-in-map",
        {
            **_esm_with_timeout({"Fn::FindInMap": ["T", "prod", "seconds"]}),
            "Mappings": {"T": {"prod": {"seconds": 7200}}},
        },
        {("DUR-E4", "Mapping"), ("DUR-W1", "Fn")},
        [],
    ),
    (
        "timeout-select",
        _esm_with_timeout({"Fn::Select": [1, [60, 5000]]}),
        {("DUR-E4", "Mapping"), ("DUR-W1", "Fn")},
        [],
    ),
    ("timeout-text", _esm_with_timeout("soon"), {("DUR-W5", "Mapping")}, []),
    (
        "timeout-not-checked-ignored-keeps-e-codes",
        _esm_with_timeout({"Ref": "T"}, T=NUMBER),
        set(),
        ["WD3005"],
    ),
    # --- explicit Deny next to the managed policy ----------------------------------------------------------
    ("deny-checkpoint", _stack(role=_role(_deny(Action=CHECKPOINT))), {("DUR-E6", "Fn")}, []),
    ("deny-one-action", _stack(role=_role(_deny(Action=CHECKPOINT[0]))), {("DUR-E6", "Fn")}, []),
    ("deny-lambda-wildcard", _stack(role=_role(_deny(Action="lambda:*"))), {("DUR-E6", "Fn")}, []),
    ("deny-not-action", _stack(role=_role(_deny(NotAction=["s3:*"]))), {("DUR-E6", "Fn")}, []),
    ("deny-not-action-sparing-them", _stack(role=_role(_deny(NotAction=["lambda:*"]))), set(), []),
    ("deny-unrelated", _stack(role=_role(_deny(Action="s3:DeleteBucket"))), set(), []),
    (
        "deny-with-condition",
        _stack(role=_role(_deny(Action=CHECKPOINT, Condition={"Bool": {"aws:SecureTransport": "false"}}))),
        {("DUR-W5", "Fn")},
        [],
    ),
    (
        "deny-beats-inline-allow",
        _stack(role=_role(_allow(Action=CHECKPOINT), _deny(Action="lambda:*"), managed=False)),
        {("DUR-E6", "Fn")},
        [],
    ),
    ("allow-inline-no-managed", _stack(role=_role(_allow(Action=CHECKPOINT), managed=False)), set(), []),
    # --- SAM that cannot be translated: its own code, once ----------------------------------------------
    (
        "sam-untranslatable",
        _sam(Fn={"Type": "AWS::Serverless::Function", "Properties": {"Handler": 3}}),
        {("DUR-W5", "Transform")},
        [],
    ),
    (
        "sam-untranslatable-not-hidden-by-ED3001",
        _sam(Fn={"Type": "AWS::Serverless::Function", "Properties": {"Handler": 3}}),
        {("DUR-W5", "Transform")},
        ["ED3001"],
    ),
    ("sam-correct", _sam(Fn=_sam_function(AutoPublishAlias="live")), {("DUR-W2", "Fn")}, []),
    # --- shapes no rule may crash on ---------------------------------------------------------------------
    ("properties-list", _stack(Weird={"Type": "AWS::Lambda::Function", "Properties": [1, 2]}), set(), []),
    ("durable-config-list", _stack(_fn(DurableConfig=[1])), set(), []),
    (
        "policies-not-a-list",
        _stack(role={**ROLE, "Properties": {**ROLE["Properties"], "Policies": 7}}),
        set(),
        [],
    ),
    (
        "managed-policy-arns-string",
        _stack(role={**ROLE, "Properties": {**ROLE["Properties"], "ManagedPolicyArns": "x"}}),
        {("DUR-E6", "Fn")},
        [],
    ),
    ("statement-garbage", _stack(role=_role(1, "x", [2], {"Effect": 3}, managed=True)), set(), []),
    ("action-garbage", _stack(role=_role(_deny(Action=[1, None, {"a": 1}]))), set(), []),
    (
        "deep-join-200",
        _stack(Caller=_plain(Environment={"Variables": {"T": _deep_join(200)}})),
        {("DUR-E2", "Caller")},
        [],
    ),
    (
        "sub-malformed",
        _stack(Caller=_plain(Environment={"Variables": {"T": {"Fn::Sub": [1, 2, 3]}}})),
        set(),
        [],
    ),
    ("getatt-int", _stack(Caller=_plain(Environment={"Variables": {"T": {"Fn::GetAtt": 5}}})), set(), []),
    ("ref-cycle", _with_parameters(_esm_with_timeout({"Ref": "Mapping"})), {("DUR-W5", "Mapping")}, []),
    ("parameters-list", {**_esm_with_timeout({"Ref": "T"}), "Parameters": [1]}, {("DUR-W5", "Mapping")}, []),
    (
        "mappings-garbage",
        {**_esm_with_timeout({"Fn::FindInMap": ["T", "a", "b"]}), "Mappings": {"T": 3}},
        {("DUR-W5", "Mapping")},
        [],
    ),
    (
        "timeout-nan-like",
        _esm_with_timeout({"Ref": "T"}, T={**NUMBER, "Default": "nan"}),
        {("DUR-W5", "Mapping")},
        [],
    ),
    ("timeout-huge", _esm_with_timeout(10**30), {("DUR-E4", "Mapping"), ("DUR-W1", "Fn")}, []),
]


def _pack(template: Any, ignore: list[str]) -> list[tuple[str, list[Any], str]]:
    """(cfn-lint id, path, message) of every match of the pack's rules, as cfn-lint runs them."""
    from types import SimpleNamespace

    from cdk_durable.cfn_lint.rules import RULE_CLASSES

    cfn = SimpleNamespace(template=template, regions=["us-east-1"])
    out = []
    for cls in RULE_CLASSES:
        if any(cls.id.startswith(prefix) for prefix in ignore):
            continue
        out += [(cls.id, list(m.path), m.message) for m in cls().match(cfn)]
    return out


def _durable(matches: list[Any]) -> set[tuple[str, str]]:
    return {
        (
            RULES_BY_CFN_LINT_ID[m.rule.id].id,
            str(m.path[1] if m.path and m.path[0] == "Resources" else m.path[0]),
        )
        for m in matches
        if m.rule.id in RULES_BY_CFN_LINT_ID
    }


@pytest.mark.parametrize(
    ("template", "expected", "ignore"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_cfn_lint_pack_hostile(template: Any, expected: set[tuple[str, str]], ignore: list[str]) -> None:
    started = time.monotonic()
    matches = _pack(template, ignore)  # a rule that raises fails the test (cfn-lint: E0002)
    assert time.monotonic() - started < BOUND
    found = {
        (RULES_BY_CFN_LINT_ID[rule_id].id, str(path[1] if path[0] == "Resources" else path[0]))
        for rule_id, path, _ in matches
    }
    assert found == expected, matches
    for _, _, message in matches:
        assert CONTROL.search(message) is None, message
    if ("DUR-W5", "Transform") in expected:
        assert not any(rule_id == "ED3001" for rule_id, _, _ in matches)  # one code per meaning


#: Through cfn-lint's own API (its parsing, suppressions and E0002 on a rule that raises).
FULL = [
    "timeout-ref-no-default",
    "deny-with-condition",
    "sam-untranslatable-not-hidden-by-ED3001",
    "policies-not-a-list",
]


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in FULL], ids=FULL)
def test_cfn_lint_api(case: tuple[str, Any, set[tuple[str, str]], list[str]]) -> None:
    _, template, expected, ignore = case
    config = ManualArgs(regions=["us-east-1"], append_rules=[MODULE], ignore_checks=ignore)
    matches = list(lint(template_text(template), config=config))
    crashes = [m.message for m in matches if m.rule.id == "E0002"]
    assert crashes == [], crashes
    assert _durable(matches) == expected


def test_not_checked_names_the_rule_that_did_not_run() -> None:
    matches = _pack(_esm_with_timeout({"Ref": "T"}, T=NUMBER), [])
    [message] = [m for rule_id, _, m in matches if rule_id == "WD3005"]
    assert message.startswith("not checked: DUR-E4. ")


COMMAND_CASES = [
    ("command-not-checked", _esm_with_timeout({"Ref": "T"}, T=NUMBER), 4, "WD3005 "),
    (
        "command-untranslatable-sam",
        _sam(Fn={"Type": "AWS::Serverless::Function", "Properties": {"Handler": 3}}),
        None,
        "WD3005 ",
    ),
]


@pytest.mark.parametrize(
    ("template", "exit_code", "code"), [c[1:] for c in COMMAND_CASES], ids=[c[0] for c in COMMAND_CASES]
)
def test_cfn_lint_command(tmp_path: Path, template: Any, exit_code: int | None, code: str) -> None:
    (tmp_path / "template.yaml").write_text(yaml.safe_dump(template))
    proc = subprocess.run(
        [str(CFN_LINT), "template.yaml", "-a", MODULE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=BOUND,
        check=False,
    )
    if exit_code is not None:
        assert proc.returncode == exit_code, proc.stdout + proc.stderr
    assert code in proc.stdout, proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert CONTROL.search(proc.stdout + proc.stderr) is None
