"""``cdk-durable lint``: find replay-model violations in Python durable handlers, statically.

Python API::

    from cdk_durable.lint import lint_paths

    for finding in lint_paths(["src/"], extend_select=["DUR009"]):
        print(finding.path, finding.line, finding.code, finding.message)

Only files that use the durable SDK (import ``aws_durable_execution_sdk_python``, or mention
``durable_execution`` / ``DurableContext``) are analyzed. Importing this package loads only the
standard library (never aws-cdk-lib), so the construct can call it at synth time.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from ..errors import EXIT_USAGE, CdkDurableError, safe_text
from ..rule_info import Finding
from ._bundle import bundled_boto3_findings, uses_chained_invoke
from .analyzer import analyze
from .rules import (
    BUNDLED_BOTO3_TOO_OLD,
    DEFAULT_CODES,
    RULES,
    RULES_BY_CODE,
    SYNTAX_ERROR,
    SYNTAX_ERROR_CODE,
    Rule,
)
from .suppressions import ALL_CODES, suppressions

__all__ = [
    "RULES",
    "Finding",
    "LintPathError",
    "LintUsageError",
    "NotPythonError",
    "Rule",
    "lint_paths",
    "lint_source",
    "resolve_codes",
]


class LintUsageError(CdkDurableError, ValueError):
    """A bad option value (an unknown rule code, a selection that selects nothing): exit code 2."""

    exit_code = EXIT_USAGE


class LintPathError(CdkDurableError, FileNotFoundError):
    """A path to lint that does not exist: exit code 2."""

    exit_code = EXIT_USAGE


#: Handler sources this linter does not read: TypeScript/JavaScript projects lint with ESLint.
SCRIPT_SUFFIXES = frozenset({".ts", ".mts", ".cts", ".tsx", ".js", ".mjs", ".cjs", ".jsx"})
#: Where a TypeScript handler's replay rules live instead (the generated projects' ESLint config).
SCRIPT_ADVICE = (
    "cdk-durable lint checks Python handlers; TypeScript/JavaScript handlers are checked by the "
    "project's ESLint replay rules (`npm run lint`, eslint.config.mjs in a generated project)"
)


class NotPythonError(CdkDurableError, ValueError):
    """The paths name TypeScript/JavaScript handlers (or a tree holding only those): a usage error."""

    exit_code = EXIT_USAGE


#: Directory names never descended into.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        ".aws-sam",
        "cdk.out",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "site-packages",
        "build",
        "dist",
    }
)


def resolve_codes(codes: Iterable[str] | None, *, option: str = "select") -> frozenset[str] | None:
    """Expand codes or prefixes (``DUR00``) into rule codes; unknown ones raise ``ValueError``."""
    if codes is None:
        return None
    codes = list(codes)
    out: set[str] = set()
    if option == "select" and not any(raw.strip() for raw in codes):
        raise LintUsageError(
            "--select: no rule code given (an empty selection would check nothing); give codes or "
            "prefixes such as DUR001,DUR002 or DUR, or leave --select out for the default rules"
        )
    for raw in codes:
        code = raw.strip().upper()
        if not code:
            continue
        matched = {rule.code for rule in RULES if rule.code.startswith(code)}
        if not matched:
            allowed = ", ".join(rule.code for rule in RULES)
            raise LintUsageError(
                f"--{option}: unknown rule code {raw!r}; allowed: {allowed} (or a prefix such as DUR)"
            )
        out |= matched
    return frozenset(out)


def lint_source(
    source: str,
    path: str = "<string>",
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    extend_select: Iterable[str] | None = None,
) -> list[Finding]:
    """Lint one module's source text. ``select``/``ignore``/``extend_select`` take codes or prefixes.

    Without ``select`` the default rules run (every rule but the opt-in ``DUR009``);
    ``extend_select`` adds rules to that set, ``select`` replaces it.
    """
    selected = resolve_codes(select, option="select")
    if selected is None:
        selected = DEFAULT_CODES | (resolve_codes(extend_select, option="extend-select") or frozenset())
    ignored = resolve_codes(ignore, option="ignore") or frozenset()
    suppressed = suppressions(source) if "#" in source else {}
    out = []
    try:
        analyzed = analyze(source, path)
    except RecursionError:
        # CPython parses deeper nesting than the walk can recurse: say so, keep the other files.
        analyzed = [_unanalyzed(path, "it is nested too deeply for the linter to analyze (RecursionError)")]
    except (MemoryError, ValueError, SyntaxError) as exc:
        analyzed = [_unanalyzed(path, f"{type(exc).__name__}: {exc}")]
    for finding in analyzed:
        if finding.code != SYNTAX_ERROR_CODE:
            if finding.code not in selected:
                continue
            if finding.code in ignored:
                continue
            codes = suppressed.get(finding.line, set())
            if ALL_CODES in codes or finding.code in codes:
                continue
        out.append(finding)
    return out


def _unread(path: str | Path, why: str) -> Finding:
    """A file (or directory) that was not linted, reported at its first line."""
    return Finding.of(SYNTAX_ERROR, why, path=str(path), line=1, col=1)


def _unanalyzed(path: str, why: str) -> Finding:
    return _unread(path, f"could not analyze file: {why}")


def iter_python_files(
    paths: Sequence[str | os.PathLike[str]],
    unreadable: list[OSError] | None = None,
    *,
    suffixes: frozenset[str] = frozenset({".py"}),
) -> Iterator[Path]:
    """Python files under ``paths`` (files are taken as given), skipping virtualenvs and build output.

    Directories that cannot be listed are appended to ``unreadable`` (when given). ``suffixes``
    picks other sources in the same walk (what :func:`lint_paths` uses to recognize a tree of
    TypeScript/JavaScript handlers).
    """
    for raw in paths:
        path = Path(raw)
        try:
            exists, is_dir = path.exists(), path.is_dir()
        except OSError as exc:  # a name too long, a loop of links
            raise LintPathError(
                f"lint path {safe_text(os.fspath(raw), multiline=False)[:200]}: {exc.strerror or exc}"
            ) from None
        if not exists:
            raise LintPathError(
                f"lint path does not exist: {safe_text(os.fspath(raw), multiline=False)} "
                "(give existing files or directories)"
            )
        if not is_dir:  # a file (or a FIFO, reported as not a regular file) is taken as given
            yield path
            continue
        onerror = unreadable.append if unreadable is not None else None
        for dirpath, dirnames, filenames in os.walk(path, onerror=onerror):
            installed = _installed_entries(dirpath, dirnames)
            dirnames[:] = sorted(
                d
                for d in dirnames
                if d not in SKIP_DIRS
                and d not in installed
                and not d.endswith(".egg-info")
                and not os.path.exists(os.path.join(dirpath, d, "pyvenv.cfg"))
            )
            for name in sorted(filenames):
                if os.path.splitext(name)[1] in suffixes and name not in installed:
                    yield Path(dirpath, name)


def _installed_entries(dirpath: str, dirnames: list[str]) -> set[str]:
    """Top-level names that pip installed here (``pip install -t``): third-party code, not yours.

    A Lambda asset directory often carries its dependencies (the durable SDK among them); their
    ``*.dist-info/RECORD`` files list what they own.
    """
    out: set[str] = set()
    for d in dirnames:
        if not d.endswith(".dist-info"):
            continue
        try:
            record = Path(dirpath, d, "RECORD").read_text(encoding="utf-8")
        except OSError:
            continue
        for line in record.splitlines():
            top = line.split(",", 1)[0].split("/", 1)[0]
            if top and not top.endswith(".dist-info") and top != "..":
                out.add(top)
    return out


def lint_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    extend_select: Iterable[str] | None = None,
) -> list[Finding]:
    """Lint files and directories (recursing into ``*.py``); findings sorted by path and line.

    Raises ``FileNotFoundError`` for a path that does not exist, ``ValueError`` for an unknown
    rule code in ``select``/``ignore`` and :class:`NotPythonError` for a TypeScript/JavaScript file,
    or a directory holding such files and no Python.
    """
    select = list(select) if select is not None else None
    ignore = list(ignore) if ignore is not None else None
    extend_select = list(extend_select) if extend_select is not None else None
    resolve_codes(select, option="select")
    resolve_codes(ignore, option="ignore")
    resolve_codes(extend_select, option="extend-select")
    unreadable: list[OSError] = []
    files = list(iter_python_files(paths, unreadable))
    for file in files:
        if file.suffix in SCRIPT_SUFFIXES:
            raise NotPythonError(f"{file}: {SCRIPT_ADVICE}")
    if not files:
        scripts = next(iter(iter_python_files(paths, suffixes=SCRIPT_SUFFIXES)), None)
        if scripts is not None:
            where = scripts.parent
            raise NotPythonError(f"{where} holds TypeScript/JavaScript and no Python: {SCRIPT_ADVICE}")
    findings: list[Finding] = []
    sources: list[str] = []
    for file in files:
        try:
            regular = stat.S_ISREG(file.stat().st_mode)
        except OSError as exc:
            findings.append(_unread(file, f"could not read file: {exc.strerror or exc}"))
            continue
        if not regular:  # a FIFO or a device would block or never end
            findings.append(_unread(file, "could not read file: not a regular file"))
            continue
        try:
            source = file.read_text(encoding="utf-8")
        except OSError as exc:
            findings.append(_unread(file, f"could not read file: {exc.strerror or exc}"))
            continue
        except UnicodeDecodeError as exc:
            findings.append(_unread(file, f"could not read file: not UTF-8 (byte {exc.start})"))
            continue
        sources.append(source)
        findings.extend(
            lint_source(source, str(file), select=select, ignore=ignore, extend_select=extend_select)
        )
    for error in unreadable:  # a directory that could not be listed: its files were not linted
        why = f"could not read directory: {error.strerror or error}"
        findings.append(_unread(str(error.filename), why))
    findings += _bundle_findings(paths, sources, select=select, ignore=ignore, extend_select=extend_select)
    return sorted(findings)


def _bundle_findings(
    paths: Sequence[str | os.PathLike[str]],
    sources: Sequence[str],
    *,
    select: Iterable[str] | None,
    ignore: Iterable[str] | None,
    extend_select: Iterable[str] | None,
) -> list[Finding]:
    """DUR012 over the linted directories (the bundle, not one module), under the same selection."""
    selected = resolve_codes(select)
    if selected is None:
        selected = DEFAULT_CODES | (resolve_codes(extend_select, option="extend-select") or frozenset())
    ignored = resolve_codes(ignore, option="ignore") or frozenset()
    code = BUNDLED_BOTO3_TOO_OLD.code
    if code not in selected or code in ignored or not uses_chained_invoke(sources):
        return []
    return bundled_boto3_findings(paths)


def rule(code: str) -> Rule:
    """The rule for ``code`` (``KeyError`` if unknown)."""
    return RULES_BY_CODE[code]
