"""``cdk-durable new``: generate a durable-function project from the packaged template.

What ``sam init`` is to SAM: the template in ``templates/`` (shipped in the wheel as
``cdk_durable/_templates``) baked with cookiecutter's API. On a terminal cookiecutter asks its own
questions (each choice with its description); ``--no-input`` (or no terminal) takes the defaults
and the ``KEY=VALUE`` answers, in cookiecutter's extra-context syntax. The variables are exactly
those of ``cookiecutter.json``; ``--list`` prints the choices from the template's manifest.

Values are validated in one place, the template's pre-generation hook (a bad value: one line naming
the input and the allowed values, exit 1); this command only checks the ``KEY=VALUE`` syntax and
the key names, and removes any directory it created when generation fails, so nothing is left.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .errors import CdkDurableError, safe_text

PACKAGED_TEMPLATE = Path(__file__).resolve().parent / "_templates"
CHECKOUT_TEMPLATE = Path(__file__).resolve().parent.parent / "templates"
#: (variable, manifest section, heading) in the order ``--list`` prints them.
LIST_SECTIONS = (
    ("iac", "iac", "IaC kinds"),
    ("runtime", "runtimes", "runtimes"),
    ("blueprint", "blueprints", "blueprints"),
)


class NewError(CdkDurableError):
    """A user error; the message is the one line shown."""


class InputRefused(NewError):
    """The template's pre-generation hook refused an input; it printed the one line itself."""


def template_dir() -> Path:
    """The template: packaged in the wheel, or the checkout's ``templates/`` (editable installs)."""
    for candidate in (PACKAGED_TEMPLATE, CHECKOUT_TEMPLATE):
        if (candidate / "cookiecutter.json").is_file():
            return candidate
    raise NewError(f"the cdk-durable template is missing: not in {PACKAGED_TEMPLATE}, {CHECKOUT_TEMPLATE}")


