"""The emulator's HTTP routes (durable API + checkpoint API) as AWS answers them, for handlers that
checkpoint over HTTP.

The durable SDKs in a Lambda function call ``CheckpointDurableExecution`` and
``GetDurableExecutionState`` at ``AWS_ENDPOINT_URL_LAMBDA``. ``cdk-durable serve`` serves these routes
for every handler; ``cdk-durable run`` serves them for its Node.js handlers (:class:`LocalEndpoint`, on
a free loopback port, over the run's own executor), so a Node handler checkpoints the same way in both.

:class:`EmulatorRequestHandler` is the testing SDK's request handler with what AWS does on top: HTTP/1.1
with ``Content-Length``, ``X-Amzn-ErrorType`` on errors (botocore and the AWS SDK for JavaScript raise
the named exception), Lambda's limit on one checkpoint update's payload, and no access log.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import sys
import threading
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

from ..platform import OPERATION_PAYLOAD_MAX_BYTES
from . import _sdk

#: Connections an endpoint's socket queues before accepting them (socketserver's default, 5, resets a
#: burst of clients connecting at once).
LISTEN_BACKLOG = 1024
_CHECKPOINT = re.compile(r"^/2025-12-01/durable-executions/[^/]+/checkpoint/?$")
_server_log = logging.getLogger("aws_durable_execution_sdk_python_testing.web.server")


def checkpoint_size_error(updates: Sequence[tuple[str, str | None]]) -> str | None:
    """Lambda's validation message when one checkpoint update's payload is over its limit, else ``None``.

    ``updates`` are (operation id, payload).
    """
    for operation_id, payload in updates:
        size = len(payload.encode("utf-8")) if payload else 0
        if size > OPERATION_PAYLOAD_MAX_BYTES:
            return (
                f"1 validation error detected: Value at 'updates.{operation_id}.payload' failed to satisfy "
                f"constraint: Member must have length less than or equal to {OPERATION_PAYLOAD_MAX_BYTES} "
                f"(it is {size} bytes)"
            )
    return None


def check_checkpoint_size(updates: Sequence[tuple[str, str | None]]) -> None:
    """Refuse a checkpoint as Lambda's API does when one update's payload is over its limit (the durable
    SDK then fails the invocation, as in Lambda)."""
    from aws_durable_execution_sdk_python_testing.exceptions import InvalidParameterValueException

    error = checkpoint_size_error(updates)
    if error is not None:
        raise InvalidParameterValueException(error)


class EmulatorRequestHandler(_sdk.request_handler_base()):  # type: ignore[misc]
    """The emulator's request handler: HTTP/1.1, AWS's error headers, the checkpoint payload limit."""

    protocol_version = "HTTP/1.1"
    rfile: Any  # the request body stream (BaseHTTPRequestHandler's)
    path: str  # the request's path and query (BaseHTTPRequestHandler's)

    def log_error_line(self, line: str) -> None:
        """One line per error response (``serve`` prints it; ``run`` keeps quiet)."""

    def _handle_request(self, method: str) -> None:
        path = urlparse(self.path).path
        if method == "POST" and _CHECKPOINT.match(path):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            error = _checkpoint_error(body)
            if error is not None:
                self.send_error_json(400, "InvalidParameterValueException", error)
                return
            original: Any = self.rfile
            self.rfile = io.BytesIO(body)
            try:
                self.emulator_request(method)
            finally:
                self.rfile = original
            return
        self.emulator_request(method)

    def emulator_request(self, method: str) -> None:
        """Let the emulator's router answer (its traceback per error is silenced: one line instead)."""
        level = _server_log.level
        _server_log.setLevel(logging.CRITICAL)
        try:
            _sdk.emulator_handle(self, method)
        finally:
            _server_log.setLevel(level)

    def _send_response(self, response: Any) -> None:
        if response.status_code >= 400:
            body = response.body if isinstance(response.body, dict) else {}
            kind = body.get("Type") or body.get("__type") or "Error"
            message = body.get("message") or body.get("Message") or ""
            if kind == "Error" and "DurableExecutionArn" in body:
                kind = "DurableExecutionAlreadyStartedException"
            path = urlparse(self.path).path
            self.log_error_line(f"{self.command} {path} -> {response.status_code} {kind}: {message}")
            response.headers.setdefault("X-Amzn-ErrorType", kind)
        body_bytes = response.body_to_bytes() if response.body else b""
        self.send_response(response.status_code)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body_bytes)))
        self.end_headers()
        if body_bytes:
            self.wfile.write(body_bytes)

    def send_error_json(self, status: int, kind: str, message: str, **extra: Any) -> None:
        """AWS's JSON error shape with ``X-Amzn-ErrorType``."""
        self.log_error_line(f"{self.command} {urlparse(self.path).path} -> {status} {kind}: {message}")
        body = json.dumps(
            {"Type": "User" if status < 500 else "Service", "Message": message, "message": message, **extra}
        ).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Amzn-ErrorType", kind)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format_string: str, *args: Any) -> None:
        """No access log (errors get their own line)."""


def _checkpoint_error(body: bytes) -> str | None:
    """Lambda's validation message when one update of a ``CheckpointDurableExecution`` body is too large."""
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        return None  # the emulator answers a malformed body itself
    updates = document.get("Updates") if isinstance(document, dict) else None
    if not isinstance(updates, list):
        return None
    return checkpoint_size_error(
        [
            (str(u.get("Id")), u.get("Payload") if isinstance(u.get("Payload"), str) else None)
            for u in updates
            if isinstance(u, dict)
        ]
    )


def configure_server(server: Any, handler_class: type) -> None:
    """The emulator's ``WebServer`` as ``run`` and ``serve`` use it: ``handler_class`` answers, request
    threads are daemons, the listen backlog takes a burst of clients (socketserver's is 5: connections
    reset), and a client that goes away (a browser closing a keep-alive connection) is not an error:
    socketserver would print its traceback."""
    server.RequestHandlerClass = handler_class
    server.daemon_threads = True
    server.socket.listen(LISTEN_BACKLOG)
    report = server.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            report(request, client_address)

    server.handle_error = handle_error


class LocalEndpoint:
    """The emulator's routes over ``executor`` on a free loopback port, served from a daemon thread."""

    def __init__(self, executor: Any) -> None:
        from aws_durable_execution_sdk_python_testing.web.server import WebServer, WebServiceConfig

        root = logging.getLogger()
        saved = root.level, list(root.handlers)
        # WebServer calls logging.basicConfig: keep the caller's logging as it was.
        self._server = WebServer(
            WebServiceConfig(host="127.0.0.1", port=0, log_level=logging.CRITICAL), executor
        )
        root.setLevel(saved[0])
        root.handlers[:] = saved[1]
        configure_server(self._server, EmulatorRequestHandler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        port: int = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def close(self) -> None:
        self._server.shutdown()
        with contextlib.suppress(OSError):
            self._server.server_close()
        self._thread.join(timeout=5)
