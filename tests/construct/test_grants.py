"""Durable grants: the actions AWS authorizes, on the resources it checks (never ``*``), idempotent."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template

from cdk_durable import platform as p
from cdk_durable.durable_function import DurableFunction

from .conftest import durable, new_stack, resources_of, synth


def _statements(
    stack: cdk.Stack, grantee: iam.User, template: Template | None = None
) -> list[dict[str, Any]]:
    template = template or synth(stack)
    uid = stack.resolve(grantee.node.default_child.logical_id)  # type: ignore[union-attr]
    statements: list[dict[str, Any]] = []
    for policy in resources_of(template, "AWS::IAM::Policy").values():
        if {"Ref": uid} in policy["Properties"].get("Users", []):
            statements.extend(policy["Properties"]["PolicyDocument"]["Statement"])
    return statements


GRANTS: dict[str, Callable[[DurableFunction, iam.IGrantable], iam.Grant]] = {
    "invoke": DurableFunction.grant_invoke,
    "send_callback": DurableFunction.grant_send_callback,
    "read_executions": DurableFunction.grant_read_executions,
    "stop_execution": DurableFunction.grant_stop_execution,
    "pause_execution": DurableFunction.grant_pause_execution,
    "delete_execution": DurableFunction.grant_delete_execution,
}


@pytest.fixture(scope="module")
def granted() -> tuple[cdk.Stack, DurableFunction, dict[str, list[dict[str, Any]]]]:
    """One user per grant, each granted twice (idempotency), in one stack."""
    stack = new_stack()
    fn = durable(stack)
    users = {}
    for name, grant in GRANTS.items():
        user = iam.User(stack, f"User-{name}")
        first, second = grant(fn, user), grant(fn, user)
        assert first.success and second.success
        users[name] = user
    template = synth(stack)
    return stack, fn, {name: _statements(stack, user, template) for name, user in users.items()}


def _fn_arn(stack: cdk.Stack, fn: DurableFunction) -> dict[str, Any]:
    return {"Fn::GetAtt": [stack.resolve(fn.function.node.default_child.logical_id), "Arn"]}  # type: ignore[union-attr]


def _executions(stack: cdk.Stack, fn: DurableFunction) -> dict[str, Any]:
    return {"Fn::Join": ["", [_fn_arn(stack, fn), ":*"]]}


def test_grant_invoke_targets_the_alias_only(granted: Any) -> None:
    stack, fn, statements = granted
    alias = {"Ref": stack.resolve(fn.alias.node.default_child.logical_id)}
    assert statements["invoke"] == [{"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": alias}]


def test_grant_send_callback_is_on_execution_arns(granted: Any) -> None:
    stack, fn, statements = granted
    assert statements["send_callback"] == [
        {
            "Action": [
                "lambda:SendDurableExecutionCallbackSuccess",
                "lambda:SendDurableExecutionCallbackFailure",
                "lambda:SendDurableExecutionCallbackHeartbeat",
            ],
            "Effect": "Allow",
            "Resource": _executions(stack, fn),
        }
    ]


def test_grant_read_executions_gets_on_executions_and_lists_on_the_function(granted: Any) -> None:
    stack, fn, statements = granted
    assert statements["read_executions"] == [
        {
            "Action": ["lambda:GetDurableExecution", "lambda:GetDurableExecutionHistory"],
            "Effect": "Allow",
            "Resource": _executions(stack, fn),
        },
        {
            "Action": "lambda:ListDurableExecutionsByFunction",
            "Effect": "Allow",
            "Resource": [_fn_arn(stack, fn), _executions(stack, fn)],
        },
    ]


def test_grant_stop_execution_is_on_execution_arns(granted: Any) -> None:
    stack, fn, statements = granted
    assert statements["stop_execution"] == [
        {"Action": "lambda:StopDurableExecution", "Effect": "Allow", "Resource": _executions(stack, fn)}
    ]


def test_grant_pause_execution_pauses_and_resumes_on_execution_arns(granted: Any) -> None:
    stack, fn, statements = granted
    assert statements["pause_execution"] == [
        {
            "Action": ["lambda:PauseDurableExecution", "lambda:ResumeDurableExecution"],
            "Effect": "Allow",
            "Resource": _executions(stack, fn),
        }
    ]


def test_grant_delete_execution_is_on_execution_arns(granted: Any) -> None:
    stack, fn, statements = granted
    assert statements["delete_execution"] == [
        {"Action": "lambda:DeleteDurableExecution", "Effect": "Allow", "Resource": _executions(stack, fn)}
    ]


def test_every_grant_method_grants_exactly_its_platform_action_group(granted: Any) -> None:
    # Given platform.DURABLE_ACTION_GROUPS, Then each caller group has a grant_<group> that grants those
    # actions and nothing else (the execution role's group comes from the managed policy)
    _, _, statements = granted
    for group, actions in p.DURABLE_ACTION_GROUPS.items():
        if group == "execution_role":
            continue
        assert group in statements, f"DurableFunction.grant_{group} is not tested here"
        granted_actions = {a for s in statements[group] for a in _as_list(s["Action"])}
        assert granted_actions == set(actions), group


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def test_with_a_kms_key_only_readers_of_execution_data_get_decrypt() -> None:
    # Given a function with a key, When pause/delete and read are granted, Then only the reader decrypts
    stack = new_stack()
    fn = durable(stack, kms_key=kms.Key(stack, "Key"), function_name="orders")
    users = {name: iam.User(stack, f"User-{name}") for name in ("read", "pause", "delete")}
    fn.grant_read_executions(users["read"])
    fn.grant_pause_execution(users["pause"])
    fn.grant_delete_execution(users["delete"])
    template = synth(stack)
    decrypts = {
        name: any("kms:Decrypt" in _as_list(s["Action"]) for s in _statements(stack, user, template))
        for name, user in users.items()
    }
    assert decrypts == {"read": True, "pause": False, "delete": False}


def test_grants_are_idempotent_and_never_use_a_wildcard_resource(granted: Any) -> None:
    _, _, statements = granted
    for name, sts in statements.items():
        assert len(sts) == len({json.dumps(s, sort_keys=True) for s in sts}), name
        for s in sts:
            resources = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
            assert "*" not in resources, name


def test_grant_invoke_to_a_service_principal_adds_one_permission_on_the_alias() -> None:
    stack = new_stack()
    fn = durable(stack)
    principal = iam.ServicePrincipal("scheduler.amazonaws.com")
    fn.grant_invoke(principal)
    fn.grant_invoke(principal)
    template = synth(stack)
    template.resource_count_is("AWS::Lambda::Permission", 1)
    template.has_resource_properties(
        "AWS::Lambda::Permission",
        {
            "Action": "lambda:InvokeFunction",
            "Principal": "scheduler.amazonaws.com",
            "FunctionName": {"Ref": stack.resolve(fn.alias.node.default_child.logical_id)},
        },  # type: ignore[union-attr]
    )


def test_grants_return_an_iam_grant_for_the_grantee(granted: Any) -> None:
    stack, fn, _ = granted
    role = iam.Role(stack, "Extra", assumed_by=iam.AccountRootPrincipal())
    for grant in GRANTS.values():
        result = grant(fn, role)
        assert isinstance(result, iam.Grant)
        assert result.success


def test_a_function_granted_on_its_own_executions_has_no_dependency_cycle() -> None:
    # Given a durable function that sends callbacks to its own executions, When synthesized, Then the
    # role policy uses the reference-free ARN (Template.from_stack fails on a cycle)
    stack = new_stack()
    fn = durable(stack, function_name="orders")
    fn.grant_send_callback(fn)
    fn.grant_read_executions(fn)
    template = synth(stack)
    arn = {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":lambda:us-east-1:123456789012:function:orders"],
        ]
    }
    executions = {
        "Fn::Join": [
            "",
            ["arn:", {"Ref": "AWS::Partition"}, ":lambda:us-east-1:123456789012:function:orders:*"],
        ]
    }
    role_id = stack.resolve(fn.role.node.default_child.logical_id)  # type: ignore[union-attr]
    statements = [
        s
        for pol in resources_of(template, "AWS::IAM::Policy").values()
        if {"Ref": role_id} in pol["Properties"]["Roles"]
        for s in pol["Properties"]["PolicyDocument"]["Statement"]
        if str(s["Action"]).count("Durable")
    ]
    assert {
        "Action": "lambda:ListDurableExecutionsByFunction",
        "Effect": "Allow",
        "Resource": [arn, executions],
    } in statements
    assert any(
        s["Resource"] == executions and "lambda:SendDurableExecutionCallbackSuccess" in s["Action"]
        for s in statements
    )
