"""``cdk-durable versions``: the published versions of a durable function, and safe pruning.

Every deploy publishes a version and keeps the old ones (``DurableFunction`` retains them: executions
suspended on a version replay there when they resume). Retained versions count against Lambda's
per-region code-storage quota, so this command lists them with the aliases that point at each and the
executions still living on each, and ``--prune`` deletes only the versions that

- no alias points at (its ``FunctionVersion`` or a weight in its ``RoutingConfig``),
- have no RUNNING, PAUSING or PAUSED execution (``ListDurableExecutionsByFunction`` with the version
  as ``Qualifier``; checked again right before each delete), and
- are not among the newest ``--keep`` versions (default 3).

Dry run unless ``--yes``. Shape: collect (boto3) -> :func:`plan_prune` (pure) -> render (text or JSON)
-> :func:`delete_versions` (boto3). IAM the caller needs: :data:`REQUIRED_ACTIONS`.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import click

from . import _aws
from . import platform as p
from ._options import aws_client_options, check_format, count_option, format_option, read_count
from .errors import CdkDurableError

FORMATS = ("text", "json")
DEFAULT_KEEP = 3

#: What the caller needs, per API call, on which resource (docs/changing-workflows.md prints it).
REQUIRED_ACTIONS: Mapping[str, tuple[str, str]] = {
    "ListVersionsByFunction": ("lambda:ListVersionsByFunction", "<function ARN>"),
    "ListAliases": ("lambda:ListAliases", "<function ARN>"),
    "ListDurableExecutionsByFunction": (p.LIST_EXECUTIONS_ACTION, "<function ARN> and <function ARN>:*"),
    "DeleteFunction": ("lambda:DeleteFunction", "<function ARN>:* (--prune --yes only)"),
}

_CLIENT_MESSAGES = _aws.ClientMessages(
    no_boto3="cdk-durable versions needs boto3: pip install 'cdk-durable[local]'",
    no_credentials="no AWS credentials found (set AWS_PROFILE or AWS_ACCESS_KEY_ID, or run `aws configure`)",
    no_region="no AWS region: pass --region or set AWS_REGION (or AWS_DEFAULT_REGION)",
)


class VersionsError(CdkDurableError):
    """A user or AWS error: printed as one line, exit code 1."""


@dataclass
class VersionInfo:
    """One published version and what still needs it."""

    version: str
    last_modified: str = ""
    description: str = ""
    code_size: int = 0
    aliases: list[str] = field(default_factory=list)
    executions: dict[str, int] = field(default_factory=dict)  # status -> count (live statuses only)

    @property
    def live_executions(self) -> int:
        return sum(self.executions.get(s, 0) for s in p.LIVE_EXECUTION_STATUSES)


@dataclass
class PruneDecision:
    version: str
    delete: bool
    reason: str  # why it is kept, or why it may go


def split_target(target: str) -> tuple[str, str | None]:
    """``NAME[:ALIAS]`` or a function ARN (optionally with an alias) -> (FunctionName, alias)."""
    split = _aws.split_function(target)
    if split is not None:
        name, alias = split
        if alias is not None and (alias.isdigit() or alias == "$LATEST"):
            raise VersionsError(
                f"FUNCTION must be NAME, NAME:ALIAS or a function ARN (an alias, not a version), "
                f"got {target!r}"
            )
        return name, alias
    raise VersionsError(
        f"FUNCTION must be NAME, NAME:ALIAS or a function ARN (e.g. orders or orders:live), got {target!r}"
    )


def _version_key(version: str) -> int:
    return int(version) if version.isdigit() else -1


# --- collect (boto3) ------------------------------------------------------------------------------


def _api_error(exc: Exception, *, what: str = "") -> VersionsError:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        operation = exc.operation_name
        hint = ""
        if error.get("Code") in ("AccessDeniedException", "AccessDenied") and operation in REQUIRED_ACTIONS:
            action, resource = REQUIRED_ACTIONS[operation]
            hint = f" (the caller needs {action} on {resource})"
        return VersionsError(f"{operation}{what} failed: {error.get('Code')}: {error.get('Message')}{hint}")
    return VersionsError(f"AWS call failed{what}: {exc}")


def _pages(client: Any, operation: str, key: str, **request: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**request):
        items.extend(page.get(key, []))
    return items


def count_live_executions(client: Any, function_name: str, version: str) -> dict[str, int]:
    """RUNNING / PAUSING / PAUSED executions on one version (every page)."""
    counts = dict.fromkeys(p.LIVE_EXECUTION_STATUSES, 0)
    for execution in _pages(
        client,
        "list_durable_executions_by_function",
        "DurableExecutions",
        FunctionName=function_name,
        Qualifier=version,
        Statuses=list(p.LIVE_EXECUTION_STATUSES),
    ):
        status = execution.get("Status", "")
        if status in counts:
            counts[status] += 1
    return counts


def collect_versions(client: Any, function_name: str, *, alias: str | None = None) -> list[VersionInfo]:
    """Published versions (oldest first) with their aliases and live-execution counts."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        configurations = _pages(client, "list_versions_by_function", "Versions", FunctionName=function_name)
        aliases = _pages(client, "list_aliases", "Aliases", FunctionName=function_name)
        if alias is not None and alias not in {a["Name"] for a in aliases}:
            raise VersionsError(f"function {function_name!r} has no alias {alias!r}")
        versions = {
            c["Version"]: VersionInfo(
                version=c["Version"],
                last_modified=str(c.get("LastModified", "")),
                description=str(c.get("Description", "")),
                code_size=int(c.get("CodeSize", 0)),
            )
            for c in configurations
            if c.get("Version") and c["Version"] != "$LATEST"
        }
        for a in sorted(aliases, key=lambda a: str(a["Name"])):
            targets = [a.get("FunctionVersion")]
            targets += list((a.get("RoutingConfig") or {}).get("AdditionalVersionWeights", {}))
            for target in targets:
                if target in versions and a["Name"] not in versions[target].aliases:
                    versions[target].aliases.append(a["Name"])
        for info in versions.values():
            info.executions = count_live_executions(client, function_name, info.version)
    except (ClientError, BotoCoreError) as exc:
        raise _api_error(exc) from None
    return sorted(versions.values(), key=lambda v: _version_key(v.version))


