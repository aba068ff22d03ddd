"""``cdk-durable new``: hostile output directories and template variables (see :mod:`._harness`).

Nothing is baked in these cases except ``missing-parents`` (a new project under folders that do not
exist yet, as users expect ``-o`` to work); every refusal leaves the directory as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ._harness import Case, assert_clean, run_case

ESC = "\x1b[2J\x1b]0;pwned\x07"


def _new(id: str, *args: str, exit: int = 1, names: str | None = None, **kw: object) -> Case:
    return Case(id, ("new", "--no-input", *args), exit, names, **kw)  # type: ignore[arg-type]


def _hook(id: str, *args: str, names: str) -> Case:
    """Refused by the template's own hook: it runs in a process of its own and prints the line itself,
    so these run as the user runs them (the console script) to see that line."""
    return Case(id, ("new", "--no-input", *args), 1, names, subprocess=True)


def _read_only_dir(path: Path) -> None:
    path.mkdir()
    path.chmod(0o555)


CASES: list[Case] = [
    # --- -o: where the project goes -----------------------------------------------------------------------
    _new("output-under-a-file", "-o", "f.txt/sub", names="f.txt", files={"f.txt": "x"}),
    _new("output-is-a-file", "-o", "f.txt", names="f.txt", exit=2, files={"f.txt": "x"}),
    _new("output-dev-null", "-o", "/dev/null/x", names="/dev/null"),
    _new("output-read-only-fs", "-o", "/proc/1/x", names="/proc/1"),
    _new("output-sysfs", "-o", "/sys/kernel/x", names="/sys/kernel/x"),
    _new("output-name-too-long", "-o", "a" * 300, names="255 bytes"),
    _new("output-deep-name-too-long", "-o", "x/" + "b" * 256 + "/c", names="255 bytes"),
    _new("output-escape", "-o", f"f.txt/{ESC}", names="\\x1b", files={"f.txt": "x"}),
    _new(
        "missing-parents",
        "-o",
        "new/parents",
        "project_slug=demo-flow",
        exit=0,
        stdout_has=("Created",),
        creates=("new",),
        check=lambda _o, _e, work: _baked(work / "new" / "parents" / "demo-flow"),
    ),
    # --- KEY=VALUE ----------------------------------------------------------------------------------------
    _new("assignment-without-equals", "foo", names="KEY=VALUE"),
    _new("assignment-unknown-key", "colour=blue", names="colour"),
    _new("assignment-escape-key", f"{ESC}=1", names="\\x1b"),
    _new("assignment-empty-key", "=x", names="KEY"),
    _new("iac-unknown", "iac=bogus", names="bogus"),
    _new("runtime-unknown", "runtime=cobol", names="cobol"),
    _new("blueprint-unknown", "blueprint=\x1b[31mred", names="\\x1b"),
    _hook("slug-with-escape", f"project_slug={ESC}", names="project_slug"),
    _hook("slug-path-traversal", "project_slug=../../outside", names="project_slug"),
    _hook("slug-absolute", "project_slug=/etc/x", names="project_slug"),
    _new("slug-too-long", "project_slug=" + "a" * 300, names="project_slug"),
    _hook("slug-empty", "project_slug=", names="project_slug"),
    _hook("timeout-not-a-number", "execution_timeout_seconds=soon", names="execution_timeout_seconds"),
    _hook("timeout-negative", "execution_timeout_seconds=-5", names="execution_timeout_seconds"),
    _hook("timeout-huge", "execution_timeout_seconds=" + "9" * 40, names="execution_timeout_seconds"),
    _hook("retention-nan", "retention_days=nan", names="retention_days"),
    _hook("alias-bad", "alias_name=$LATEST", names="alias_name"),
    _new("project-exists", "project_slug=taken", names="taken", files={"taken/x": "mine"}),
    _new("unknown-option", "--frobnicate", exit=2, names="--frobnicate"),
    Case(
        "subprocess-output-under-a-file",
        ("new", "--no-input", "-o", "f.txt/x"),
        1,
        "f.txt",
        files={"f.txt": "x"},
        subprocess=True,
    ),
    Case(
        "subprocess-slug-escape",
        ("new", "--no-input", f"project_slug={ESC}"),
        1,
        "project_slug",
        subprocess=True,
    ),
]


def _baked(project: Path) -> None:
    assert (project / "README.md").is_file(), sorted(os.listdir(project))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_new_hostile(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run_case(case, tmp_path, monkeypatch)
    assert_clean(case, code, out, err, tmp_path / "case")
