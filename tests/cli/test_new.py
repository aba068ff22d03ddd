"""`cdk-durable new`: the packaged template baked with cookiecutter's API, from the user's side.

Bakes here run the template's hooks but not the generated project's own checks (the template
matrix and tests/packaging do that).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cdk_durable import cli
from cdk_durable.new import hook_scripts_removed
from tests.templates.conftest import CHECKOUT_REQUIREMENT, MANIFEST, TEMPLATE

VARIABLES = [k for k in json.loads((TEMPLATE / "cookiecutter.json").read_text()) if not k.startswith("_")]


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli.main, ["new", *args], input=input)


def requirement_line(project: Path) -> str:
    (line,) = [
        x
        for x in (project / "requirements-dev.txt").read_text().splitlines()
        if "cdk-durable" in x and not x.startswith("#")
    ]
    return line


def test_new_is_a_subcommand():
    result = CliRunner().invoke(cli.main, ["--help"])

    assert result.exit_code == 0
    assert "new" in result.output
    assert "Generate a durable-function project" in result.output


def test_list_prints_every_choice_of_the_manifest_one_line_each():
    result = invoke("--list")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    sections = {
        "iac": "IaC kinds (iac=):",
        "runtimes": "runtimes (runtime=):",
        "blueprints": "blueprints (blueprint=):",
    }
    assert [line for line in lines if not line.startswith("  ")] == list(sections.values())
    for section, heading in sections.items():
        start = lines.index(heading) + 1
        entries = MANIFEST[section]
        block = lines[start : start + len(entries)]
        assert [line.split()[0] for line in block] == list(entries)
        for line, (name, entry) in zip(block, entries.items(), strict=True):
            assert entry["description"] in line
            assert ("(default" in line) == (name == next(iter(entries)))
    approval = next(line for line in lines if line.split()[0] == "approval")
    assert "callbacks: events/approve-answer.json, events/reject-answer.json" in approval
    assert "callbacks" not in next(line for line in lines if line.split()[0] == "hello")


def test_no_input_bakes_the_answers_given(tmp_path):
    result = invoke("--no-input", "-o", str(tmp_path), "iac=cdk", "blueprint=approval", "project_name=Orders")

    assert result.exit_code == 0, result.output
    project = tmp_path / "orders"
    assert (project / "app.py").is_file() and (project / "cdk.json").is_file()
    assert (project / "events" / "approve-answer.json").is_file()
    assert "Next: cd" in result.output and "make test" in result.output


def test_default_requirement_is_this_checkout(tmp_path):
    """The un-overridden path: an editable install (a clone) bakes a project that installs this checkout."""
    result = invoke("--no-input", "-o", str(tmp_path))

    assert result.exit_code == 0, result.output
    project = tmp_path / "durable-workflow"
    assert requirement_line(project) == CHECKOUT_REQUIREMENT
    readme = (project / "README.md").read_text()
    assert f"`{CHECKOUT_REQUIREMENT}`" in readme
    assert "the local cdk-durable checkout or directory this project was generated from" in readme


def test_an_explicit_requirement_overrides_the_default(tmp_path):
    result = invoke("--no-input", "-o", str(tmp_path), "cdk_durable_requirement=cdk-durable==9.9.9")

    assert result.exit_code == 0, result.output
    project = tmp_path / "durable-workflow"
    assert requirement_line(project) == "cdk-durable[local]==9.9.9"  # `local`: cdk-durable serve
    assert "the release you generated this project with" in (project / "README.md").read_text()


def test_output_dir_is_created_when_missing(tmp_path):
    result = invoke("--no-input", "-o", str(tmp_path / "a" / "b"))

    assert result.exit_code == 0, result.output
    assert (tmp_path / "a" / "b" / "durable-workflow" / "Makefile").is_file()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["retention_days=0"], "ERROR: retention_days must be between 1 and 90 days, got 0 days"),
        (["alias_name=$LATEST"], "ERROR: alias_name must not be $LATEST"),
        (["project_slug=Bad Slug"], "ERROR: project_slug must be 1-40 characters"),
    ],
    ids=["retention", "alias", "slug"],
)
def test_a_bad_value_is_refused_by_the_hook_in_one_line_and_nothing_is_left(tmp_path, capfd, args, expected):
    output = tmp_path / "new" / "dir"

    result = invoke("--no-input", "-o", str(output), *args)

    assert result.exit_code == 1
    err = capfd.readouterr().err + result.stderr
    assert err.splitlines() == [err.splitlines()[0]], f"one line, got {err!r}"
    assert err.startswith(expected)
    assert list(tmp_path.iterdir()) == [], "the output directories new created are removed"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["iac=terraform"],
            "terraform provided for choice variable iac, but the choices are " + str(list(MANIFEST["iac"])),
        ),
        (["colour=blue"], "Error: unknown variable 'colour': KEY must be one of " + ", ".join(VARIABLES)),
        (["iac"], "Error: arguments must be KEY=VALUE (KEY one of " + ", ".join(VARIABLES) + "), got 'iac'"),
    ],
    ids=["bad-choice", "unknown-key", "not-key-value"],
)
def test_bad_arguments_give_one_line_naming_the_input_and_the_allowed_values(tmp_path, capfd, args, expected):
    result = invoke("--no-input", "-o", str(tmp_path / "out"), *args)

    assert result.exit_code == 1
    err = capfd.readouterr().err + result.stderr
    assert len(err.splitlines()) == 1, err
    assert expected in err
    assert list(tmp_path.iterdir()) == []


def test_an_existing_project_is_not_touched(tmp_path):
    assert invoke("--no-input", "-o", str(tmp_path)).exit_code == 0
    readme = tmp_path / "durable-workflow" / "README.md"
    readme.write_text("mine")

    result = invoke("--no-input", "-o", str(tmp_path))

    assert result.exit_code == 1
    assert (
        result.stderr.startswith("Error: ") and "already exists: choose another project_slug" in result.stderr
    )
    assert len(result.stderr.splitlines()) == 1
    assert readme.read_text() == "mine"


def test_on_a_terminal_cookiecutter_prompts_with_each_choices_description(tmp_path, monkeypatch):
    monkeypatch.setattr("click.testing._NamedTextIOWrapper.isatty", lambda self: True, raising=False)
    # project_name, project_slug, iac (3 = cdk), runtime, blueprint (2 = approval), then the defaults.
    answers = "Orders\n\n3\n\n2\n" + "\n" * 10

    result = invoke("-o", str(tmp_path), input=answers)

    assert result.exit_code == 0, result.output
    for name, entry in MANIFEST["iac"].items():
        assert f"{name}: {entry['description']}" in result.output
    for name, entry in MANIFEST["blueprints"].items():
        assert f"{name}: {entry['description']}" in result.output
    project = tmp_path / "orders"
    assert (project / "app.py").is_file(), "iac=cdk was chosen"
    assert (project / "events" / "approve-answer.json").is_file(), "blueprint=approval was chosen"


def test_without_a_terminal_new_takes_the_defaults(tmp_path):
    result = invoke("-o", str(tmp_path), input="")

    assert result.exit_code == 0, result.output
    assert (tmp_path / "durable-workflow" / "template.yaml").is_file(), "the default IaC kind: sam"


@pytest.mark.parametrize(
    ("answer", "exit_code"), [("blueprint=saga", 0), ("blueprint=nope", 1)], ids=["baked", "refused"]
)
def test_new_leaves_nothing_in_the_temporary_directory(tmp_path, answer, exit_code):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    command = [
        str(Path(sys.executable).parent / "cdk-durable"),
        "new",
        "--no-input",
        "-o",
        str(tmp_path / "out"),
    ]

    proc = subprocess.run(
        [*command, answer],
        env={**os.environ, "TMPDIR": str(temporary)},
        capture_output=True,
        text=True,
        check=False,
    )

    assert proc.returncode == exit_code, proc.stderr
    assert (tmp_path / "out" / "durable-workflow").is_dir() == (exit_code == 0)
    assert sorted(temporary.iterdir()) == []


def test_what_is_written_to_the_temporary_directory_inside_the_block_is_gone_after_it(tmp_path, monkeypatch):
    """cookiecutter 2.7 writes each rendered hook with ``NamedTemporaryFile(delete=False)`` and never
    removes it. Asserted on that call itself, not on cookiecutter's current behaviour, so a cookiecutter
    release that cleans up does not turn this red."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))

    with hook_scripts_removed():
        with tempfile.NamedTemporaryFile(delete=False, suffix=".py") as hook:
            hook.write(b"print('pre_gen_project')\n")
        written = Path(hook.name)
        assert written.is_file() and written.parent != temporary  # in the private directory

    assert not written.exists() and not written.parent.exists()
    assert tempfile.tempdir == str(temporary)  # restored
    assert sorted(temporary.iterdir()) == []
