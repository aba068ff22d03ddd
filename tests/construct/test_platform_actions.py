"""platform.py against the installed botocore Lambda model: a durable API that botocore knows and
platform.py does not (no grant, no stated exclusion) fails here until someone decides how to grant it."""

from __future__ import annotations

from functools import cache
from typing import Any

import botocore.session

from cdk_durable import platform as p
from cdk_durable.durable_function import DurableFunction


@cache
def _lambda_model() -> Any:
    return botocore.session.get_session().get_service_model("lambda")


def _durable_operations() -> set[str]:
    """Operations of the durable API: every request path under durable-execution(s) or the callbacks."""
    model = _lambda_model()
    return {
        name
        for name in model.operation_names
        if "/durable-execution" in model.operation_model(name).http["requestUri"]
    }


def test_the_model_has_the_durable_api_we_know_of() -> None:
    # A guard on the filter itself: if botocore renamed its paths, the comparison below would be empty.
    assert {"CheckpointDurableExecution", "PauseDurableExecution", "SendDurableExecutionCallbackSuccess"} <= (
        _durable_operations()
    )


def test_every_durable_operation_has_a_grant_or_a_stated_exclusion() -> None:
    granted = {a for actions in p.DURABLE_ACTION_GROUPS.values() for a in actions}
    known = granted | set(p.UNGRANTED_DURABLE_ACTIONS)
    expected = {f"lambda:{op}" for op in _durable_operations()}
    missing = sorted(expected - known)
    assert not missing, (
        f"botocore has durable operations platform.py does not know: {missing}; add each to an action "
        "group with a DurableFunction.grant_<group> method, or to UNGRANTED_DURABLE_ACTIONS with the reason"
    )
    stale = sorted(known - expected)
    assert not stale, f"platform.py lists actions the botocore model does not have: {stale}"


def test_no_action_is_in_two_groups_and_every_exclusion_has_a_reason() -> None:
    seen: dict[str, str] = {}
    for group, actions in p.DURABLE_ACTION_GROUPS.items():
        for action in actions:
            assert action not in seen, f"{action} is in {seen.get(action)} and {group}"
            seen[action] = group
    assert not set(seen) & set(p.UNGRANTED_DURABLE_ACTIONS)
    assert all(reason.strip() for reason in p.UNGRANTED_DURABLE_ACTIONS.values())


def test_every_caller_group_has_a_grant_method_and_the_role_group_is_the_sdk_calls() -> None:
    for group in p.DURABLE_ACTION_GROUPS:
        if group == "execution_role":
            continue
        assert callable(getattr(DurableFunction, f"grant_{group}", None)), f"DurableFunction.grant_{group}"
    assert p.DURABLE_ACTION_GROUPS["execution_role"] == p.EXECUTION_ROLE_ACTIONS


def test_api_statuses_match_the_model_and_event_statuses_are_a_subset() -> None:
    enum = _lambda_model().shape_for("ExecutionStatus").enum
    assert tuple(enum) == p.API_EXECUTION_STATUSES
    assert {s.value for s in p.DurableExecutionStatus} <= set(enum)
    assert set(p.LIVE_EXECUTION_STATUSES) <= set(enum)
    # The status-change event is documented with these five only (see DurableExecutionStatus).
    assert [s.value for s in p.DurableExecutionStatus] == [
        "RUNNING",
        "SUCCEEDED",
        "FAILED",
        "TIMED_OUT",
        "STOPPED",
    ]
