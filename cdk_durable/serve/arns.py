"""Execution ARNs as AWS shapes them, in front of the emulator's own ids.

AWS's emulator names each execution ``UUID/INVOCATION_ID``, where ``INVOCATION_ID`` is the id of the
execution's ``EXECUTION`` operation. Lambda names it
``arn:aws:lambda:REGION:ACCOUNT:function:NAME:QUALIFIER/durable-execution/EXECUTION_NAME/EXECUTION_ID``
(:data:`cdk_durable.platform.EXECUTION_ARN_PATTERN`), where the qualifier is the version that ran:
``$LATEST`` or a number (an alias resolves to its version; locally the code that runs is always the
working copy, so an alias reads as ``$LATEST``), and ``EXECUTION_ID`` is the id of the ``EXECUTION``
operation (the SDKs read it from the ARN's last segment). ``serve`` translates at its edge only: every ARN it
answers with is AWS-shaped (the ``X-Amz-Durable-Execution-Arn`` header, response bodies, the event
each handler receives, the console, its log), and every ARN it is given is turned back into the
emulator's id (the emulator's own ids are still accepted). The emulator is not changed.
"""

from __future__ import annotations

import re
import threading
from typing import Any
from urllib.parse import quote, unquote

from ..local_run.inputs import LOCAL_ACCOUNT_ID
from ..platform import EXECUTION_ARN_PATTERN

_ARN = re.compile(EXECUTION_ARN_PATTERN)
_VERSION = re.compile(r"^(\$LATEST(\.PUBLISHED)?|[0-9]+)$")
#: The durable API's paths that carry an execution ARN: ``/2025-12-01/durable-executions/{arn}[/...]``.
_PATH = re.compile(r"^(/2025-12-01/durable-executions/)([^/?]+)(.*)$")


class ExecutionArns:
    """Both directions between the emulator's execution ids and AWS-shaped execution ARNs."""

    def __init__(self, executor: Any, region: str) -> None:
        self._executor = executor
        self._region = region
        self._aws: dict[str, str] = {}  # emulator id -> AWS ARN (an execution's ARN never changes)
        self._ids: dict[str, str] = {}  # AWS ARN -> emulator id
        self._lock = threading.Lock()

    def aws(self, execution_id: str) -> str:
        """The AWS-shaped ARN of the emulator's execution ``execution_id`` (itself if there is none)."""
        with self._lock:
            found = self._aws.get(execution_id)
        if found is not None:
            return found
        if _ARN.match(execution_id):
            return execution_id
        try:
            start = self._executor.get_execution(execution_id).start_input
        except Exception:  # not an execution (yet): leave it as it is
            return execution_id
        qualifier = start.function_qualifier or "$LATEST"
        version = qualifier if _VERSION.match(qualifier) else "$LATEST"
        arn = (
            f"arn:aws:lambda:{self._region}:{start.account_id or LOCAL_ACCOUNT_ID}:function:"
            f"{start.function_name}:{version}/durable-execution/{start.execution_name}/"
            f"{execution_id.rsplit('/', 1)[-1]}"
        )
        with self._lock:
            self._aws[execution_id] = arn
            self._ids[arn] = execution_id
        return arn

    def emulator(self, arn: str) -> str | None:
        """The emulator's id for ``arn`` (an AWS-shaped ARN or the id itself); ``None`` when ``arn`` is
        AWS-shaped but names no execution here."""
        match = _ARN.match(arn)
        if match is None:
            return arn
        with self._lock:
            found = self._ids.get(arn)
        if found is not None:
            return found
        function, name, operation_id = match.group(4), match.group(6), match.group(7)
        listed = self._executor.list_executions(function_name=function, execution_name=name, max_items=1000)
        for summary in listed.durable_executions:
            candidate = summary.durable_execution_arn
            if candidate.rsplit("/", 1)[-1] == operation_id and self.aws(candidate) == arn:
                return str(candidate)
        return None

    def path(self, path: str) -> str | None:
        """``path`` with its execution ARN turned into the emulator's id (``None``: no such execution)."""
        match = _PATH.match(path)
        if match is None:
            return path
        execution_id = self.emulator(unquote(match.group(2)))
        if execution_id is None:
            return None
        return f"{match.group(1)}{quote(execution_id, safe='')}{match.group(3)}"

    def body(self, value: Any) -> Any:
        """``value`` (a JSON document) with every ``...ExecutionArn`` field AWS-shaped."""
        if isinstance(value, dict):
            return {
                key: self.aws(item)
                if isinstance(item, str) and isinstance(key, str) and key.endswith("ExecutionArn")
                else self.body(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.body(item) for item in value]
        return value
