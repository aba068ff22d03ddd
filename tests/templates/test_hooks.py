"""Unit tests of the cookiecutter hooks (loaded unrendered) and their agreement with the library."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cdk_durable import _validation as v
from cdk_durable import platform as p

from .conftest import CONTEXT, MANIFEST, RUNTIMES, load_hook

pre = load_hook("pre_gen_project")
post = load_hook("post_gen_project")

VALID = {
    "project_name": "Order Workflow",
    "project_slug": "order-workflow",
    "iac": "sam",
    "runtime": "python3.13",
    "blueprint": "hello",
    "tracing": "none",
    "execution_timeout_seconds": "604800",
    "invocation_timeout_seconds": "60",
    "retention_days": "14",
    "log_retention_days": "30",
    "alias_name": "live",
    "cdk_durable_requirement": "cdk-durable==0.1.0",
}


# --- pre-generation hook: bounds mirror cdk_durable -------------------------------------------


def test_hook_bounds_equal_the_library():
    assert pre.EXECUTION_TIMEOUT_MIN_SECONDS == p.EXECUTION_TIMEOUT_MIN_SECONDS
    assert pre.EXECUTION_TIMEOUT_MAX_SECONDS == p.EXECUTION_TIMEOUT_MAX_SECONDS
    assert pre.INVOCATION_TIMEOUT_MAX_SECONDS == p.INVOCATION_TIMEOUT_MAX_SECONDS
    assert pre.RETENTION_MIN_DAYS == p.RETENTION_MIN_DAYS
    assert pre.RETENTION_MAX_DAYS == p.RETENTION_MAX_DAYS
    assert pre.ALIAS_NAME_PATTERN == p.ALIAS_NAME_PATTERN
    assert pre.ALIAS_NAME_MAX_LENGTH == p.ALIAS_NAME_MAX_LENGTH
    assert pre.DURABLE_RUNTIMES == p.DURABLE_RUNTIMES


def test_manifest_runtimes_are_durable_runtimes():
    assert set(RUNTIMES) <= set(p.DURABLE_RUNTIMES)
    pre.check_manifest(MANIFEST)


def test_a_manifest_runtime_that_is_not_durable_is_refused():
    manifest = {**MANIFEST, "runtimes": {**MANIFEST["runtimes"], "python3.12": {"family": "python"}}}

    with pytest.raises(pre.InputError, match=r"runtimes must be durable runtimes \(.*\), got python3.12"):
        pre.check_manifest(manifest)


def test_hook_takes_its_choices_from_the_manifest():
    manifest = {**MANIFEST, "blueprints": {"hello": MANIFEST["blueprints"]["hello"]}}

    assert pre.main({**VALID, "blueprint": "hello"}, manifest) == 0
    with pytest.raises(pre.InputError, match="blueprint must be one of hello, got 'saga'"):
        pre.validate({**VALID, "blueprint": "saga"}, manifest)


def test_tracing_must_be_one_of_the_manifests() -> None:
    with pytest.raises(pre.InputError, match="tracing must be one of none, xray, otlp, got 'jaeger'"):
        pre.validate({**VALID, "tracing": "jaeger"}, MANIFEST)


@pytest.mark.parametrize("tracing", list(MANIFEST["tracing"]))
def test_every_tracing_is_accepted_for_every_iac_and_runtime(tracing: str) -> None:
    for iac in MANIFEST["iac"]:
        for runtime in RUNTIMES:
            assert pre.main({**VALID, "iac": iac, "runtime": runtime, "tracing": tracing}, MANIFEST) == 0


def test_defaults_are_valid():
    defaults = {k: (val[0] if isinstance(val, list) else val) for k, val in CONTEXT.items()}
    defaults["project_slug"] = "durable-workflow"
    defaults["cdk_durable_requirement"] = "cdk-durable @ file:///home/me/cdk-durable"
    pre.validate({k: defaults[k] for k in VALID}, MANIFEST)


def _library_accepts(check, *args, **kwargs) -> bool:
    try:
        check(*args, **kwargs)
    except v.DurableValidationError:
        return False
    return True


def _hook_accepts(check, *args) -> bool:
    try:
        check(*args)
    except pre.InputError:
        return False
    return True


@pytest.mark.parametrize("seconds", [0, 1, 2, 900, 86400, 31_622_400, 31_622_401, 10**9])
def test_execution_timeout_agrees_with_library(seconds):
    assert _hook_accepts(pre.check_execution_timeout, str(seconds)) == _library_accepts(
        v.check_execution_timeout, seconds
    )


@pytest.mark.parametrize("days", [0, 1, 14, 90, 91, 365])
def test_retention_agrees_with_library(days):
    assert _hook_accepts(pre.check_retention_days, str(days)) == _library_accepts(
        v.check_retention_days, days
    )


@pytest.mark.parametrize(("seconds", "execution"), [(0, 900), (1, 900), (900, 900), (901, 3600), (120, 60)])
def test_invocation_timeout_agrees_with_library(seconds, execution):
    assert _hook_accepts(pre.check_invocation_timeout, str(seconds), execution) == _library_accepts(
        v.check_invocation_timeout, seconds, execution_timeout_seconds=execution
    )


@pytest.mark.parametrize(
    "alias", ["live", "prod-v2", "a_b", "1live", "123", "$LATEST", "", "live alias", "x" * 128, "x" * 129]
)
def test_alias_name_agrees_with_library(alias):
    assert _hook_accepts(pre.check_alias_name, alias) == _library_accepts(v.check_alias_name, alias)


# --- pre-generation hook: messages ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("project_slug", "Order Workflow", "project_slug must be 1-40 characters"),
        ("execution_timeout_seconds", "0", "execution_timeout_seconds must be between 1 second and 366 days"),
        ("execution_timeout_seconds", "7d", "execution_timeout_seconds must be a whole number"),
        ("retention_days", "91", "retention_days must be between 1 and 90 days, got 91 days"),
        ("log_retention_days", "10", "log_retention_days must be one of 1, 3, 5, 7, 14, 30"),
        ("alias_name", "$LATEST", "alias_name must not be $LATEST"),
        ("runtime", "python3.12", "runtime must be one of python3.13, python3.14"),
        ("blueprint", "chat", "blueprint must be one of hello, approval, saga, fan-out, triage, got 'chat'"),
    ],
)
def test_error_names_the_input_and_the_allowed_values(field, value, expected, capsys):
    assert pre.main({**VALID, field: value}, MANIFEST) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, "one line"
    assert expected in err
    assert repr(value) in err or value in err


def test_valid_inputs_exit_zero(capsys):
    assert pre.main(VALID, MANIFEST) == 0
    assert capsys.readouterr().err == ""


def test_rendered_hook_reads_every_value_through_tojson():
    source = (Path(pre.__file__)).read_text()
    reads = re.findall(r'json\.loads\(\s*r""" \{\{ cookiecutter\.(\w+) \| tojson \}\} """\s*\)', source)
    assert sorted(reads) == sorted(VALID)
    assert 'MANIFEST = json.loads(r""" {{ manifest | tojson }} """)' in source


@pytest.mark.parametrize(
    "requirement",
    [
        "cdk-durable==0.1.0",
        "cdk-durable @ file:///home/me/cdk-durable",
        "cdk-durable @ file:///home/me/my%20dir/cdk_durable-0.1.0-py3-none-any.whl",
        "cdk-durable @ git+https://github.com/me/cdk-durable@0123abc#subdirectory=pkg",
        "cdk-durable[local]>=0.1,<0.2",
    ],
)
def test_requirements_the_resolver_produces_are_accepted(requirement):
    pre.check_requirement(requirement)


# --- post-generation hook -------------------------------------------------------------------------


def _staged_project(root: Path) -> Path:
    files = [
        "Makefile",
        "_iac/sam/template.yaml",
        "_iac/cloudformation/template.yaml",
        "_iac/cloudformation/scripts/deploy.sh",
        "_iac/cdk/python/app.py",
        "_iac/cdk/python/cdk.json",
        "_iac/cdk/typescript/bin/app.ts",
        "_iac/cdk/typescript/lib/workflow-stack.ts",
        "_iac/cdk/typescript/cdk.json",
        "_iac/cdk/typescript/package-lock.json",
        "_blueprints/python/_common/pyproject.toml",
        "_blueprints/python/_common/tests/conftest.py",
        "_blueprints/python/hello/src/app.py",
        "_blueprints/python/hello/tests/test_app.py",
        "_blueprints/python/saga/src/app.py",
        "_blueprints/python/saga/src/services.py",
        "_blueprints/typescript/_common/package.json",
        "_blueprints/typescript/_common/package-lock.json",
        "_blueprints/typescript/hello/src/app.ts",
        "_blueprints/events/hello/start.json",
        "_blueprints/events/saga/start.json",
    ]
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(name)
    return root


def _files(root: Path) -> set[str]:
    return {str(f.relative_to(root)) for f in root.rglob("*") if f.is_file()}


def test_post_gen_keeps_cloudformation_and_the_chosen_blueprint(tmp_path):
    root = _staged_project(tmp_path)

    post.main(root, iac="cloudformation", runtime_family="python", blueprint="saga", app_per_family=False)

    assert _files(root) == {
        "Makefile",
        "template.yaml",
        "scripts/deploy.sh",
        "pyproject.toml",
        "tests/conftest.py",
        "src/app.py",
        "src/services.py",
        "events/start.json",
    }
    assert (root / "template.yaml").read_text() == "_iac/cloudformation/template.yaml"
    assert (root / "src/app.py").read_text() == "_blueprints/python/saga/src/app.py"
    assert (root / "scripts/deploy.sh").stat().st_mode & 0o111


def test_post_gen_keeps_cdk_and_hello(tmp_path):
    root = _staged_project(tmp_path)

    post.main(root, iac="cdk", runtime_family="python", blueprint="hello", app_per_family=True)

    assert {"app.py", "cdk.json", "src/app.py", "tests/test_app.py", "events/start.json"} <= _files(root)
    assert not {"template.yaml", "scripts/deploy.sh", "src/services.py", "bin/app.ts"} & _files(root)
    assert (root / "cdk.json").read_text() == "_iac/cdk/python/cdk.json"
    assert not (root / "_iac").exists()
    assert not (root / "_blueprints").exists()


def test_post_gen_cdk_with_typescript_takes_the_typescript_app_and_its_lockfile(tmp_path):
    root = _staged_project(tmp_path)

    post.main(root, iac="cdk", runtime_family="typescript", blueprint="hello", app_per_family=True)

    assert _files(root) == {
        "Makefile",
        "bin/app.ts",
        "lib/workflow-stack.ts",
        "cdk.json",
        "package.json",
        "package-lock.json",
        "src/app.ts",
        "events/start.json",
    }
    assert (root / "cdk.json").read_text() == "_iac/cdk/typescript/cdk.json"
    # the app's lockfile (aws-cdk-lib too) replaces the handler-only one
    assert (root / "package-lock.json").read_text() == "_iac/cdk/typescript/package-lock.json"
    assert (root / "package.json").read_text() == "_blueprints/typescript/_common/package.json"


def test_post_gen_sam_takes_the_sam_template(tmp_path):
    root = _staged_project(tmp_path)

    post.main(root, iac="sam", runtime_family="python", blueprint="hello", app_per_family=False)

    assert (root / "template.yaml").read_text() == "_iac/sam/template.yaml"
    assert not (root / "scripts").exists()


def test_post_gen_missing_blueprint_is_an_error(tmp_path):
    root = _staged_project(tmp_path)

    with pytest.raises(FileNotFoundError, match="fan-out"):
        post.main(root, iac="sam", runtime_family="python", blueprint="fan-out", app_per_family=False)


def test_post_gen_removes_bytecode_an_installed_template_carries(tmp_path):
    root = _staged_project(tmp_path)
    for cache in ("_blueprints/python/hello/src/__pycache__", "_blueprints/python/_common/tests/__pycache__"):
        (root / cache).mkdir(parents=True)
        (root / cache / "app.cpython-311.pyc").write_bytes(b"\x00")

    post.main(root, iac="sam", runtime_family="python", blueprint="hello", app_per_family=False)

    assert not list(root.rglob("__pycache__"))
    assert (root / "src/app.py").is_file()
