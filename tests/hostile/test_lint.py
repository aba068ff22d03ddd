"""``cdk-durable lint``: hostile sources, paths and options (see :mod:`._harness`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ._harness import Case, assert_clean, run_case

HEAD = "import time\nfrom aws_durable_execution_sdk_python import DurableContext, durable_execution\n\n"
ESC = "\x1b[2J\x1b]0;pwned\x07"


def _handler(body: str) -> str:
    return (
        HEAD
        + "@durable_execution\ndef handler(event, context: DurableContext):\n"
        + "    context.step(lambda _: 1, name='s')\n"
        + body
    )


#: One DUR001 finding (a clock read outside a step).
VIOLATION = _handler("    now = time.time()\n    return now\n")
CLEAN = _handler("    return 1\n")


def _deep(expression: str) -> str:
    """``expression`` and a clock read outside a step: a finding (DUR001, or DUR900 "could not
    analyze" when the linter cannot walk it) either way."""
    return _handler(f"    x = {expression}\n    now = time.time()\n    return x, now\n")


def _nested_ifs(depth: int) -> str:
    lines = [f"{'    ' * (i + 1)}if event:" for i in range(depth)]
    return _handler(
        "\n".join(lines)
        + "\n"
        + "    " * (depth + 1)
        + "now = time.time()\n"
        + "    " * (depth + 1)
        + "return now\n"
    )


def _nested_defs(depth: int) -> str:
    lines = [f"{'    ' * i}def f{i}():" for i in range(depth)]
    return _handler(
        "\n".join("    " + line for line in lines)
        + "\n"
        + "    " * (depth + 1)
        + "pass\n"
        + "    now = time.time()\n    return now\n"
    )


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _broken_link(path: Path) -> None:
    path.symlink_to(path.parent / "missing-target.py")


def _link_loop(path: Path) -> None:
    path.mkdir()
    (path / "again").symlink_to(path)
    (path / "ok.py").write_text(VIOLATION)


def _bytes_name(path: Path) -> None:
    path.mkdir()
    with open(os.fsencode(path) + b"/bad-\xff-name.py", "w", encoding="utf-8") as handle:
        handle.write(VIOLATION)


def _escape_name(path: Path) -> None:
    path.mkdir()
    (path / f"{ESC}.py").write_text(VIOLATION)


def _json_has(count: int, *codes: str):  # type: ignore[no-untyped-def]
    def check(out: str, _err: str, _work: Path) -> None:
        findings = json.loads(out)
        assert len(findings) == count, findings
        assert {f["code"] for f in findings} >= set(codes), findings

    return check


def _sarif_has(count: int):  # type: ignore[no-untyped-def]
    def check(out: str, _err: str, _work: Path) -> None:
        results = json.loads(out)["runs"][0]["results"]
        assert len(results) == count, results

    return check


def _case(id: str, files: dict, *args: str, exit: int = 1, names: str | None = None, **kw) -> Case:  # type: ignore[no-untyped-def,type-arg]
    return Case(id, ("lint", *args), exit, names, files=files, **kw)


MIXED = {"src/good.py": VIOLATION, "src/zz_unreadable.py": _broken_link}
CASES: list[Case] = [
    # --- what CPython accepts, nested deeper than a recursive walk goes -----------------------------
    _case("deep-binop-chain", {"a.py": _deep("+".join(["1"] * 30_000))}, "a.py", stdout_has=("a.py:1:1",)),
    _case("deep-attribute-chain", {"a.py": _deep("event" + ".a" * 30_000)}, "a.py"),
    _case("deep-call-chain", {"a.py": _deep("len" + "()" * 20_000)}, "a.py"),
    _case("deep-subscript-chain", {"a.py": _deep("event" + "[0]" * 20_000)}, "a.py"),
    _case("deep-boolop-chain", {"a.py": _deep(" and ".join(["event"] * 10_000))}, "a.py"),
    _case("deep-compare-chain", {"a.py": _deep(" < ".join(["1"] * 10_000))}, "a.py"),
    _case("deep-string-concat", {"a.py": _deep(" + ".join(['"x"'] * 30_000))}, "a.py"),
    _case("nested-parens-190", {"a.py": _deep("(" * 190 + "time.time()" + ")" * 190)}, "a.py"),
    _case("nested-lists-190", {"a.py": _deep("[" * 190 + "time.time()" + "]" * 190)}, "a.py"),
    _case("nested-ifs-90", {"a.py": _nested_ifs(90)}, "a.py"),
    _case("nested-defs-90", {"a.py": _nested_defs(90)}, "a.py"),
    _case("nested-lambdas-150", {"a.py": _deep("lambda: " * 150 + "1")}, "a.py"),
    _case("long-line-1mb", {"a.py": _deep("'" + "x" * 1_000_000 + "'")}, "a.py"),
    _case(
        "many-functions",
        {"a.py": HEAD + "".join(f"def f{i}(c):\n    return c.step(f{i})\n" for i in range(3000))},
        "a.py",
        exit=0,
    ),
    # --- files that are not readable Python ---------------------------------------------------------
    _case("binary-file", {"a.py": b"\x89PNG\r\n\x1a\n\x00\x00"}, "a.py", stdout_has=("could not read file",)),
    _case("nul-in-source", {"a.py": HEAD.encode() + b"x = 1\x00\n"}, "a.py"),
    _case(
        "latin-1-source",
        {"a.py": (HEAD + "x = 'caf\xe9'\n").encode("latin-1")},
        "a.py",
        stdout_has=("not UTF-8",),
    ),
    _case("utf-16-source", {"a.py": VIOLATION.encode("utf-16")}, "a.py"),
    _case("syntax-error", {"a.py": HEAD + "def (:\n"}, "a.py", stdout_has=("a.py:",)),
    _case("empty-file", {"a.py": ""}, "a.py", exit=0),
    _case("broken-symlink", {"a.py": _broken_link}, "a.py", names="a.py", exit=2),
    _case("broken-symlink-in-tree", MIXED, "src", stdout_has=("zz_unreadable.py", "DUR001")),
    _case(
        "fifo-in-tree",
        {"src/good.py": VIOLATION, "src/pipe.py": _fifo},
        "src",
        stdout_has=("pipe.py", "not a regular file"),
    ),
    _case("fifo-given", {"pipe.py": _fifo}, "pipe.py", stdout_has=("not a regular file",)),
    _case("directory-named-py", {"d.py/x.txt": "x", "ok.py": CLEAN}, ".", exit=0),
    _case("symlink-loop", {"loop": _link_loop}, "loop", stdout_has=("DUR001",)),
    # --- one bad file never hides the others' findings, in any format --------------------------------
    _case("sarif-with-unreadable-file", MIXED, "src", "--format", "sarif", check=_sarif_has(2)),
    _case("json-with-unreadable-file", MIXED, "src", "--format", "json", check=_json_has(2, "DUR001")),
    _case(
        "sarif-with-binary-file",
        {"src/good.py": VIOLATION, "src/bin.py": b"\xff\xfe\x00"},
        "src",
        "--format",
        "sarif",
        check=_sarif_has(2),
    ),
    _case(
        "json-with-deep-file",
        {"src/good.py": VIOLATION, "src/deep.py": _deep("+".join(["1"] * 30_000))},
        "src",
        "--format",
        "json",
        check=_json_has(2, "DUR001"),
    ),
    # --- names and text from the files, printed safely ----------------------------------------------
    _case("escape-in-file-name", {"src": _escape_name}, "src", stdout_has=("\\x1b",)),
    _case(
        "escape-in-file-name-json",
        {"src": _escape_name},
        "src",
        "--format",
        "json",
        check=_json_has(1, "DUR001"),
    ),
    _case(
        "escape-in-file-name-sarif", {"src": _escape_name}, "src", "--format", "sarif", check=_sarif_has(1)
    ),
    _case("non-utf8-file-name", {"src": _bytes_name}, "src", stdout_has=("DUR001",)),
    _case(
        "non-utf8-file-name-json",
        {"src": _bytes_name},
        "src",
        "--format",
        "json",
        check=_json_has(1, "DUR001"),
    ),
    _case("non-utf8-file-name-sarif", {"src": _bytes_name}, "src", "--format", "sarif", check=_sarif_has(1)),
    _case(
        "escape-in-step-name",
        {"a.py": _handler(f"    return context.step(lambda _: 1, name='{ESC}' + str(time.time()))\n")},
        "a.py",
    ),
    _case(
        "escape-in-noqa",
        {"a.py": VIOLATION.replace("time.time()", f"time.time()  # noqa: {ESC}")},
        "a.py",
        exit=0,
    ),
    _case("bidi-in-source", {"a.py": _handler("    s = 'admin\u202egnp'\n    return time.time()\n")}, "a.py"),
    # --- options -------------------------------------------------------------------------------------
    _case("select-empty", {"a.py": VIOLATION}, "a.py", "--select", "", exit=2, names="--select"),
    _case("select-commas", {"a.py": VIOLATION}, "a.py", "--select", ",,", exit=2, names="--select"),
    _case("select-spaces", {"a.py": VIOLATION}, "a.py", "--select", "  ", exit=2, names="--select"),
    _case("select-unknown", {"a.py": VIOLATION}, "a.py", "--select", "XYZ1", exit=2, names="--select"),
    _case("select-escape", {"a.py": VIOLATION}, "a.py", "--select", ESC, exit=2, names="--select"),
    _case("ignore-unknown", {"a.py": VIOLATION}, "a.py", "--ignore", "E501", exit=2, names="--ignore"),
    _case(
        "extend-select-unknown",
        {"a.py": VIOLATION},
        "a.py",
        "--extend-select",
        "Q",
        exit=2,
        names="--extend-select",
    ),
    _case(
        "ignore-empty-is-nothing-ignored", {"a.py": VIOLATION}, "a.py", "--ignore", "", stdout_has=("DUR001",)
    ),
    _case("format-unknown", {"a.py": VIOLATION}, "a.py", "--format", "xml", exit=2, names="--format"),
    _case("path-missing", {}, "nope.py", exit=2, names="nope.py"),
    _case("path-missing-escape", {}, f"{ESC}.py", exit=2, names="\\x1b"),
    _case("path-too-long", {}, "a" * 5000, exit=2, names="aaaa"),
    _case(
        "exit-zero-with-findings", {"a.py": VIOLATION}, "a.py", "--exit-zero", exit=0, stdout_has=("DUR001",)
    ),
    # --- as a user runs it --------------------------------------------------------------------------
    _case("subprocess-deep", {"a.py": _deep("+".join(["1"] * 30_000))}, "a.py", subprocess=True),
    _case(
        "subprocess-select-empty",
        {"a.py": VIOLATION},
        "a.py",
        "--select",
        "",
        exit=2,
        names="--select",
        subprocess=True,
    ),
    _case(
        "subprocess-sarif-unreadable", MIXED, "src", "--format", "sarif", check=_sarif_has(2), subprocess=True
    ),
    _case("subprocess-escape-name", {"src": _escape_name}, "src", stdout_has=("\\x1b",), subprocess=True),
    _case("subprocess-non-utf8-name", {"src": _bytes_name}, "src", stdout_has=("DUR001",), subprocess=True),
]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_lint_hostile(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run_case(case, tmp_path, monkeypatch)
    assert_clean(case, code, out, err, tmp_path / "case")
