"""``cdk-durable versions``: listing and safe pruning, with botocore's Stubber standing in for Lambda.

The stubbed function ``orders`` has versions 1-6 (two pages), alias ``live`` on 6 with 10 % routed to 5,
alias ``previous`` on 3, one PAUSED execution on 2 and two RUNNING ones on 6 (two pages).
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from click.testing import CliRunner, Result

from cdk_durable import platform as p
from cdk_durable import versions as versions_module
from cdk_durable.cli import main
from cdk_durable.versions import VersionInfo, plan_prune, split_target

REGION = "eu-west-1"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:123456789012:function:orders"
STARTED = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)  # fixed: no outcome depends on today's date
LIVE = list(p.LIVE_EXECUTION_STATUSES)


def _client() -> Any:
    return boto3.client("lambda", region_name=REGION, aws_access_key_id="test", aws_secret_access_key="test")


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Any:
    client = _client()
    monkeypatch.setattr(versions_module, "lambda_client", lambda **_: client)
    return client


@pytest.fixture
def stubbed(client: Any) -> Iterator[Stubber]:
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _config(version: str) -> dict[str, Any]:
    return {
        "FunctionName": "orders",
        "FunctionArn": f"{FUNCTION_ARN}:{version}",
        "Version": version,
        "LastModified": f"2026-11-0{version if version != '$LATEST' else '9'}T10:00:00.000+0000",
        "Description": "" if version == "$LATEST" else f"code v{version}",
        "CodeSize": 1000,
    }


def _execution(version: str, name: str, status: str) -> dict[str, Any]:
    return {
        "DurableExecutionArn": f"{FUNCTION_ARN}:{version}/durable-execution/{name}/run-1",
        "DurableExecutionName": name,
        "FunctionArn": f"{FUNCTION_ARN}:{version}",
        "Status": status,
        "StartTimestamp": STARTED,
    }


def _executions_request(version: str, marker: str | None = None) -> dict[str, Any]:
    request: dict[str, Any] = {"FunctionName": "orders", "Qualifier": version, "Statuses": LIVE}
    if marker:
        request["Marker"] = marker
    return request


def _add_executions(stubber: Stubber, version: str) -> None:
    """The live executions of one version, as the listing asks for them (every page)."""
    if version == "2":
        page = {"DurableExecutions": [_execution("2", "order-7", "PAUSED")]}
        stubber.add_response("list_durable_executions_by_function", page, _executions_request("2"))
    elif version == "6":
        first = {"DurableExecutions": [_execution("6", "order-8", "RUNNING")], "NextMarker": "m1"}
        second = {"DurableExecutions": [_execution("6", "order-9", "RUNNING")]}
        stubber.add_response("list_durable_executions_by_function", first, _executions_request("6"))
        stubber.add_response("list_durable_executions_by_function", second, _executions_request("6", "m1"))
    else:
        stubber.add_response(
            "list_durable_executions_by_function", {"DurableExecutions": []}, _executions_request(version)
        )


def _add_listing(stubber: Stubber) -> None:
    stubber.add_response(
        "list_versions_by_function",
        {"Versions": [_config(v) for v in ("$LATEST", "1", "2", "3")], "NextMarker": "v3"},
        {"FunctionName": "orders"},
    )
    stubber.add_response(
        "list_versions_by_function",
        {"Versions": [_config(v) for v in ("4", "5", "6")]},
        {"FunctionName": "orders", "Marker": "v3"},
    )
    stubber.add_response(
        "list_aliases",
        {
            "Aliases": [
                {
                    "Name": "live",
                    "AliasArn": f"{FUNCTION_ARN}:live",
                    "FunctionVersion": "6",
                    "RoutingConfig": {"AdditionalVersionWeights": {"5": 0.1}},
                },
                {"Name": "previous", "AliasArn": f"{FUNCTION_ARN}:previous", "FunctionVersion": "3"},
            ]
        },
        {"FunctionName": "orders"},
    )
    for version in ("1", "2", "3", "4", "5", "6"):
        _add_executions(stubber, version)


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["versions", *args])


# --- listing ----------------------------------------------------------------------------------------


def test_lists_versions_with_their_aliases_and_live_executions(stubbed: Stubber) -> None:
    _add_listing(stubbed)
    result = _run("orders:live")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "orders: 6 published version(s)\n"
        "VERSION  ALIASES   RUNNING  PAUSING  PAUSED  LAST MODIFIED                 DESCRIPTION\n"
        "1        -         0        0        0       2026-11-01T10:00:00.000+0000  code v1\n"
        "2        -         0        0        1       2026-11-02T10:00:00.000+0000  code v2\n"
        "3        previous  0        0        0       2026-11-03T10:00:00.000+0000  code v3\n"
        "4        -         0        0        0       2026-11-04T10:00:00.000+0000  code v4\n"
        "5        live*     0        0        0       2026-11-05T10:00:00.000+0000  code v5\n"
        "6        live*     2        0        0       2026-11-06T10:00:00.000+0000  code v6\n"
        "(* = live)\n"
    )


def test_json_lists_the_same_facts(stubbed: Stubber) -> None:
    _add_listing(stubbed)
    result = _run("orders", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["function"] == "orders" and document["alias"] is None
    assert "prune" not in document
    rows = {v["version"]: v for v in document["versions"]}
    assert list(rows) == ["1", "2", "3", "4", "5", "6"]  # $LATEST is not a published version
    assert rows["6"] | {} == {
        "version": "6",
        "aliases": ["live"],
        "running": 2,
        "pausing": 0,
        "paused": 0,
        "last_modified": "2026-11-06T10:00:00.000+0000",
        "description": "code v6",
        "code_size": 1000,
    }
    assert rows["5"]["aliases"] == ["live"]  # routed weight counts as pointing at it
    assert rows["2"]["paused"] == 1


def test_a_function_arn_with_an_alias_is_accepted(stubbed: Stubber) -> None:
    # Given the alias ARN a stack output prints, Then the function ARN is the FunctionName of every call
    stubbed.add_response(
        "list_versions_by_function", {"Versions": [_config("1")]}, {"FunctionName": FUNCTION_ARN}
    )
    stubbed.add_response(
        "list_aliases",
        {"Aliases": [{"Name": "previous", "FunctionVersion": "1"}]},
        {"FunctionName": FUNCTION_ARN},
    )
    stubbed.add_response(
        "list_durable_executions_by_function",
        {"DurableExecutions": []},
        {**_executions_request("1"), "FunctionName": FUNCTION_ARN},
    )
    result = _run(f"{FUNCTION_ARN}:previous", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert (document["alias"], document["versions"][0]["aliases"]) == ("previous", ["previous"])


def test_an_alias_that_does_not_exist_is_one_line(stubbed: Stubber) -> None:
    stubbed.add_response("list_versions_by_function", {"Versions": []}, {"FunctionName": "orders"})
    stubbed.add_response("list_aliases", {"Aliases": []}, {"FunctionName": "orders"})
    result = _run("orders:beta")
    assert result.exit_code == 1
    assert result.stderr == "cdk-durable versions: function 'orders' has no alias 'beta'\n"


# --- pruning ---------------------------------------------------------------------------------------


def test_prune_is_a_dry_run_without_yes_and_deletes_nothing(stubbed: Stubber) -> None:
    _add_listing(stubbed)  # no delete_function stubbed: a delete would fail the test
    result = _run("orders", "--prune")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].endswith("PRUNE")
    assert lines[2].split()[-1] == "delete"
    assert lines[3].endswith("keep (executions: 1 paused)")
    assert lines[4].endswith("keep (alias previous)")
    assert lines[5].endswith("keep (among the newest 3)")
    assert lines[6].endswith("keep (alias live)")
    assert lines[-1] == "dry run: would delete version(s) 1; pass --yes to delete"


def test_prune_yes_deletes_only_unaliased_idle_versions_beyond_the_newest_k(stubbed: Stubber) -> None:
    # Given --keep 1, Then 1 and 4 go (no alias, nothing live) and 2, 3, 5, 6 stay; each delete is
    # preceded by a fresh check of the version's live executions
    _add_listing(stubbed)
    for version in ("1", "4"):
        _add_executions(stubbed, version)
        stubbed.add_response("delete_function", {}, {"FunctionName": "orders", "Qualifier": version})
    result = _run("orders", "--prune", "--keep", "1", "--yes", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["prune"] == {"keep": 1, "dry_run": False, "candidates": ["1", "4"], "deleted": ["1", "4"]}
    reasons = {v["version"]: (v["prune"], v["reason"]) for v in document["versions"]}
    assert reasons["2"] == (False, "executions: 1 paused")
    assert reasons["5"] == (False, "alias live")
    assert reasons["4"] == (True, "no alias, no live execution, older than the newest 1")


def test_a_version_that_gained_an_execution_since_the_listing_is_not_deleted(stubbed: Stubber) -> None:
    _add_listing(stubbed)
    stubbed.add_response(
        "list_durable_executions_by_function",
        {"DurableExecutions": [_execution("1", "late", "RUNNING")]},
        _executions_request("1"),
    )
    result = _run("orders", "--prune", "--yes")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        "deleted version(s) none",
        "kept 1: an execution started on it since the listing",
    ]


def test_nothing_to_prune_says_why(stubbed: Stubber) -> None:
    _add_listing(stubbed)
    result = _run("orders", "--prune", "--keep", "6")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == (
        "nothing to prune (kept: aliased, with live executions, or among the newest 6)"
    )


def test_a_failed_delete_is_one_line_naming_what_was_already_deleted(stubbed: Stubber) -> None:
    _add_listing(stubbed)
    _add_executions(stubbed, "1")
    stubbed.add_response("delete_function", {}, {"FunctionName": "orders", "Qualifier": "1"})
    _add_executions(stubbed, "4")
    stubbed.add_client_error(
        "delete_function",
        service_error_code="AccessDeniedException",
        service_message="not authorized to perform lambda:DeleteFunction",
        http_status_code=403,
        expected_params={"FunctionName": "orders", "Qualifier": "4"},
    )
    result = _run("orders", "--prune", "--keep", "1", "--yes")
    assert result.exit_code == 1
    assert result.stderr == (
        "cdk-durable versions: DeleteFunction for version 4 failed: AccessDeniedException: not authorized "
        "to perform lambda:DeleteFunction (the caller needs lambda:DeleteFunction on <function ARN>:* "
        "(--prune --yes only)) (deleted before the error: 1)\n"
    )


def test_plan_with_keep_zero_keeps_only_what_an_alias_or_execution_needs() -> None:
    versions = [
        VersionInfo("1"),
        VersionInfo("2", aliases=["live"]),
        VersionInfo("3", executions={"PAUSING": 1}),
        VersionInfo("10"),
    ]
    decisions = {d.version: d.delete for d in plan_prune(versions, keep=0)}
    assert decisions == {"1": True, "2": False, "3": False, "10": True}
    # versions sort as numbers: 10 is the newest
    assert [d.version for d in plan_prune(versions, keep=1) if not d.delete] == ["2", "3", "10"]


# --- errors: one line, exit 1 ---------------------------------------------------------------------


def test_access_denied_names_the_permission_needed(stubbed: Stubber) -> None:
    stubbed.add_client_error(
        "list_versions_by_function",
        service_error_code="AccessDeniedException",
        service_message="not authorized",
        http_status_code=403,
    )
    result = _run("orders")
    assert result.exit_code == 1
    assert result.stderr == (
        "cdk-durable versions: ListVersionsByFunction failed: AccessDeniedException: not authorized "
        "(the caller needs lambda:ListVersionsByFunction on <function ARN>)\n"
    )


def test_an_unknown_function_is_one_line(stubbed: Stubber) -> None:
    stubbed.add_client_error(
        "list_versions_by_function",
        service_error_code="ResourceNotFoundException",
        service_message="Function not found: orders",
        http_status_code=404,
    )
    result = _run("orders")
    assert result.exit_code == 1
    assert result.stderr == (
        "cdk-durable versions: ListVersionsByFunction failed: ResourceNotFoundException: "
        "Function not found: orders\n"
    )


def test_a_connection_error_is_one_line(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*_: Any, **__: Any) -> Any:
        raise EndpointConnectionError(endpoint_url=f"https://lambda.{REGION}.amazonaws.com/")

    monkeypatch.setattr(client, "get_paginator", unreachable)
    result = _run("orders")
    assert result.exit_code == 1
    assert result.stderr == (
        "cdk-durable versions: AWS call failed: Could not connect to the endpoint URL: "
        f'"https://lambda.{REGION}.amazonaws.com/"\n'
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["orders", "--keep", "-1", "--prune"],
            "--keep must be a whole number of versions (0 or more), got '-1'",
        ),
        (["orders", "--keep", "three"], "--keep must be a whole number of versions (0 or more), got 'three'"),
        (["orders", "--format", "yaml"], "--format must be one of text, json, got 'yaml'"),
        (["orders", "--yes"], "--yes only applies with --prune (listing never deletes anything)"),
        (
            ["orders:7"],
            "FUNCTION must be NAME, NAME:ALIAS or a function ARN (an alias, not a version), got 'orders:7'",
        ),
        (
            ["or ders"],
            "FUNCTION must be NAME, NAME:ALIAS or a function ARN (e.g. orders or orders:live), got 'or ders'",
        ),
    ],
    ids=["negative-keep", "word-keep", "format", "yes-without-prune", "version-qualifier", "bad-name"],
)
def test_bad_input_is_one_line_and_calls_nothing(stubbed: Stubber, args: list[str], message: str) -> None:
    result = _run(*args)  # nothing stubbed: any AWS call would fail the test
    assert result.exit_code == 1
    assert result.stderr == f"cdk-durable versions: {message}\n"


def test_split_target_forms() -> None:
    assert split_target("orders") == ("orders", None)
    assert split_target("orders:live") == ("orders", "live")
    assert split_target(FUNCTION_ARN) == (FUNCTION_ARN, None)
    assert split_target(f"{FUNCTION_ARN}:live") == (FUNCTION_ARN, "live")


# --- the un-stubbed client path (what a user's shell gives the command) -------------------------------


@pytest.fixture
def no_aws_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> pytest.MonkeyPatch:
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                 "AWS_SESSION_TOKEN", "AWS_REGION", "AWS_DEFAULT_REGION"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return monkeypatch


def test_without_credentials_the_command_says_so_in_one_line(no_aws_config: pytest.MonkeyPatch) -> None:
    result = _run("orders", "--region", REGION)
    assert result.exit_code == 1
    assert result.stderr == (
        "cdk-durable versions: no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run "
        "`aws configure`)\n"
    )


def test_without_a_region_the_command_says_so_in_one_line(no_aws_config: pytest.MonkeyPatch) -> None:
    no_aws_config.setenv("AWS_ACCESS_KEY_ID", "test")
    no_aws_config.setenv("AWS_SECRET_ACCESS_KEY", "test")
    result = _run("orders")
    assert result.exit_code == 1
    assert result.stderr == (
        "cdk-durable versions: no AWS region: pass --region or set AWS_REGION (or AWS_DEFAULT_REGION)\n"
    )


def test_an_unknown_profile_is_one_line(no_aws_config: pytest.MonkeyPatch) -> None:
    result = _run("orders", "--profile", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("cdk-durable versions: --profile: ")
    assert result.stderr.count("\n") == 1


def test_the_real_client_takes_region_and_credentials_from_options_and_environment(
    no_aws_config: pytest.MonkeyPatch,
) -> None:
    no_aws_config.setenv("AWS_ACCESS_KEY_ID", "test")
    no_aws_config.setenv("AWS_SECRET_ACCESS_KEY", "test")
    no_aws_config.setenv("AWS_REGION", "us-west-2")
    assert versions_module.lambda_client(region=None, profile=None).meta.region_name == "us-west-2"
    assert versions_module.lambda_client(region=REGION, profile=None).meta.region_name == REGION


def test_the_command_is_registered_in_the_cli() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "versions  List published versions and prune the ones nothing needs." in result.output


# --- the docs page: every command as printed, the sample output, the IAM table ------------------------

DOCS = Path(__file__).resolve().parents[2] / "docs" / "changing-workflows.md"


def _docs_commands() -> list[list[str]]:
    lines = [ln.strip() for ln in DOCS.read_text().splitlines()]
    return [shlex.split(ln)[1:] for ln in lines if ln.startswith("cdk-durable versions ")]


def test_the_docs_print_commands_that_run_as_printed(client: Any) -> None:
    commands = _docs_commands()
    assert len(commands) >= 4
    for args in commands:
        with Stubber(client) as stubber:
            _add_listing(stubber)
            if "--yes" in args:
                keep = int(args[args.index("--keep") + 1]) if "--keep" in args else 3
                versions = versions_module.collect_versions(_client_for_plan(), "orders")
                for d in plan_prune(versions, keep=keep):
                    if d.delete:
                        _add_executions(stubber, d.version)
                        stubber.add_response(
                            "delete_function", {}, {"FunctionName": "orders", "Qualifier": d.version}
                        )
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, (args, result.output)
            stubber.assert_no_pending_responses()


def _client_for_plan() -> Any:
    """A second stubbed client that answers the listing once (to compute what --yes will delete)."""
    other = _client()
    stubber = Stubber(other)
    _add_listing(stubber)
    stubber.activate()
    return other


def test_the_sample_output_in_the_docs_is_what_the_command_prints(stubbed: Stubber) -> None:
    _add_listing(stubbed)
    result = _run("orders:live")
    assert result.exit_code == 0
    assert result.output in DOCS.read_text()


def test_the_docs_list_every_permission_the_command_needs() -> None:
    text = DOCS.read_text()
    for operation, (action, resource) in versions_module.REQUIRED_ACTIONS.items():
        row = next((ln for ln in text.splitlines() if ln.startswith(f"| {operation}")), None)
        assert row is not None, operation
        assert f"`{action}`" in row, row
        for arn in re.findall(r"<function ARN>(?::\*)?", resource):
            assert f"`{arn}`" in row, row