# --- plan (pure) ----------------------------------------------------------------------------------


def plan_prune(versions: Sequence[VersionInfo], *, keep: int) -> list[PruneDecision]:
    """Which versions ``--prune`` deletes, each decision with its reason (oldest first)."""
    newest = (
        {v.version for v in sorted(versions, key=lambda v: _version_key(v.version))[-keep:]}
        if keep
        else set()
    )
    decisions = []
    for v in sorted(versions, key=lambda v: _version_key(v.version)):
        if v.aliases:
            reason = f"alias {', '.join(v.aliases)}"
        elif v.live_executions:
            live = ", ".join(f"{n} {s.lower()}" for s, n in v.executions.items() if n)
            reason = f"executions: {live}"
        elif v.version in newest:
            reason = f"among the newest {keep}"
        else:
            decisions.append(
                PruneDecision(v.version, True, f"no alias, no live execution, older than the newest {keep}")
            )
            continue
        decisions.append(PruneDecision(v.version, False, reason))
    return decisions


# --- delete (boto3) -------------------------------------------------------------------------------


def delete_versions(client: Any, function_name: str, versions: Iterable[str]) -> list[str]:
    """Delete each version, checking again first that no execution lives on it. Returns the deleted ones.

    A version that gained a live execution since the listing is skipped (not deleted).
    """
    from botocore.exceptions import BotoCoreError, ClientError

    deleted: list[str] = []
    for version in versions:
        try:
            if sum(count_live_executions(client, function_name, version).values()):
                continue
            client.delete_function(FunctionName=function_name, Qualifier=version)
        except (ClientError, BotoCoreError) as exc:
            done = f" (deleted before the error: {', '.join(deleted)})" if deleted else ""
            error = _api_error(exc, what=f" for version {version}")
            raise VersionsError(f"{error}{done}") from None
        deleted.append(version)
    return deleted


# --- render ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listing:
    """What a run found and did: the versions, the prune plan (``None`` without ``--prune``) and the
    versions deleted."""

    function_name: str
    alias: str | None
    versions: Sequence[VersionInfo]
    decisions: Sequence[PruneDecision] | None
    keep: int
    dry_run: bool
    deleted: Sequence[str] = ()

    @property
    def by_version(self) -> dict[str, PruneDecision]:
        return {d.version: d for d in self.decisions or ()}


def to_json_dict(listing: Listing) -> dict[str, Any]:
    document: dict[str, Any] = {
        "function": listing.function_name,
        "alias": listing.alias,
        "versions": [
            {
                "version": v.version,
                "aliases": v.aliases,
                **{status.lower(): v.executions.get(status, 0) for status in p.LIVE_EXECUTION_STATUSES},
                "last_modified": v.last_modified,
                "description": v.description,
                "code_size": v.code_size,
                **(
                    {
                        "prune": listing.by_version[v.version].delete,
                        "reason": listing.by_version[v.version].reason,
                    }
                    if v.version in listing.by_version
                    else {}
                ),
            }
            for v in listing.versions
        ],
    }
    if listing.decisions is not None:
        document["prune"] = {
            "keep": listing.keep,
            "dry_run": listing.dry_run,
            "candidates": [d.version for d in listing.decisions if d.delete],
            "deleted": list(listing.deleted),
        }
    return document


