"""One AWS client helper (``cdk_durable._aws``) for ``diagnose`` (live mode) and ``versions``: the same
region, credential and ``--endpoint-url`` handling in both, each with its own wording.

The endpoint tests send the commands' real boto3 calls to a recording HTTP server on 127.0.0.1 (a free
port), which answers every request with an empty JSON object and is stopped after each test.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cdk_durable import versions
from cdk_durable.cli import main
from cdk_durable.diagnose import _live

REGION = "eu-west-1"
EXECUTION_ARN = "arn:aws:lambda:eu-west-1:123456789012:function:orders:7/durable-execution/order-1001/run-1"
CLIENTS: list[Callable[..., Any]] = [_live.lambda_client, versions.lambda_client]


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """Test credentials and a region from the environment; no config file, no instance metadata."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # one request per call: the server answers at once
    return monkeypatch


class _Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str]]

    def _answer(self) -> None:
        self.seen.append((self.command, self.path))
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_DELETE = _answer

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


@pytest.fixture
def endpoint() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """``(URL, requests seen)`` of a recording server on 127.0.0.1, stopped after the test."""
    seen: list[tuple[str, str]] = []
    handler = type("Recorder", (_Recorder,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.mark.parametrize("make_client", CLIENTS, ids=["diagnose", "versions"])
def test_the_client_uses_the_regional_endpoint_unless_given_one(
    aws_env: pytest.MonkeyPatch, make_client: Callable[..., Any]
) -> None:
    assert (
        make_client(region=None, profile=None).meta.endpoint_url == f"https://lambda.{REGION}.amazonaws.com"
    )
    local = make_client(region=None, profile=None, endpoint_url="http://127.0.0.1:4566")
    assert local.meta.endpoint_url == "http://127.0.0.1:4566"
    assert local.meta.region_name == REGION


def test_versions_sends_its_calls_to_the_endpoint_url(
    aws_env: pytest.MonkeyPatch, endpoint: tuple[str, list[tuple[str, str]]]
) -> None:
    url, seen = endpoint

    CliRunner().invoke(main, ["versions", "orders", "--endpoint-url", url])

    assert seen, "no request reached the endpoint"
    assert seen[0] == ("GET", "/2015-03-31/functions/orders/versions")


def test_diagnose_sends_its_calls_to_the_endpoint_url(
    aws_env: pytest.MonkeyPatch, endpoint: tuple[str, list[tuple[str, str]]]
) -> None:
    url, seen = endpoint

    CliRunner().invoke(main, ["diagnose", "--execution-arn", EXECUTION_ARN, "--endpoint-url", url])

    assert seen, "no request reached the endpoint"
    method, path = seen[0]
    assert method == "GET" and path.startswith("/2025-12-01/durable-executions/")


@pytest.mark.parametrize(
    ("command", "args"),
    [("diagnose", ["--execution-arn", EXECUTION_ARN]), ("versions", ["orders"])],
    ids=["diagnose", "versions"],
)
@pytest.mark.parametrize("bad", ["localhost:4566", "ftp://127.0.0.1", "http://"])
def test_a_bad_endpoint_url_is_one_line(
    aws_env: pytest.MonkeyPatch, command: str, args: list[str], bad: str
) -> None:
    result = CliRunner().invoke(main, [command, *args, "--endpoint-url", bad])

    assert result.exit_code == 1
    assert result.stderr == (
        f"cdk-durable {command}: --endpoint-url must be an http:// or https:// URL, got {bad!r}\n"
    )