def load_manifest(template: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((template / "manifest.json").read_text(encoding="utf-8"))
    return manifest


def variables(template: Path) -> list[str]:
    """The variables a user can set: ``cookiecutter.json``'s keys without a leading ``_``."""
    context: dict[str, Any] = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    return [key for key in context if not key.startswith("_")]


def parse_assignments(assignments: Sequence[str], allowed: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` arguments as cookiecutter extra context."""
    context: dict[str, str] = {}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        if not sep or not key:
            keys = ", ".join(allowed)
            raise NewError(f"arguments must be KEY=VALUE (KEY one of {keys}), got {assignment!r}")
        if key not in allowed:
            raise NewError(f"unknown variable {key!r}: KEY must be one of {', '.join(allowed)}")
        context[key] = value
    return context


def list_choices(manifest: Mapping[str, Any]) -> list[str]:
    """One line per IaC kind, runtime and blueprint (the first of each is the default)."""
    lines: list[str] = []
    for variable, section, title in LIST_SECTIONS:
        lines.append(f"{title} ({variable}=):")
        for index, (name, entry) in enumerate(manifest[section].items()):
            notes = []
            if index == 0:
                notes.append("default")
            if section == "blueprints" and entry["has_callbacks"]:
                notes.append("callbacks: " + ", ".join(f"events/{a}" for a in entry["answers"]))
            suffix = f" ({'; '.join(notes)})" if notes else ""
            lines.append(f"  {name:<16}{entry['description']}{suffix}")
    return lines


def _first_missing(path: Path) -> Path | None:
    """The outermost ancestor of ``path`` (or itself) that does not exist yet."""
    missing = None
    for candidate in [path, *path.parents]:
        if candidate.exists():
            break
        missing = candidate
    return missing


def check_output_dir(output_dir: Path) -> None:
    """Refuse ``-o DIR`` before baking when no project can be created there (one line saying why)."""
    shown = safe_text(str(output_dir), multiline=False)
    too_long = next(
        (part for part in output_dir.parts if len(part.encode(errors="surrogateescape")) > 255), None
    )
    if too_long is not None:
        raise NewError(f"-o {shown[:80]}...: a folder name in it is longer than 255 bytes")
    try:
        existing = next((p for p in [output_dir, *output_dir.parents] if p.exists()), None)
    except OSError as e:
        raise NewError(f"-o {shown[:200]}: cannot use this path ({e.strerror or e})") from None
    if existing is None:
        return
    if not existing.is_dir():
        raise NewError(f"-o {shown}: {safe_text(str(existing))} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise NewError(f"-o {shown}: {safe_text(str(existing))} is not writable (read-only or no permission)")


def new_project(
    output_dir: Path,
    extra_context: Mapping[str, str],
    *,
    no_input: bool,
    template: Path | None = None,
) -> Path:
    """Bake the template into ``output_dir``; nothing is left on disk when it fails."""
    template = template or template_dir()
    output_dir = output_dir.resolve()
    created = _first_missing(output_dir)  # cookiecutter creates it; a failure removes it again
    try:
        project = _bake(template, output_dir, extra_context, no_input=no_input)
    except OSError as err:  # cookiecutter's "Unable to create directory at ...", a full disk, ...
        if created is not None and created.exists():
            shutil.rmtree(created)
        raise NewError(f"-o {output_dir}: cannot create the project there ({err.strerror or err})") from None
    except BaseException:
        if created is not None and created.exists():
            shutil.rmtree(created)
        raise
    return Path(project)


@contextmanager
def hook_scripts_removed() -> Iterator[None]:
    """cookiecutter (2.7) writes each hook, rendered, to a temporary file it never removes: two files
    in the system's temporary directory per project. Inside this block they go to a private temporary
    directory, removed at its end. ``tempfile.tempdir`` is process-wide: bake from one thread."""
    saved = tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix="cdk-durable-new-") as private:
        tempfile.tempdir = private
        try:
            yield
        finally:
            tempfile.tempdir = saved


def _bake(template: Path, output_dir: Path, extra_context: Mapping[str, str], *, no_input: bool) -> str:
    """cookiecutter's API, its errors turned into one line each."""
    from cookiecutter.exceptions import (
        CookiecutterException,
        FailedHookException,
        OutputDirExistsException,
        UndefinedVariableInTemplate,
    )
    from cookiecutter.main import cookiecutter

    # cookiecutter logs a traceback when a hook fails; the hook's own line is the message.
    quiet = logging.getLogger("cookiecutter")
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
    try:
        with hook_scripts_removed():
            project: str = cookiecutter(
                str(template),
                no_input=no_input,
                extra_context=dict(extra_context),
                output_dir=str(output_dir),
                default_config=True,
            )
    except FailedHookException as err:
        # The hook printed its one line (the input and the allowed values) on stderr.
        raise InputRefused("the template's pre-generation hook refused an input") from err
    except OutputDirExistsException as err:
        existing = str(err).removeprefix("Error: ")
        raise NewError(f"{existing}: choose another project_slug, or another directory with -o DIR") from err
    except UndefinedVariableInTemplate as err:
        raise NewError(f"{err.message}: {err.error.message}") from err
    except ValueError as err:  # a choice variable given a value that is not one of its choices
        raise NewError(str(err).strip()) from err
    except CookiecutterException as err:
        raise NewError(str(err).strip()) from err
    return project


@click.command(name="new", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("assignments", nargs=-1, metavar="[KEY=VALUE]...")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Directory the project directory (project_slug) is created in.",
)
@click.option("--no-input", is_flag=True, help="Do not prompt: the defaults and KEY=VALUE answers only.")
@click.option("--list", "list_only", is_flag=True, help="Print the IaC kinds, runtimes and blueprints; exit.")
def command(assignments: tuple[str, ...], output_dir: Path, no_input: bool, list_only: bool) -> None:
    """Generate a durable-function project (SAM, CloudFormation or CDK; Python or TypeScript).

    KEY=VALUE sets a template variable, e.g. `cdk-durable new --no-input iac=cdk blueprint=approval`.
    Without a terminal, it behaves as --no-input.
    """
    try:
        template = template_dir()
        if list_only:
            click.echo("\n".join(list_choices(load_manifest(template))))
            return
        extra_context = parse_assignments(assignments, variables(template))
        check_output_dir(output_dir)
        slug = extra_context.get("project_slug", "")
        if len(slug.encode(errors="surrogateescape")) > 255:
            raise NewError("project_slug is longer than 255 bytes: it names the project folder")
        interactive = not no_input and sys.stdin.isatty()
        project = new_project(output_dir, extra_context, no_input=not interactive, template=template)
    except InputRefused:
        sys.exit(1)  # the hook's line on stderr says which input and what is allowed
    except NewError as err:
        click.echo(f"Error: {err.one_line()}", err=True)
        sys.exit(1)
    click.echo(f"Created {project}")
    click.echo(f"Next: cd {_relative(project)} && make test")


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
