"""The template's Jinja extension: the manifest, the default cdk-durable requirement, branch guards.

cookiecutter loads this module from the template directory (``_extensions`` in ``cookiecutter.json``)
for every rendering: the variables' defaults, the hooks and the project files. It gives them:

- ``manifest``: ``manifest.json``, the one description of what the template offers (IaC kinds,
  runtimes and their families, blueprints with their callbacks and answer files). The pre-gen hook,
  the derived variables, the generated README, ``cdk-durable new --list`` and the tests read it.
- ``default_cdk_durable_requirement()``: where the generated project installs cdk-durable from when
  ``cdk_durable_requirement`` is not given: this checkout (``cookiecutter templates/`` from a clone)
  or, for the copy packaged in the wheel, the installed distribution (``cdk_durable._requirement``).
- ``unsupported(variable, value, file)``: the last branch of every ``{% if %}`` on a kind; a kind the
  manifest adds but a file has no branch for stops the bake with one line naming both.
- the ``requirement_source`` filter: the README's words for where a requirement points;
- the ``with_extra`` filter: a requirement with one more extra (``cdk-durable[local] @ file:///...``).

It also gives cookiecutter's environment a per-process cache of compiled templates (Jinja's
``BytecodeCache``, keyed by file name and checked against the source): compiling the ~70 files is
most of a bake, and a process that bakes again (the tests, a tool calling cookiecutter's API in a
loop) compiles each file once.

Run ``python templates/cdk_durable_template.py`` after editing ``manifest.json``: it rewrites the
choice lists and their prompt descriptions in ``cookiecutter.json`` (cookiecutter needs them
there, literally); a test fails while they differ.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket
from jinja2.exceptions import UndefinedError
from jinja2.ext import Extension

HERE = Path(__file__).resolve().parent
MANIFEST_FILE = HERE / "manifest.json"
COOKIECUTTER_FILE = HERE / "cookiecutter.json"
#: cookiecutter variable -> manifest section that lists its choices.
CHOICES = {"iac": "iac", "runtime": "runtimes", "blueprint": "blueprints", "tracing": "tracing"}
PROMPTS = {
    "iac": "Infrastructure as code",
    "runtime": "Lambda runtime",
    "blueprint": "Workflow blueprint",
    "tracing": "Tracing (OpenTelemetry)",
}


def load_manifest() -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(MANIFEST_FILE.read_text(encoding="utf-8"))
    return manifest


def checkout_root() -> Path | None:
    """The cdk-durable checkout this template sits in (``<root>/templates``), if it is one."""
    root = HERE.parent
    pyproject = root / "pyproject.toml"
    if not (pyproject.is_file() and (root / "cdk_durable" / "__init__.py").is_file()):
        return None
    if not re.search(r'^name = "cdk-durable"$', pyproject.read_text(encoding="utf-8"), re.MULTILINE):
        return None
    return root


def default_requirement() -> str:
    """The pip requirement a generated project uses for cdk-durable unless one is given."""
    root = checkout_root()
    if root is not None:
        return f"cdk-durable @ {root.as_uri()}"
    try:  # the template packaged in the wheel: where that installation came from
        from cdk_durable._requirement import installed_requirement
    except ImportError:  # pragma: no cover - a copy of the template outside any installation
        return "cdk-durable"
    return installed_requirement()


def requirement_source(requirement: str) -> str:
    """Where ``requirement`` installs cdk-durable from, in the README's words."""
    text = requirement.replace(" ", "")
    if text.startswith("cdk-durable==") and "@" not in text:
        return "the release you generated this project with, from the package index"
    if "@git+" in text or re.search(r"@(hg|svn|bzr)\+", text):
        return "the repository (and commit) your cdk-durable was installed from"
    if "@file:" in text and text.endswith((".whl", ".tar.gz", ".zip")):
        return "the package file your cdk-durable was installed from"
    if "@file:" in text:
        return "the local cdk-durable checkout or directory this project was generated from"
    return "the requirement given when this project was generated"


#: A requirement's name and extras, then the rest (version, ``@ URL``, markers), per PEP 508.
_NAME_AND_EXTRAS = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)(?:\s*\[(?P<extras>[^\]]*)\])?(?P<rest>.*)$"
)


def with_extra(requirement: str, extra: str) -> str:
    """``requirement`` asking for ``extra`` too: ``cdk-durable @ URL`` -> ``cdk-durable[local] @ URL``."""
    found = _NAME_AND_EXTRAS.match(requirement)
    if found is None:  # the pre-gen hook accepts only requirement lines; keep anything else as given
        return requirement
    extras = [e.strip() for e in (found["extras"] or "").split(",") if e.strip()]
    if extra not in extras:
        extras.append(extra)
    return f"{found['name']}[{','.join(extras)}]{found['rest']}"


def unsupported(variable: str, value: object, file: str) -> str:
    raise UndefinedError(
        f"{file} has no branch for {variable} {value!r}: add one (templates/LAYOUT.md, 'Branches')"
    )


class _ProcessBytecodeCache(BytecodeCache):
    """Compiled templates in memory for this process; Jinja resets a bucket whose source changed."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _ProcessBytecodeCache()


class TemplateExtension(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.bytecode_cache = _COMPILED
        environment.globals.update(
            manifest=load_manifest(),
            default_cdk_durable_requirement=default_requirement,
            unsupported=unsupported,
        )
        environment.filters["requirement_source"] = requirement_source
        environment.filters["with_extra"] = with_extra


def synced_cookiecutter_json(context: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    """``context`` with its choice lists and per-choice prompt descriptions taken from ``manifest``."""
    synced = dict(context)
    prompts = dict(synced.get("__prompts__", {}))
    for variable, section in CHOICES.items():
        entries: dict[str, dict[str, Any]] = manifest[section]
        synced[variable] = list(entries)
        prompts[variable] = {
            "__prompt__": PROMPTS[variable],
            **{name: f"{name}: {entry['description']}" for name, entry in entries.items()},
        }
    synced["__prompts__"] = prompts
    return synced


if __name__ == "__main__":
    current = json.loads(COOKIECUTTER_FILE.read_text(encoding="utf-8"))
    COOKIECUTTER_FILE.write_text(
        json.dumps(synced_cookiecutter_json(current, load_manifest()), indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {COOKIECUTTER_FILE}")
