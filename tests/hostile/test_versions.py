"""``cdk-durable versions``: hostile targets, options and AWS configuration (see :mod:`._harness`);
then faults injected into ``--prune`` (botocore's Stubber): throttling, access denied, errors in the
middle of a pagination and right before a delete. Whatever fails, no version that an alias or a live
execution needs is ever deleted, and the command ends with one line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.stub import Stubber
from click.testing import CliRunner

from cdk_durable import versions as versions_module
from cdk_durable.cli import main
from tests.versions.test_versions import (
    FUNCTION_ARN,
    _add_executions,
    _add_listing,
    _client,
    _config,
    _execution,
    _executions_request,
)

from ._harness import CONTROL, TRACEBACK, Case, assert_clean, run_case

ESC = "\x1b[2J\x1b]0;pwned\x07"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test",
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_CONFIG_FILE": "{tmp}/no-config",
    "AWS_SHARED_CREDENTIALS_FILE": "{tmp}/no-credentials",
}
#: Nothing listens there: the connection is refused at once (loopback only).
UNREACHABLE = {**CREDENTIALS, "AWS_ENDPOINT_URL_LAMBDA": "http://127.0.0.1:9", "AWS_MAX_ATTEMPTS": "1"}


def _v(
    id: str, *args: str, exit: int = 1, names: str | None = None, env: dict | None = None, **kw: Any
) -> Case:  # type: ignore[type-arg]
    return Case(
        id,
        ("versions", *args),
        exit,
        names,
        env={**CREDENTIALS, "AWS_REGION": "eu-west-1", **(env or {})},
        **kw,
    )


CASES: list[Case] = [
    # --- FUNCTION[:ALIAS] ---------------------------------------------------------------------------------
    _v("target-empty", "", names="FUNCTION"),
    _v("target-spaces", "my function", names="FUNCTION"),
    _v("target-too-long", "f" * 65, names="FUNCTION"),
    _v("target-version-qualifier", "orders:3", names="an alias, not a version"),
    _v("target-latest", "orders:$LATEST", names="an alias, not a version"),
    _v("target-two-colons", "orders:live:x", names="FUNCTION"),
    _v("target-escape", f"orders{ESC}", names="\\x1b"),
    _v("target-bad-arn", "arn:aws:s3:::bucket", names="FUNCTION"),
    _v("target-nul-like", "orders\x7f", names="\\x7f"),
    # --- options ------------------------------------------------------------------------------------------
    _v("keep-negative", "orders", "--prune", "--keep", "-1", names="--keep"),
    _v("keep-text", "orders", "--prune", "--keep", "all", names="--keep"),
    _v("keep-fraction", "orders", "--prune", "--keep", "1.5", names="--keep"),
    _v("format-unknown", "orders", "--format", "yaml", names="--format"),
    _v("yes-without-prune", "orders", "--yes", names="--yes"),
    _v("unknown-option", "orders", "--force", exit=2, names="--force"),
    _v("missing-target", exit=2, names="FUNCTION"),
    # --- AWS configuration: refused before any request (or refused by loopback) -----------------------
    _v("region-invalid", "orders", "--region", "not a region!", names="region"),
    _v("region-escape", "orders", "--region", f"eu{ESC}", names="region"),
    _v("endpoint-url-invalid", "orders", names="endpoint", env={"AWS_ENDPOINT_URL_LAMBDA": "not a url"}),
    _v("endpoint-unreachable", "orders", names="127.0.0.1", env=UNREACHABLE),
    _v("endpoint-unreachable-prune-yes", "orders", "--prune", "--yes", names="127.0.0.1", env=UNREACHABLE),
    _v("profile-unknown", "orders", "--profile", "nope", names="--profile"),
    _v(
        "no-credentials",
        "orders",
        names="credentials",
        env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""},
    ),
    _v("no-region", "orders", names="region", env={"AWS_REGION": "", "AWS_DEFAULT_REGION": ""}),
    _v(
        "config-file-binary",
        "orders",
        "--profile",
        "p",
        names="config",
        env={"AWS_CONFIG_FILE": "{tmp}/config"},
        files={"config": b"\x00\xff[profile p]\x00"},
    ),
    _v(
        "subprocess-endpoint-unreachable",
        "orders",
        "--prune",
        "--yes",
        names="127.0.0.1",
        env=UNREACHABLE,
        subprocess=True,
    ),
    _v("subprocess-target-escape", f"orders{ESC}", names="\\x1b", subprocess=True),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_versions_hostile(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run_case(case, tmp_path, monkeypatch)
    assert_clean(case, code, out, err, tmp_path / "case")


# --- faults injected into --prune ------------------------------------------------------------------------
#
# The stubbed function (tests/versions): versions 1-6; alias live on 6 (+10 % on 5), previous on 3;
# a PAUSED execution on 2, two RUNNING ones on 6. With --keep 1 only 1 and 4 may go.

NEEDED = {"2", "3", "5", "6"}
MAY_GO = {"1", "4"}


@pytest.fixture
def lambda_(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, Stubber, list[str]]]:
    client = _client()
    monkeypatch.setattr(versions_module, "lambda_client", lambda **_: client)
    deleted: list[str] = []  # every DeleteFunction *requested* (a failed request is counted too)

    def record(params: dict[str, Any], **_: Any) -> None:
        deleted.append(params["Qualifier"])

    client.meta.events.register("provide-client-params.lambda.DeleteFunction", record)
    with Stubber(client) as stubber:
        yield client, stubber, deleted


def _error(stubber: Stubber, operation: str, code: str, params: dict[str, Any] | None = None) -> None:
    status = 429 if code in ("ThrottlingException", "TooManyRequestsException") else 403
    stubber.add_client_error(
        operation,
        service_error_code=code,
        service_message=f"{code} {ESC}",
        http_status_code=status,
        expected_params=params,
    )


def _listing_until(stubber: Stubber, fail: str) -> None:
    """The listing of tests/versions, failing at ``fail`` (a step name below)."""
    if fail == "versions-page-1":
        return _error(stubber, "list_versions_by_function", "ThrottlingException", {"FunctionName": "orders"})
    stubber.add_response(
        "list_versions_by_function",
        {"Versions": [_config(v) for v in ("$LATEST", "1", "2", "3")], "NextMarker": "v3"},
        {"FunctionName": "orders"},
    )
    if fail == "versions-page-2":
        return _error(
            stubber,
            "list_versions_by_function",
            "ThrottlingException",
            {"FunctionName": "orders", "Marker": "v3"},
        )
    stubber.add_response(
        "list_versions_by_function",
        {"Versions": [_config(v) for v in ("4", "5", "6")]},
        {"FunctionName": "orders", "Marker": "v3"},
    )
    previous = {"Name": "previous", "AliasArn": f"{FUNCTION_ARN}:previous", "FunctionVersion": "3"}
    live = {
        "Name": "live",
        "AliasArn": f"{FUNCTION_ARN}:live",
        "FunctionVersion": "6",
        "RoutingConfig": {"AdditionalVersionWeights": {"5": 0.1}},
    }
    if fail == "aliases-denied":
        return _error(stubber, "list_aliases", "AccessDeniedException", {"FunctionName": "orders"})
    stubber.add_response(
        "list_aliases", {"Aliases": [previous], "NextMarker": "a1"}, {"FunctionName": "orders"}
    )
    if fail == "aliases-page-2":
        return _error(stubber, "list_aliases", "ServiceException", {"FunctionName": "orders", "Marker": "a1"})
    stubber.add_response("list_aliases", {"Aliases": [live]}, {"FunctionName": "orders", "Marker": "a1"})
    for version in ("1", "2", "3", "4", "5", "6"):
        if fail == f"executions-{version}-denied":
            return _error(
                stubber,
                "list_durable_executions_by_function",
                "AccessDeniedException",
                _executions_request(version),
            )
        if fail == "executions-6-page-2" and version == "6":
            first = {"DurableExecutions": [_execution("6", "order-8", "RUNNING")], "NextMarker": "m1"}
            stubber.add_response("list_durable_executions_by_function", first, _executions_request("6"))
            return _error(
                stubber,
                "list_durable_executions_by_function",
                "ThrottlingException",
                _executions_request("6", "m1"),
            )
        _add_executions(stubber, version)
    return None


def _recheck_fails(version: str) -> Callable[[Stubber], None]:
    def faults(stubber: Stubber) -> None:
        _listing_until(stubber, "")
        if version == "4":
            _add_executions(stubber, "1")
            stubber.add_response("delete_function", {}, {"FunctionName": "orders", "Qualifier": "1"})
        _error(
            stubber,
            "list_durable_executions_by_function",
            "ThrottlingException",
            _executions_request(version),
        )

    return faults


def _delete_fails(version: str, code: str) -> Callable[[Stubber], None]:
    def faults(stubber: Stubber) -> None:
        _listing_until(stubber, "")
        if version == "4":
            _add_executions(stubber, "1")
            stubber.add_response("delete_function", {}, {"FunctionName": "orders", "Qualifier": "1"})
        _add_executions(stubber, version)
        _error(stubber, "delete_function", code, {"FunctionName": "orders", "Qualifier": version})

    return faults


def _recheck_finds_execution_on_page_2(stubber: Stubber) -> None:
    _listing_until(stubber, "")
    _add_executions(stubber, "1")
    stubber.add_response("delete_function", {}, {"FunctionName": "orders", "Qualifier": "1"})
    stubber.add_response(
        "list_durable_executions_by_function",
        {"DurableExecutions": [], "NextMarker": "late"},
        _executions_request("4"),
    )
    stubber.add_response(
        "list_durable_executions_by_function",
        {"DurableExecutions": [_execution("4", "late", "PAUSED")]},
        _executions_request("4", "late"),
    )


FAULTS: list[tuple[str, Callable[[Stubber], None], int, set[str], str | None]] = [
    # id, faults, exit code, versions a delete was requested for, what the one stderr line names
    (
        "throttled-listing-versions",
        lambda s: _listing_until(s, "versions-page-1"),
        1,
        set(),
        "ThrottlingException",
    ),
    (
        "throttled-mid-pagination-versions",
        lambda s: _listing_until(s, "versions-page-2"),
        1,
        set(),
        "ThrottlingException",
    ),
    ("denied-listing-aliases", lambda s: _listing_until(s, "aliases-denied"), 1, set(), "lambda:ListAliases"),
    (
        "error-mid-pagination-aliases",
        lambda s: _listing_until(s, "aliases-page-2"),
        1,
        set(),
        "ServiceException",
    ),
    (
        "denied-executions-of-a-paused-version",
        lambda s: _listing_until(s, "executions-2-denied"),
        1,
        set(),
        "AccessDeniedException",
    ),
    (
        "throttled-mid-pagination-executions",
        lambda s: _listing_until(s, "executions-6-page-2"),
        1,
        set(),
        "ThrottlingException",
    ),
    ("throttled-recheck-before-first-delete", _recheck_fails("1"), 1, set(), "ThrottlingException"),
    ("throttled-recheck-before-second-delete", _recheck_fails("4"), 1, {"1"}, "deleted before the error: 1"),
    ("denied-first-delete", _delete_fails("1", "AccessDeniedException"), 1, {"1"}, "lambda:DeleteFunction"),
    (
        "throttled-second-delete",
        _delete_fails("4", "TooManyRequestsException"),
        1,
        {"1", "4"},
        "deleted before the error: 1",
    ),
    ("execution-appears-on-recheck-page-2", _recheck_finds_execution_on_page_2, 0, {"1"}, None),
]


@pytest.mark.parametrize(
    ("faults", "exit_code", "deleted_expected", "names"), [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS]
)
def test_prune_under_faults_never_deletes_what_is_needed(
    lambda_: tuple[Any, Stubber, list[str]],
    faults: Callable[[Stubber], None],
    exit_code: int,
    deleted_expected: set[str],
    names: str | None,
) -> None:
    _client, stubber, deleted = lambda_
    faults(stubber)
    result = CliRunner().invoke(main, ["versions", "orders", "--prune", "--keep", "1", "--yes"])
    assert not (set(deleted) & NEEDED), f"deleted a needed version: {deleted}"
    assert set(deleted) <= MAY_GO
    assert set(deleted) == deleted_expected, deleted
    assert result.exit_code == exit_code, result.output
    stubber.assert_no_pending_responses()
    assert not TRACEBACK.search(result.output)
    assert CONTROL.search(result.output) is None, result.output
    lines = result.stderr.splitlines()
    if names is None:
        assert lines == []
    else:
        assert len(lines) == 1 and names in lines[0], result.stderr


def test_a_dry_run_under_faults_deletes_nothing(lambda_: tuple[Any, Stubber, list[str]]) -> None:
    _client, stubber, deleted = lambda_
    _listing_until(stubber, "executions-6-page-2")
    result = CliRunner().invoke(main, ["versions", "orders", "--prune", "--keep", "0"])
    assert deleted == [] and result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1


def test_the_listing_fixture_is_the_one_tests_versions_uses(lambda_: tuple[Any, Stubber, list[str]]) -> None:
    """The fault scenarios above start from the same listing as tests/versions (sibling of the faults)."""
    _client, stubber, deleted = lambda_
    _add_listing(stubber)
    result = CliRunner().invoke(main, ["versions", "orders", "--prune", "--keep", "1"])
    assert result.exit_code == 0 and deleted == []
    assert "would delete" in result.output or "candidates" in result.output or "1, 4" in result.output, (
        result.output
    )
