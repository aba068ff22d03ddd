"""The Python API the construct calls at synth: lint_paths / lint_source / Finding / RULES."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from cdk_durable.lint import RULES, Finding, lint_paths, lint_source

HEADER = "from aws_durable_execution_sdk_python import DurableContext, durable_execution\nimport time\n"
BAD_HANDLER = HEADER + (
    "\n@durable_execution\n"
    "def handler(event, context: DurableContext):\n"
    "    print('x')\n"  # line 6: DUR005
    "    return context.step(lambda _: 1, name='one') + time.time()\n"  # line 7: DUR001
)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_finding_is_a_frozen_dataclass_with_the_agreed_fields() -> None:
    [first, *_] = lint_source(BAD_HANDLER, "h.py")

    assert dataclasses.is_dataclass(first)
    with pytest.raises(dataclasses.FrozenInstanceError):
        first.line = 3  # type: ignore[misc]
    assert (first.path, first.line, first.col, first.code) == ("h.py", 6, 5, "DUR005")
    assert first.severity == "error"
    assert "context.logger" in first.message


def test_rules_have_unique_stable_codes() -> None:
    codes = [rule.code for rule in RULES]

    assert codes == sorted(set(codes))
    assert all(code.startswith("DUR") and len(code) == 6 for code in codes)


def test_lint_paths_recurses_into_directories_and_skips_tool_directories(tmp_path: Path) -> None:
    _write(tmp_path / "src" / "handler.py", BAD_HANDLER)
    for skipped in (".venv/lib", "node_modules/pkg", "cdk.out/asset.1", ".aws-sam/build/Fn", "venv2"):
        _write(tmp_path / skipped / "handler.py", BAD_HANDLER)
    (tmp_path / "venv2" / "pyvenv.cfg").write_text("home = /usr\n")

    findings = lint_paths([tmp_path])

    assert {Path(f.path).relative_to(tmp_path).as_posix() for f in findings} == {"src/handler.py"}
    assert [f.code for f in findings] == ["DUR005", "DUR001"]


def test_files_that_do_not_use_the_sdk_are_not_analysed(tmp_path: Path) -> None:
    plain = _write(tmp_path / "plain.py", "import time\n\ndef handler(e, c):\n    print(time.time())\n")

    assert lint_paths([plain]) == []


def test_accepts_str_and_path_and_single_files(tmp_path: Path) -> None:
    file = _write(tmp_path / "h.py", BAD_HANDLER)

    assert lint_paths([str(file)]) == lint_paths([file])


def test_select_and_ignore_take_codes_and_prefixes() -> None:
    assert [f.code for f in lint_source(BAD_HANDLER, select=["DUR001"])] == ["DUR001"]
    assert [f.code for f in lint_source(BAD_HANDLER, ignore=["DUR005"])] == ["DUR001"]
    assert [f.code for f in lint_source(BAD_HANDLER, select=["DUR00"])] == ["DUR005", "DUR001"]


def test_unknown_code_names_the_input_and_the_allowed_values() -> None:
    with pytest.raises(ValueError, match=r"unknown rule code 'XYZ1'; allowed: DUR001, DUR002"):
        lint_source(BAD_HANDLER, select=["XYZ1"])


def test_missing_path_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="lint path does not exist"):
        lint_paths([tmp_path / "nope"])


@pytest.mark.parametrize(
    "comment",
    ["# noqa: DUR005", "# noqa", "# noqa: DUR001, DUR005", "# durable: ignore[DUR005]", "# durable: ignore"],
)
def test_per_line_suppression(comment: str) -> None:
    source = BAD_HANDLER.replace("print('x')", f"print('x')  {comment}")

    assert [f.code for f in lint_source(source)] == ["DUR001"]


def test_suppression_of_another_code_does_not_hide_the_finding() -> None:
    source = BAD_HANDLER.replace("print('x')", "print('x')  # noqa: DUR001")

    assert [f.code for f in lint_source(source)] == ["DUR005", "DUR001"]


def test_syntax_error_is_reported_not_raised() -> None:
    [finding] = lint_source(HEADER + "def broken(:\n", "broken.py")

    assert finding.code == "DUR900"
    assert "syntax error" in finding.message


def test_importing_the_linter_does_not_load_aws_cdk_lib() -> None:
    code = (
        "import sys, cdk_durable.lint, cdk_durable.lint.cli\n"
        "from cdk_durable import lint_paths\n"
        "loaded = [m for m in sys.modules if m.startswith(('aws_cdk', 'jsii', 'constructs'))]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_helper_findings_name_the_path_from_the_handler() -> None:
    source = HEADER + (
        "def stamp():\n    return time.time()\n\n"
        "@durable_execution\ndef handler(event, context: DurableContext):\n"
        "    context.wait(1, name='pause')\n    return stamp()\n"
    )

    [finding] = lint_source(source)

    assert finding.line == 4
    assert finding.message.endswith("(reached through stamp())")


def test_findings_are_instances_of_the_exported_class() -> None:
    assert all(isinstance(f, Finding) for f in lint_source(BAD_HANDLER))


def test_dependencies_installed_into_an_asset_directory_are_skipped(tmp_path: Path) -> None:
    # Given a Lambda asset built with `pip install -t`: the SDK's own code sits next to the handler
    _write(tmp_path / "app.py", BAD_HANDLER)
    _write(tmp_path / "aws_durable_execution_sdk_python" / "execution.py", BAD_HANDLER)
    _write(tmp_path / "six.py", BAD_HANDLER)
    _write(
        tmp_path / "aws_durable_execution_sdk_python-3.0.0.dist-info" / "RECORD",
        "aws_durable_execution_sdk_python/execution.py,sha256=x,1\n",
    )
    _write(tmp_path / "six-1.17.0.dist-info" / "RECORD", "six.py,sha256=y,2\n")

    findings = lint_paths([tmp_path])

    assert {Path(f.path).name for f in findings} == {"app.py"}


def test_environment_reads_outside_steps_are_opt_in() -> None:
    # A version's configuration is immutable and executions are pinned to their version.
    source = HEADER + (
        "import os\n\n@durable_execution\ndef handler(event, context: DurableContext):\n"
        "    table = os.environ['TABLE_NAME']\n"  # line 7
        "    return context.step(lambda _: table, name='read')\n"
    )

    assert lint_source(source) == []
    assert [(f.line, f.code) for f in lint_source(source, extend_select=["DUR009"])] == [(7, "DUR009")]
    assert [(f.line, f.code) for f in lint_source(source, select=["DUR009"])] == [(7, "DUR009")]


def test_a_handler_without_durable_operations_gets_no_replay_finding() -> None:
    # It never suspends, so it never replays: time.time() and print() run once.
    source = HEADER + (
        "\n@durable_execution\ndef handler(event, context: DurableContext):\n"
        "    print('start')\n    return {'at': time.time()}\n"
    )

    assert lint_source(source) == []


def test_the_same_handler_with_one_operation_gets_its_replay_findings() -> None:
    source = HEADER + (
        "\n@durable_execution\ndef handler(event, context: DurableContext):\n"
        "    print('start')\n    context.wait(1, name='pause')\n    return {'at': time.time()}\n"
    )

    assert [(f.line, f.code) for f in lint_source(source)] == [(6, "DUR005"), (8, "DUR001")]
