"""mypy reads the aws-cdk-lib modules cdk_durable's types depend on, and not the other ~280.

aws-cdk-lib's root module (``aws_cdk``, CDK's core) imports every AWS service's module under
``typing.TYPE_CHECKING`` (at run time they load lazily), so following ``import aws_cdk`` made mypy
analyze all of them: 50 s of a cold run, 21 s of it in modules like ``aws_medialive``. pyproject.toml
skips ``aws_cdk.*`` except a list; this test derives that list and compares: each module
``cdk_durable`` imports, then, transitively, each module those import for their own types (the
hashed ``import aws_cdk.X as _X_1a2b3c4d`` lines; the root's fan-out is ``from . import X``). A
module left off would type as ``Any``, so the list must hold this closure.
"""

from __future__ import annotations

import ast
import re
import tomllib
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: aws-cdk-lib's package directory (found without importing it, which would start a jsii kernel)
SITE = Path(str(find_spec("aws_cdk").origin)).parent
TYPE_IMPORT = re.compile(r"^\s+import (aws_cdk(?:\.\w+)*) as _\w+_[0-9a-f]{8}$", re.MULTILINE)


def imported_by_cdk_durable() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "cdk_durable").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.split(".")[0] == "aws_cdk"}
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "aws_cdk":
                found.add(node.module)
                submodules = {
                    a.name
                    for a in node.names
                    if (SITE.joinpath(*node.module.split(".")[1:], a.name)).is_dir()
                }
                found |= {f"{node.module}.{name}" for name in submodules}
    return found


def type_closure(modules: set[str]) -> set[str]:
    closure: set[str] = set()
    stack = sorted(modules)
    while stack:
        module = stack.pop()
        if module not in closure:
            closure.add(module)
            source = SITE.joinpath(*module.split(".")[1:], "__init__.py").read_text()
            stack.extend(TYPE_IMPORT.findall(source))
    return closure


def mypy_overrides() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["overrides"]


def test_mypy_skips_aws_cdk_but_the_modules_cdk_durables_types_depend_on():
    skipped, followed = mypy_overrides()
    assert skipped == {"module": "aws_cdk.*", "follow_imports": "skip"}
    assert followed["follow_imports"] == "normal"

    expected = type_closure(imported_by_cdk_durable())

    assert sorted(expected - set(followed["module"])) == [], "add to the second [[tool.mypy.overrides]]"
    # one listed but no longer needed (aws-cdk-lib floats, >= 2.275) only costs mypy time; a name
    # that is not a module at all is a typo
    assert [
        m for m in followed["module"] if not SITE.joinpath(*m.split(".")[1:], "__init__.py").is_file()
    ] == []


def test_the_closure_holds_what_cdk_durable_imports_and_their_dependencies():
    imported = imported_by_cdk_durable()
    closure = type_closure(imported)

    assert {"aws_cdk", "aws_cdk.aws_lambda", "aws_cdk.aws_iam", "aws_cdk.aws_events"} <= imported
    assert "aws_cdk.aws_ec2" in closure  # aws_lambda's types name ec2's (a function's VPC)
    assert "aws_cdk.aws_medialive" not in closure  # only the root's fan-out reaches it
