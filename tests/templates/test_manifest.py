"""The template's one manifest (``templates/manifest.json``) and what must agree with it.

cookiecutter.json's choice lists and prompts are synced from it; every IaC kind, runtime family
and blueprint it names has its files; every ``{% if %}`` on a kind in the template is explicit, so a
kind added to the manifest without a branch stops the bake naming the file.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from cookiecutter.exceptions import UndefinedVariableInTemplate

from .conftest import CONTEXT, MANIFEST, TEMPLATE, bake

PROJECT = TEMPLATE / "{{cookiecutter.project_slug}}"
STAGING = PROJECT / "_blueprints"
EXTENSION = TEMPLATE / "cdk_durable_template.py"
KEYS = {
    "iac": {
        "description",
        "label",
        "files",
        "app_per_family",
        "python_tools",
        "cli",
        "validate",
        "deploy",
        "destroy",
    },
    "runtimes": {"family", "description", "version"},
    "families": {"handler", "test", "replay_lint"},
    "blueprints": {"description", "summary", "has_callbacks", "bedrock", "answers"},
    "tracing": {"description"},
}
HANDLER_FILES = {
    "python": ("src/app.py", "tests/test_app.py"),
    "typescript": ("src/app.ts", "tests/app.test.ts"),
}


def load_extension():
    spec = importlib.util.spec_from_file_location("cdk_durable_template_under_test", EXTENSION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def template_files() -> list[Path]:
    return [p for p in PROJECT.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


def test_cookiecutter_json_choices_and_prompts_are_synced_from_the_manifest():
    extension = load_extension()

    synced = extension.synced_cookiecutter_json(CONTEXT, MANIFEST)

    assert synced == CONTEXT, "run `python templates/cdk_durable_template.py` after editing manifest.json"
    assert CONTEXT["iac"] == list(MANIFEST["iac"])
    assert CONTEXT["__prompts__"]["blueprint"]["approval"].startswith("approval: ")


def test_derived_variables_read_the_manifest():
    assert "manifest.runtimes[cookiecutter.runtime].family" in CONTEXT["__runtime_family"]
    assert "manifest.blueprints[cookiecutter.blueprint].has_callbacks" in CONTEXT["__callbacks"]
    assert CONTEXT["_extensions"] == ["cdk_durable_template.TemplateExtension"]


@pytest.mark.parametrize("section", sorted(KEYS))
def test_every_manifest_entry_has_every_key(section):
    for name, entry in MANIFEST[section].items():
        assert set(entry) == KEYS[section], f"{section}.{name}"
        assert entry["description" if "description" in entry else "handler"], f"{section}.{name}"


def test_every_runtime_belongs_to_a_family_with_a_handler_for_every_blueprint():
    for runtime, entry in MANIFEST["runtimes"].items():
        family = entry["family"]
        assert family in MANIFEST["families"], runtime
        assert MANIFEST["families"][family]["handler"] == HANDLER_FILES[family][0]
        for blueprint in MANIFEST["blueprints"]:
            for name in HANDLER_FILES[family]:
                assert (STAGING / family / blueprint / name).is_file(), f"{family}/{blueprint}/{name}"


def test_every_iac_kind_has_exactly_its_files():
    for iac, entry in MANIFEST["iac"].items():
        staged = PROJECT / "_iac" / iac
        if entry["app_per_family"]:  # one staging folder (and file list) per runtime family
            assert sorted(entry["files"]) == sorted(MANIFEST["families"]), iac
            folders = {family: staged / family for family in entry["files"]}
            assert sorted(p.name for p in staged.iterdir()) == sorted(folders), iac
        else:
            folders = {"": staged}
        for family, folder in folders.items():
            files = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
            expected = entry["files"][family] if family else entry["files"]
            assert files == sorted(expected), f"{iac} {family}"
    assert sorted(p.name for p in (PROJECT / "_iac").iterdir()) == sorted(MANIFEST["iac"])


def test_every_blueprint_has_its_events_and_exactly_its_answer_files():
    assert sorted(p.name for p in (STAGING / "events").iterdir()) == sorted(MANIFEST["blueprints"])
    for blueprint, entry in MANIFEST["blueprints"].items():
        events = STAGING / "events" / blueprint
        assert (events / "start.json").is_file(), blueprint
        answers = sorted(p.name for p in events.glob("*-answer*.json"))
        assert answers == sorted(entry["answers"]), blueprint
        assert entry["has_callbacks"] == bool(entry["answers"]), blueprint


ELSE = re.compile(r"\{%-?\s*else\s*-?%\}(.{0,40})", re.DOTALL)
INLINE_TERNARY = re.compile(r"\{\{[^}]*\bif\b[^}]*\belse\b[^}]*\}\}")


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(PROJECT)))
def test_every_else_is_an_unsupported_guard(path):
    text = path.read_text()

    for following in ELSE.findall(text):
        assert following.startswith("{{ unsupported("), (
            f"{path.name}: {{% else %}} falls through: {following!r}"
        )
    assert not INLINE_TERNARY.findall(text), f"{path.name}: inline 'x if kind else y' falls through"


@pytest.fixture
def template_copy(tmp_path, monkeypatch):
    """A copy of the template whose manifest a test may extend (and the extension loaded from it)."""
    copy = tmp_path / "template"
    shutil.copytree(TEMPLATE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.delitem(sys.modules, "cdk_durable_template", raising=False)
    yield copy
    sys.modules.pop("cdk_durable_template", None)


def _add_to_manifest(template: Path, section: str, name: str, entry: dict) -> None:
    manifest = json.loads((template / "manifest.json").read_text())
    manifest[section][name] = entry
    (template / "manifest.json").write_text(json.dumps(manifest))
    context = json.loads((template / "cookiecutter.json").read_text())
    extension = load_extension()
    (template / "cookiecutter.json").write_text(
        json.dumps(extension.synced_cookiecutter_json(context, manifest))
    )


def test_a_new_iac_kind_without_branches_stops_the_bake_naming_the_file(template_copy, tmp_path):
    _add_to_manifest(template_copy, "iac", "pulumi", {**MANIFEST["iac"]["cdk"], "cli": "pulumi"})
    output = tmp_path / "out"

    with pytest.raises(UndefinedVariableInTemplate) as failure:
        bake(output, template=template_copy, iac="pulumi")

    assert re.search(r"\S+ has no branch for iac 'pulumi'", failure.value.error.message)
    assert not output.exists() or list(output.iterdir()) == []


def test_a_new_callback_blueprint_without_branches_stops_the_bake(template_copy, tmp_path):
    _add_to_manifest(template_copy, "blueprints", "chatbot", {**MANIFEST["blueprints"]["approval"]})
    for family in ("python", "typescript"):
        shutil.copytree(template_copy / STAGING.relative_to(TEMPLATE) / family / "approval",
                        template_copy / STAGING.relative_to(TEMPLATE) / family / "chatbot")  # fmt: skip
    output = tmp_path / "out"

    with pytest.raises(UndefinedVariableInTemplate) as failure:
        bake(output, template=template_copy, blueprint="chatbot")

    assert "README.md has no branch for blueprint 'chatbot'" in failure.value.error.message


def test_the_unchanged_copy_bakes(template_copy, tmp_path):
    """The sibling of the two tests above: the copy itself is a working template."""
    project = bake(tmp_path / "out", template=template_copy, iac="cdk", blueprint="approval")

    assert (project / "app.py").is_file()


def test_default_requirement_outside_a_checkout_is_the_installed_distribution(monkeypatch):
    extension = load_extension()
    monkeypatch.setattr(extension, "checkout_root", lambda: None)

    from cdk_durable._requirement import installed_requirement

    assert extension.default_requirement() == installed_requirement()


def test_default_requirement_in_a_checkout_is_the_checkout():
    extension = load_extension()

    assert extension.checkout_root() == TEMPLATE.parent
    assert extension.default_requirement() == f"cdk-durable @ {TEMPLATE.parent.as_uri()}"


@pytest.mark.parametrize(
    ("requirement", "words"),
    [
        ("cdk-durable==0.1.0", "the release you generated this project with"),
        ("cdk-durable @ file:///x/cdk_durable-0.1.0-py3-none-any.whl", "the package file"),
        ("cdk-durable @ file:///home/me/cdk-durable", "the local cdk-durable checkout or directory"),
        ("cdk-durable @ git+https://github.com/me/cdk-durable@abc", "the repository (and commit)"),
        ("cdk-durable>=0.1", "the requirement given when this project was generated"),
    ],
)
def test_readme_words_for_each_kind_of_requirement(requirement, words):
    assert words in load_extension().requirement_source(requirement)


@pytest.mark.parametrize(
    ("requirement", "with_local"),
    [
        ("cdk-durable==0.1.0", "cdk-durable[local]==0.1.0"),
        ("cdk-durable @ file:///home/me/cdk-durable", "cdk-durable[local] @ file:///home/me/cdk-durable"),
        (
            "cdk-durable @ git+https://h/me/cdk-durable@abc",
            "cdk-durable[local] @ git+https://h/me/cdk-durable@abc",
        ),
        ("cdk-durable", "cdk-durable[local]"),
        ("cdk-durable[cfn-lint]>=0.1", "cdk-durable[cfn-lint,local]>=0.1"),
        ("cdk-durable[local]>=0.1", "cdk-durable[local]>=0.1"),
        ('cdk-durable ; python_version >= "3.11"', 'cdk-durable[local] ; python_version >= "3.11"'),
    ],
)
def test_the_project_asks_for_the_local_extra_whatever_the_requirement(requirement, with_local):
    """requirements-dev.txt: `cdk-durable serve` (make serve, the integration test) needs `local`."""
    assert load_extension().with_extra(requirement, "local") == with_local
