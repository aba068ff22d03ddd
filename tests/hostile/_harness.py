"""The hostile-input corpus: one :class:`Case` per bad input, run through the real CLI.

Each case runs the ``cdk-durable`` command as a user types it - in-process with click's
``CliRunner`` (the same ``main`` group the console script calls: the error edge, the safe output
streams, the signal handlers) or, for ``subprocess=True`` cases, as the installed console script in
its own session - and asserts what every tool promises (README "Errors and exit codes"):

- the exit code;
- on an error, exactly one line on stderr, naming the input (``names``);
- no traceback, no escape or other control byte in stdout or stderr;
- no leftover process (the command's process group, or this process's children) and no file
  beyond what the case says the command writes;
- finished within :data:`BOUND` seconds (a hang bound, not a speed target).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cdk_durable.cli import main
from tests.processes import assert_group_gone

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = ROOT / "tests" / "cli" / "handlers"
#: A generous bound on each case (hang detection, not a speed assertion).
BOUND = 60.0
#: Control bytes that must never reach a terminal (tab and newline are fine).
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s+File \"", re.MULTILINE)

FileContent = str | bytes | Callable[[Path], Any]


@dataclass(frozen=True)
class Case:
    """One hostile input. ``{tmp}`` in ``args`` is the case's directory, ``{handlers}`` the fixtures'."""

    id: str
    args: Sequence[str]
    exit: int
    #: What the one stderr line must contain (the input it names); ``None``: no error line expected
    #: (stderr may hold warnings, still one line each, no traceback).
    names: str | None = None
    files: Mapping[str, FileContent] = field(default_factory=dict)
    stdin: str | bytes | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    #: Text stdout must contain (e.g. an escaped ``\\x1b``).
    stdout_has: Sequence[str] = ()
    #: Text stdout + stderr must not contain.
    absent: Sequence[str] = ()
    #: Files or folders (relative to the case directory) the command may create, with their contents.
    creates: Sequence[str] = ()
    subprocess: bool = False
    #: Check the output further (receives stdout, stderr, the case directory).
    check: Callable[[str, str, Path], None] | None = None

    def __str__(self) -> str:
        return self.id


class Hung(BaseException):
    """A case ran past :data:`BOUND` (raised by an alarm; not an ``Exception``, so no handler eats it)."""


def _children() -> set[int]:
    me = str(os.getpid())
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[1] == me:
            found.add(int(stat.parent.name))
    return found


def _snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")} if root.exists() else set()


def _expand(value: str, tmp: Path) -> str:
    return value.replace("{tmp}", str(tmp)).replace("{handlers}", str(HANDLERS))


def cli_executable() -> str:
    found = shutil.which("cdk-durable", path=str(Path(sys.executable).parent))
    assert found, "the cdk-durable console script is not installed next to this Python"
    return found


def run_case(case: Case, tmp: Path, monkeypatch: Any) -> tuple[int, str, str]:
    work = tmp / "case"
    work.mkdir()
    for name, content in case.files.items():
        target = work / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(_expand(content, work), encoding="utf-8")
    before = _snapshot(work)
    args = [_expand(a, work) for a in case.args]
    env = {k: _expand(v, work) for k, v in case.env.items()}
    started = time.monotonic()
    if case.subprocess:
        code, out, err = _run_subprocess(args, work, env, case.stdin)
    else:
        code, out, err = _run_in_process(args, work, env, case.stdin, monkeypatch)
    elapsed = time.monotonic() - started
    assert elapsed < BOUND, f"{case.id}: took {elapsed:.0f}s (bound {BOUND:.0f}s)"
    after = _snapshot(work)

    def allowed(path: str) -> bool:  # what the case creates, and everything in it
        return "__pycache__" in path or any(path == c or path.startswith(c + "/") for c in case.creates)

    extra = {p for p in after - before if not allowed(p)}
    assert not extra, f"{case.id}: left files behind: {sorted(extra)}"
    return code, out, err


def _run_in_process(
    args: list[str], cwd: Path, env: Mapping[str, str], stdin: str | bytes | None, monkeypatch: Any
) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    before = _children()
    saved_path = list(sys.path)
    saved_modules = set(sys.modules)

    def hung(_signum: int, _frame: Any) -> None:
        raise Hung(f"no exit within {BOUND:.0f}s")

    saved_alarm = signal.signal(signal.SIGALRM, hung)
    signal.setitimer(signal.ITIMER_REAL, BOUND)
    try:
        result = CliRunner().invoke(main, args, input=stdin, catch_exceptions=True)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, saved_alarm)
        sys.path[:] = saved_path
        for name in set(sys.modules) - saved_modules:  # handler modules a case imported
            if not name.startswith(("cdk_durable", "aws_durable", "botocore", "boto3", "yaml", "click")):
                sys.modules.pop(name, None)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"escaped the CLI edge: {result.exception!r}") from result.exception
    deadline = time.monotonic() + 5
    while (left := _children() - before) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"left processes behind: {sorted(left)}"
    return result.exit_code, result.stdout, result.stderr


def _run_subprocess(
    args: list[str], cwd: Path, env: Mapping[str, str], stdin: str | bytes | None
) -> tuple[int, str, str]:
    full_env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **env}
    data = stdin.encode() if isinstance(stdin, str) else stdin
    process = subprocess.Popen(
        [cli_executable(), *args],
        cwd=cwd,
        env=full_env,
        stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(data, timeout=BOUND)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"hung: no exit within {BOUND:.0f}s") from None
    assert_group_gone(process.pid)
    return process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def assert_clean(case: Case, code: int, out: str, err: str, work: Path) -> None:
    shown = f"\n--- stdout ---\n{out[-2000:]}\n--- stderr ---\n{err[-2000:]}"
    assert code == case.exit, f"{case.id}: exit {code}, expected {case.exit}{shown}"
    assert not TRACEBACK.search(out + err), f"{case.id}: traceback{shown}"
    bad = CONTROL.search(out + err)
    assert bad is None, f"{case.id}: control byte {bad.group()!r} in the output{shown}"
    lines = [line for line in err.splitlines() if line.strip()]
    if case.names is not None:
        assert len(lines) == 1, f"{case.id}: expected one line on stderr, got {len(lines)}{shown}"
        assert case.names in lines[0], f"{case.id}: the error does not name {case.names!r}{shown}"
    for text in case.stdout_has:
        assert text in out, f"{case.id}: stdout lacks {text!r}{shown}"
    for text in case.absent:
        assert text not in out + err, f"{case.id}: output has {text!r}{shown}"
    if case.check is not None:
        case.check(out, err, work)
