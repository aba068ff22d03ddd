"""`cdk-durable lint`: ruff-like output, JSON, SARIF 2.1.0, exit codes 0/1/2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from cdk_durable.cli import main
from cdk_durable.lint import RULES
from cdk_durable.lint.cli import command
from cdk_durable.lint.rules import SYNTAX_ERROR

from ._expect import CORPUS

BAD = CORPUS / "bad_print_in_handler.py"
GOOD = CORPUS / "good_time_in_step.py"
REPO = Path(__file__).resolve().parents[2]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(command, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_text_output_is_ruff_style_and_exits_1_on_findings() -> None:
    code, out, _ = _run(str(BAD))

    assert code == 1
    first, summary = out.splitlines()
    assert re.fullmatch(rf"{re.escape(str(BAD))}:\d+:\d+: DUR005 .+", first)
    assert summary == "Found 1 finding."


def test_clean_file_exits_0() -> None:
    code, out, _ = _run(str(GOOD))

    assert (code, out) == (0, "All checks passed!\n")


def test_exit_zero_flag() -> None:
    assert _run("--exit-zero", str(BAD))[0] == 0


def test_json_output() -> None:
    code, out, _ = _run("--format", "json", str(BAD))

    assert code == 1
    [item] = json.loads(out)
    assert item["code"] == "DUR005"
    assert set(item) == {"path", "line", "col", "end_line", "end_col", "code", "severity", "message"}


def test_sarif_output_has_the_2_1_0_shape() -> None:
    code, out, _ = _run("--format", "sarif", str(CORPUS / "bad_mixed_saga.py"))

    assert code == 1
    log = json.loads(out)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-2.1.0.json")
    [run] = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cdk-durable-lint"
    rule_ids = [r["id"] for r in driver["rules"]]
    assert rule_ids[: len(RULES)] == [r.code for r in RULES]
    assert len(run["results"]) == 6
    for result in run["results"]:
        assert result["level"] in {"error", "warning", "note"}
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].endswith("bad_mixed_saga.py")
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1


def test_missing_path_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code, out, err = _run(str(tmp_path / "missing.py"))

    assert code == 2
    assert out == ""
    assert err.strip().count("\n") == 0
    assert "missing.py" in err and "does not exist" in err


def test_unknown_rule_code_is_a_usage_error() -> None:
    code, _, err = _run("--select", "DUR999", str(BAD))

    assert code == 2
    assert "DUR999" in err and "allowed: DUR001" in err


def test_select_and_ignore_options() -> None:
    assert _run("--ignore", "DUR005", str(BAD))[0] == 0
    assert _run("--select", "DUR001,DUR002", str(BAD))[0] == 0


def test_list_rules_prints_every_code() -> None:
    code, out, _ = _run("--list-rules")

    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [r.code for r in RULES]


def test_registered_as_a_subcommand_of_cdk_durable() -> None:
    result = CliRunner().invoke(main, ["lint", str(BAD)])

    assert result.exit_code == 1
    assert "DUR005" in result.stdout


def test_pre_commit_hook_runs_the_lint_command() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())

    [hook] = hooks
    assert hook["id"] == "cdk-durable-lint"
    assert hook["entry"] == "cdk-durable lint"
    assert hook["types"] == ["python"]


def test_docs_describe_every_rule() -> None:
    for rule in [*RULES, SYNTAX_ERROR]:
        docs = (REPO / rule.docs_page).read_text()
        row = f'| <a id="{rule.docs_anchor}"></a>`{rule.code}` | {rule.name}'
        assert row in docs, rule.code
        assert rule.docs == f"docs/lint.md#{rule.code.lower()}"


def _ts_project(root: Path) -> Path:
    """A TypeScript project's layout: handler sources, config, and installed JS packages."""
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.ts").write_text("export const handler = async () => Date.now();\n")
    (root / "eslint.config.mjs").write_text("export default [];\n")
    (root / "node_modules" / "pkg").mkdir(parents=True)
    (root / "node_modules" / "pkg" / "index.js").write_text("module.exports = 1;\n")
    return root


def test_typescript_file_says_how_typescript_is_checked_and_exits_2(tmp_path: Path) -> None:
    project = _ts_project(tmp_path)
    for name in ("app.ts", "app.js", "app.mjs"):
        source = project / "src" / name
        source.write_text("export const handler = async () => 1;\n")

        code, out, err = _run(str(source))

        assert code == 2, name
        assert out == ""
        assert err.strip().count("\n") == 0, "one line"
        assert name in err and "checks Python handlers" in err and "ESLint" in err
        assert "DUR900" not in err and "syntax error" not in err


def test_tree_of_typescript_only_is_a_usage_error_not_all_clear(tmp_path: Path) -> None:
    project = _ts_project(tmp_path)

    for path in (project, project / "src"):
        code, out, err = _run(str(path))

        assert code == 2
        assert "All checks passed" not in out
        assert err.strip().count("\n") == 0
        assert "TypeScript/JavaScript and no Python" in err and "npm run lint" in err


def test_tree_with_python_and_typescript_lints_the_python(tmp_path: Path) -> None:
    project = _ts_project(tmp_path)
    (project / "infra.py").write_text(GOOD.read_text())

    code, out, _ = _run(str(project))

    assert code == 0
    assert "All checks passed" in out