def render_text(listing: Listing) -> str:
    if not listing.versions:
        return f"{listing.function_name}: no published versions\n"
    header = ["VERSION", "ALIASES", *p.LIVE_EXECUTION_STATUSES, "LAST MODIFIED", "DESCRIPTION"]
    if listing.decisions is not None:
        header.append("PRUNE")
    rows = [header]
    for v in listing.versions:
        names = [f"{a}*" if a == listing.alias else a for a in v.aliases]
        row = [
            v.version,
            ",".join(names) or "-",
            *(str(v.executions.get(s, 0)) for s in p.LIVE_EXECUTION_STATUSES),
            v.last_modified or "-",
            v.description or "-",
        ]
        if listing.decisions is not None:
            d = listing.by_version[v.version]
            verb = ("deleted" if v.version in listing.deleted else "delete") if d.delete else "keep"
            row.append(verb if d.delete else f"keep ({d.reason})")
        rows.append(row)
    widths = [max(len(r[i]) for r in rows) for i in range(len(header) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[-1] for r in rows]
    out = [
        f"{listing.function_name}: {len(listing.versions)} published version(s)",
        *[ln.rstrip() for ln in lines],
    ]
    if listing.alias is not None:
        out.append(f"(* = {listing.alias})")
    if listing.decisions is not None:
        candidates = [d.version for d in listing.decisions if d.delete]
        if not candidates:
            out.append(
                f"nothing to prune (kept: aliased, with live executions, or among the newest {listing.keep})"
            )
        elif listing.dry_run:
            out.append(f"dry run: would delete version(s) {', '.join(candidates)}; pass --yes to delete")
        else:
            skipped = [c for c in candidates if c not in listing.deleted]
            out.append(f"deleted version(s) {', '.join(listing.deleted) or 'none'}")
            if skipped:
                out.append(f"kept {', '.join(skipped)}: an execution started on it since the listing")
    return "\n".join(out) + "\n"


# --- command --------------------------------------------------------------------------------------


#: A boto3 ``lambda`` client (:func:`cdk_durable._aws.lambda_client`), or one clear error.
lambda_client = functools.partial(_aws.lambda_client, messages=_CLIENT_MESSAGES, fail=VersionsError)


@click.command(name="versions")
@click.argument("target", metavar="FUNCTION[:ALIAS]")
@click.option("--prune", is_flag=True, help="Delete versions no alias points at, with no live execution.")
@count_option("--keep", "keep_text", DEFAULT_KEEP, "K", "With --prune: never delete the newest K versions.")
@click.option("--yes", is_flag=True, help="With --prune: really delete (default: dry run).")
@format_option(FORMATS)
@aws_client_options()
def command(**options: Any) -> None:
    """List a durable function's published versions; prune the ones nothing needs.

    FUNCTION is a function name or ARN; with :ALIAS that alias is marked (and must exist). Each
    version is shown with the aliases on it and its RUNNING, PAUSING and PAUSED executions. --prune
    deletes versions no alias points at, with no such execution, beyond the newest --keep (dry run
    unless --yes).
    """
    try:
        _run(**options)
    except VersionsError as exc:
        click.echo(f"cdk-durable versions: {exc.one_line()}", err=True)
        sys.exit(1)


def _run(
    *,
    target: str,
    prune: bool,
    keep_text: str,
    yes: bool,
    output_format: str,
    region: str | None,
    profile: str | None,
    endpoint_url: str | None,
) -> None:
    check_format(output_format, FORMATS, VersionsError)
    keep = read_count(keep_text, "--keep", "versions (0 or more)", VersionsError)
    if yes and not prune:
        raise VersionsError("--yes only applies with --prune (listing never deletes anything)")
    function_name, alias = split_target(target)
    _aws.check_endpoint_url(endpoint_url, VersionsError)
    client = lambda_client(region=region, profile=profile, endpoint_url=endpoint_url)
    versions = collect_versions(client, function_name, alias=alias)
    decisions = plan_prune(versions, keep=keep) if prune else None
    deleted: list[str] = []
    if decisions is not None and yes:
        deleted = delete_versions(client, function_name, [d.version for d in decisions if d.delete])
    listing = Listing(function_name, alias, versions, decisions, keep=keep, dry_run=not yes, deleted=deleted)
    if output_format == "json":
        click.echo(json.dumps(to_json_dict(listing), indent=2))
    else:
        click.echo(render_text(listing), nl=False)
