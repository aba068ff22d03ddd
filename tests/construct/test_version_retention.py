# ruff: noqa: E501  (the bad-input table keeps each expected message readable as one string)
"""Published versions are retained on update (``version_removal_policy``), so executions suspended on
an old version can still replay there after the next deploy.

Given/When/Then per test: the template's ``DeletionPolicy`` / ``UpdateReplacePolicy`` on the
``AWS::Lambda::Version`` is what CloudFormation acts on when a deploy publishes a new version.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match

from cdk_durable._validation import DurableValidationError
from cdk_durable.durable_function import ANN_VERSION_DESTROY

from .conftest import durable, new_stack, resources_of, synth


def _version(**overrides: Any) -> tuple[cdk.Stack, dict[str, Any]]:
    stack = new_stack()
    durable(stack, **overrides)
    [version] = resources_of(synth(stack), "AWS::Lambda::Version").values()
    return stack, version


def _destroy_warnings(stack: cdk.Stack) -> list[Any]:
    return Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("version_removal_policy is DESTROY")
    )


def test_by_default_every_published_version_is_retained_on_update_and_delete() -> None:
    # Given no removal policy, When synthesized, Then the version survives replacement and removal
    stack, version = _version()
    assert version["DeletionPolicy"] == "Retain"
    assert version["UpdateReplacePolicy"] == "Retain"
    assert _destroy_warnings(stack) == []


def test_explicit_retain_is_the_same_as_the_default() -> None:
    _, version = _version(version_removal_policy=cdk.RemovalPolicy.RETAIN)
    assert (version["DeletionPolicy"], version["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_retain_on_update_or_delete_keeps_versions_except_on_a_failed_create() -> None:
    _, version = _version(version_removal_policy=cdk.RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE)
    assert (version["DeletionPolicy"], version["UpdateReplacePolicy"]) == ("RetainExceptOnCreate", "Retain")


def test_destroy_deletes_old_versions_and_warns_what_it_costs() -> None:
    # Given DESTROY, Then CloudFormation deletes the previous version, and a warning says what happens
    # to executions suspended on it (acknowledgeable by id)
    stack, version = _version(version_removal_policy=cdk.RemovalPolicy.DESTROY)
    assert version.get("DeletionPolicy", "Delete") == "Delete"
    assert version.get("UpdateReplacePolicy", "Delete") == "Delete"
    [warning] = _destroy_warnings(stack)
    message = warning.entry.data
    assert "stranded" in message and "cdk-durable versions" in message
    assert f"[ack: {ANN_VERSION_DESTROY}]" in message


def test_the_destroy_warning_can_be_acknowledged() -> None:
    stack = new_stack()
    fn = durable(stack, version_removal_policy=cdk.RemovalPolicy.DESTROY)
    cdk.Annotations.of(fn).acknowledge_warning(ANN_VERSION_DESTROY, "short-lived test workflows")
    synth(stack)
    assert _destroy_warnings(stack) == []


def test_current_version_options_are_kept_and_the_version_is_still_retained() -> None:
    # Given a user's current_version_options without a removal policy, Then their description stays
    # and the construct's default (RETAIN) applies
    _, version = _version(current_version_options=lambda_.VersionOptions(description="release 42"))
    assert version["Properties"]["Description"] == "release 42"
    assert (version["DeletionPolicy"], version["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_current_version_options_as_a_dict_work_like_the_struct() -> None:
    _, version = _version(current_version_options={"description": "release 43"})
    assert version["Properties"]["Description"] == "release 43"
    assert version["DeletionPolicy"] == "Retain"


def test_a_removal_policy_in_current_version_options_counts_as_version_removal_policy() -> None:
    stack, version = _version(
        current_version_options=lambda_.VersionOptions(removal_policy=cdk.RemovalPolicy.DESTROY)
    )
    assert version.get("DeletionPolicy", "Delete") == "Delete"
    assert len(_destroy_warnings(stack)) == 1


def test_agreeing_removal_policies_in_both_places_are_accepted() -> None:
    _, version = _version(
        version_removal_policy=cdk.RemovalPolicy.RETAIN,
        current_version_options=lambda_.VersionOptions(removal_policy=cdk.RemovalPolicy.RETAIN),
    )
    assert version["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {
                "version_removal_policy": cdk.RemovalPolicy.RETAIN,
                "current_version_options": lambda_.VersionOptions(removal_policy=cdk.RemovalPolicy.DESTROY),
            },
            "version_removal_policy cannot be combined with a different current_version_options.removal_policy: "
            "both set how published versions are removed; give one of them",
        ),
        (
            {"version_removal_policy": cdk.RemovalPolicy.SNAPSHOT},
            "version_removal_policy must be one of RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, "
            "RemovalPolicy.DESTROY, got <RemovalPolicy.SNAPSHOT: 'SNAPSHOT'>",
        ),
        (
            {"version_removal_policy": "RETAIN"},
            "version_removal_policy must be one of RemovalPolicy.RETAIN, RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, "
            "RemovalPolicy.DESTROY, got 'RETAIN'",
        ),
        (
            {"current_version_options": {"removal_policy": cdk.RemovalPolicy.SNAPSHOT}},
            "current_version_options.removal_policy must be one of RemovalPolicy.RETAIN, "
            "RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, RemovalPolicy.DESTROY, got <RemovalPolicy.SNAPSHOT: 'SNAPSHOT'>",
        ),
        (
            {"current_version_options": {"descripton": "typo"}},
            "current_version_options has unknown option(s) descripton: allowed are ",
        ),
        (
            {"current_version_options": "RETAIN"},
            "current_version_options must be a lambda_.VersionOptions, got str 'RETAIN'",
        ),
    ],
    ids=["conflict", "snapshot", "not-a-policy", "snapshot-in-options", "unknown-option", "not-options"],
)
def test_bad_version_options_fail_at_construction_with_one_line(
    overrides: dict[str, Any], message: str
) -> None:
    stack = new_stack()
    with pytest.raises(DurableValidationError) as raised:
        durable(stack, **overrides)
    text = str(raised.value)
    assert "\n" not in text
    assert text.startswith(message)


def test_destinations_in_current_version_options_are_refused() -> None:
    from aws_cdk import aws_lambda_destinations as destinations

    stack = new_stack()
    target = destinations.SqsDestination(sqs.Queue(stack, "Q"))
    with pytest.raises(DurableValidationError, match=r"^current_version_options.on_failure is not allowed"):
        durable(stack, current_version_options=lambda_.VersionOptions(on_failure=target))


def test_the_props_typeddict_lists_every_own_prop_including_version_removal_policy() -> None:
    import inspect

    from cdk_durable.durable_function import DurableFunction, DurableFunctionProps

    params = inspect.signature(DurableFunction.__init__).parameters
    own = {n for n, prm in params.items() if prm.kind is inspect.Parameter.KEYWORD_ONLY}
    assert set(DurableFunctionProps.__annotations__) == own
    assert "version_removal_policy" in own
