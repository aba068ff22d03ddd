"""DUR012: the function's bundle pins a boto3 older than the durable SDK's minimum while the code
uses chained invokes.

SDK 3 sends ``ChainedInvokeOptions.XAmznTraceId`` with ``context.invoke``; botocore models before
boto3 1.43.114 reject the field. A boto3 bundled with the function shadows the runtime's, so the
bundle decides. Read where the asset shows it: a ``requirements.txt`` at the top of a linted
directory (``boto3==``, ``<``, ``<=``, ``~=`` pins), or a vendored ``boto3`` (``boto3-X.dist-info``
or ``boto3/__init__.py``'s ``__version__``). Nothing is reported when no linted file calls
``.invoke(...)`` in durable code.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from .. import platform as p
from ..rule_info import Finding
from . import rules
from ._scope import is_durable_source

_PIN = re.compile(r"^\s*boto3\s*(==|<=|<|~=)\s*([0-9][0-9.]*)", re.IGNORECASE)
_DIST = re.compile(r"^boto3-([0-9][0-9.]*)\.dist-info$")
_VERSION = re.compile(r"^__version__\s*=\s*['\"]([0-9][0-9.]*)['\"]", re.MULTILINE)
_MINIMUM = ".".join(str(n) for n in p.SDK_MIN_BOTO3)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".") if part.isdigit())


def uses_chained_invoke(sources: Iterable[str]) -> bool:
    """Some durable source calls ``<something>.invoke(...)``."""
    for source in sources:
        if not is_durable_source(source) or ".invoke(" not in source:
            continue
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "invoke"
            ):
                return True
    return False


def bundled_boto3_findings(paths: Sequence[str | os.PathLike[str]]) -> list[Finding]:
    """DUR012 findings for the directories among ``paths`` (without the chained-invoke condition)."""
    out: list[Finding] = []
    for raw in paths:
        root = Path(raw)
        if not root.is_dir():
            continue
        out += _requirements(root / "requirements.txt")
        out += _vendored(root)
    return out


def _old(version: str) -> bool:
    return _version(version) < p.SDK_MIN_BOTO3


def _finding(path: Path, line: int, version: str, how: str) -> Finding:
    return Finding.of(
        rules.BUNDLED_BOTO3_TOO_OLD,
        f"{how} boto3 {version}, older than the durable SDK's minimum {_MINIMUM}, and the code uses "
        "chained invokes: the bundled boto3 shadows the runtime's and rejects the invoke's trace header",
        path=str(path),
        line=line,
        col=1,
    )


def _requirements(path: Path) -> list[Finding]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    out = []
    for number, line in enumerate(lines, start=1):
        match = _PIN.match(line.split("#", 1)[0])
        if match is None:
            continue
        operator, version = match.groups()
        # `boto3<X` allows only versions below X: too old when X is at most the minimum.
        too_old = _version(version) <= p.SDK_MIN_BOTO3 if operator == "<" else _old(version)
        if too_old:
            out.append(_finding(path, number, version, f"requirements.txt pins ({operator})"))
    return out


def _vendored(root: Path) -> list[Finding]:
    for entry in sorted(root.iterdir()):
        match = _DIST.match(entry.name)
        if match and entry.is_dir() and _old(match.group(1)):
            return [_finding(entry / "METADATA", 1, match.group(1), "the bundle vendors")]
    init = root / "boto3" / "__init__.py"
    try:
        found = _VERSION.search(init.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return []
    if found and _old(found.group(1)):
        return [_finding(init, 1, found.group(1), "the bundle vendors")]
    return []
