"""``cdk-durable run`` ended by a signal or Ctrl-C: one line, exit 128 + the signal, nothing left running.

The run waits in real time (a long ``context.wait``) or at the callback prompt; the signal arrives
once its first line is printed. The whole process group is checked afterwards: the workers (and
anything they started) must be gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.processes import assert_group_gone

from ._harness import BOUND, CONTROL, TRACEBACK, cli_executable

WAITING = (
    "from aws_durable_execution_sdk_python import DurableContext, durable_execution\n"
    "from aws_durable_execution_sdk_python.config import Duration\n\n"
    "@durable_execution\n"
    "def handler(event, context: DurableContext):\n"
    "    context.step(lambda _: 1, name='before')\n"
    "    context.wait(Duration.from_hours(1), name='long')\n"
    "    return 1\n"
)
CALLBACK = (
    "from aws_durable_execution_sdk_python import DurableContext, durable_execution\n\n"
    "@durable_execution\n"
    "def handler(event, context: DurableContext):\n"
    "    return context.create_callback(name='review').result()\n"
)
SPINNING = (
    "from aws_durable_execution_sdk_python import DurableContext, durable_execution\n\n"
    "@durable_execution\n"
    "def handler(event, context: DurableContext):\n"
    "    def spin(_):\n"
    "        print('spinning', flush=True)\n"
    "        while True:\n"
    "            pass\n"
    "    return context.step(spin, name='spin')\n"
)

CASES = [
    ("sigterm-real-time-wait", WAITING, ["--real-time"], signal.SIGTERM, "SIGTERM", "long"),
    ("sigint-at-the-prompt", CALLBACK, ["--interactive"], signal.SIGINT, "Ctrl-C", "review"),
    ("sigterm-at-the-prompt", CALLBACK, ["--interactive"], signal.SIGTERM, "SIGTERM", "review"),
    ("sigterm-spinning-handler", SPINNING, [], signal.SIGTERM, "SIGTERM", "spinning"),
    ("sighup-spinning-handler", SPINNING, [], signal.SIGHUP, "SIGHUP", "spinning"),
]


def _signal_run(
    tmp_path: Path, source: str, options: list[str], signum: int, ready: str
) -> tuple[subprocess.Popen[bytes], str, str]:
    """``cdk-durable run`` of ``source`` sent ``signum`` once ``ready`` is on stdout: (process, out, err)."""
    (tmp_path / "app.py").write_text(source)
    process = subprocess.Popen(
        [cli_executable(), "run", "app.py:handler", "{}", *options],
        cwd=tmp_path,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    seen = b""
    deadline = time.monotonic() + BOUND
    os.set_blocking(process.stdout.fileno(), False)
    while ready.encode() not in seen and time.monotonic() < deadline and process.poll() is None:
        chunk = process.stdout.read() or b""
        seen += chunk
        time.sleep(0.05)
    assert ready.encode() in seen, f"the run never got to {ready!r}: {seen!r}"
    time.sleep(0.3)  # into the wait / the prompt / the loop
    os.kill(process.pid, signum)
    try:
        rest, err = process.communicate(timeout=BOUND)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError("run did not end after the signal") from None
    return process, (seen + (rest or b"")).decode("utf-8", "replace"), err.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("source", "options", "signum", "named", "ready"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_a_signal_ends_run_in_one_line_and_leaves_nothing_running(
    tmp_path: Path, source: str, options: list[str], signum: int, named: str, ready: str
) -> None:
    process, out, error = _signal_run(tmp_path, source, options, signum, ready)
    assert_group_gone(process.pid)
    assert process.returncode == 128 + signum, (process.returncode, error)
    # The prompt itself is on stderr (as click puts it); the error is one line of its own.
    lines = [
        line[line.index("Error:") :] if "Error:" in line else line
        for line in error.splitlines()
        if line.strip() and ("Error:" in line or not line.lstrip().startswith("answer ("))
    ]
    # "stopped by SIGTERM" (a signal while the run works: issue 18's worker hygiene) or
    # "interrupted (Ctrl-C)" / "interrupted by SIGTERM" (cdk_durable.cli's edge)
    assert len(lines) == 1 and named in lines[0], error
    assert "stopped by" in lines[0] or "interrupted" in lines[0], error
    assert not TRACEBACK.search(out + error), error
    assert CONTROL.search(out + error) is None


@pytest.mark.parametrize(
    ("signum", "named"), [(signal.SIGTERM, "stopped by SIGTERM"), (signal.SIGINT, "Ctrl-C")]
)
def test_a_signal_at_the_prompt_prints_its_error_on_a_line_of_its_own(
    tmp_path: Path, signum: int, named: str
) -> None:
    process, _out, error = _signal_run(tmp_path, CALLBACK, ["--interactive"], signum, "review")

    assert_group_gone(process.pid)
    prompt, *after = [line for line in error.splitlines() if line.strip()]
    assert prompt.lstrip().startswith("answer (") and "Error" not in prompt, error
    assert len(after) == 1 and after[0].startswith("Error:") and named in after[0], error
