"""The template extension's per-process cache of compiled templates (``cdk_durable_template``).

Jinja keys each compiled file by its name and checks it against the source, so a process that bakes
again compiles each file once, and a file edited between two bakes is compiled again.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import TEMPLATE, bake


def test_a_file_edited_between_two_bakes_in_one_process_is_rendered_from_its_new_source(
    tmp_path: Path,
) -> None:
    template = tmp_path / "template"
    shutil.copytree(TEMPLATE, template, ignore=shutil.ignore_patterns("__pycache__"))
    gitignore = template / "{{cookiecutter.project_slug}}" / ".gitignore"

    before = bake(tmp_path / "one", template, project_name="First")
    gitignore.write_text(gitignore.read_text() + "# {{ cookiecutter.project_name }} was here\n")
    after = bake(tmp_path / "two", template, project_name="Second")

    assert "was here" not in (before / ".gitignore").read_text()
    assert (after / ".gitignore").read_text().endswith("# Second was here\n")


def test_two_bakes_with_different_answers_render_each_ones_answers(tmp_path: Path) -> None:
    first = bake(tmp_path / "one", iac="sam", runtime="python3.13", blueprint="hello")
    second = bake(tmp_path / "two", iac="sam", runtime="nodejs22.x", blueprint="approval")

    assert "python3.13" in (first / "template.yaml").read_text()
    assert "nodejs22.x" in (second / "template.yaml").read_text()
    assert (second / "src" / "app.ts").is_file() and not (first / "src" / "app.ts").exists()
