"""The one way the tools reach AWS: a boto3 ``lambda`` client, and function names/ARNs read once.

``cdk-durable diagnose`` (live mode) and ``cdk-durable versions`` build their client here, so a fix to
how a region, a profile, credentials or an endpoint are found lands in both. Each tool keeps its own
wording (:class:`ClientMessages`) and its own error class; the checks are the same.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from . import platform as p


@dataclass(frozen=True)
class ClientMessages:
    """What a tool says when boto3, credentials or a region are missing."""

    no_boto3: str
    no_credentials: str
    no_region: str


def check_endpoint_url(endpoint_url: str | None, fail: Callable[[str], Exception]) -> None:
    """``--endpoint-url`` must be an ``http(s)://host[:port]`` URL (LocalStack, a VPC endpoint, a stub)."""
    if endpoint_url is None:
        return
    parsed = urlparse(endpoint_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise fail(f"--endpoint-url must be an http:// or https:// URL, got {endpoint_url!r}")


def lambda_client(
    *,
    region: str | None,
    profile: str | None,
    messages: ClientMessages,
    fail: Callable[[str], Exception],
    endpoint_url: str | None = None,
) -> Any:
    """A boto3 ``lambda`` client, or ``fail(<one line>)`` when boto3, credentials or a region are missing.

    The region is ``region``, else ``AWS_REGION`` (what the SDKs and AWS CLI v2 read besides botocore's
    ``AWS_DEFAULT_REGION``), else the profile's. ``endpoint_url`` replaces the regional endpoint.
    """
    check_endpoint_url(endpoint_url, fail)
    try:
        import boto3
        import botocore.exceptions
    except ImportError:  # pragma: no cover - boto3 ships with the [local] extra used in development
        raise fail(messages.no_boto3) from None
    try:
        session = boto3.Session(
            profile_name=profile, region_name=region or os.environ.get("AWS_REGION") or None
        )
    except (
        botocore.exceptions.ProfileNotFound,
        botocore.exceptions.InvalidConfigError,
        botocore.exceptions.ConfigParseError,
    ) as exc:
        where = "--profile" if isinstance(exc, botocore.exceptions.ProfileNotFound) else "AWS config"
        raise fail(f"{where}: {exc}") from None
    if session.get_credentials() is None:
        raise fail(messages.no_credentials)
    if session.region_name is None:
        raise fail(messages.no_region)
    try:
        return session.client("lambda", endpoint_url=endpoint_url)
    except (botocore.exceptions.BotoCoreError, ValueError) as exc:  # a bad region or endpoint URL
        where = "--region" if isinstance(exc, botocore.exceptions.InvalidRegionError) else "endpoint"
        raise fail(
            f"cannot make a Lambda client ({where}): {exc} (check --region, AWS_REGION, --endpoint-url "
            "and AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_LAMBDA)"
        ) from None


def split_function(text: str, qualifier: str = "[^:]+") -> tuple[str, str | None] | None:
    """``NAME[:QUALIFIER]`` or a function ARN (qualified or not) -> ``(NAME or ARN, QUALIFIER)``.

    ``qualifier`` is the pattern the tool accepts after the name; None when ``text`` is neither form.
    """
    for name in (p.function_arn_pattern(), p.FUNCTION_NAME_CHARS):
        match = re.fullmatch(rf"(?P<name>{name})(?::(?P<qualifier>{qualifier}))?", text)
        if match:
            return match["name"], match["qualifier"]
    return None
