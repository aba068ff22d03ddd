"""``cdk-durable run --template PATH LOGICAL_ID EVENT``: SAM, plain CloudFormation and CDK cloud assemblies.

The fixtures in ``tests/cli/templates/`` point at the handlers in ``tests/cli/handlers/``; the CDK
template is synthesized from a real stack. Every template is checked with cfn-lint first.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cdk_durable.cli import main
from cdk_durable.local_run import LocalRunError, load_template_functions
from tests.cfnlint_helper import assert_cfn_lint_clean

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "tests" / "cli" / "templates"
SAM = TEMPLATES / "sam.yaml"
CFN = TEMPLATES / "cloudformation.json"
HANDLERS = ROOT / "tests" / "cli" / "handlers"
LOCAL_PATH_CODE = {"W3002": "the point of this fixture: code from a local path, as before `package`"}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["run", *args])


def result_of(result: Result) -> object:
    return json.loads(result.stdout.split("Result: ", 1)[1].split("\nHistory:", 1)[0])


def test_fixtures_are_valid_templates() -> None:
    assert_cfn_lint_clean(SAM)
    assert_cfn_lint_clean(CFN, ignore=LOCAL_PATH_CODE)


# --- SAM ------------------------------------------------------------------------------------------------


def test_sam_function_runs_with_its_template_targets_and_alias_references() -> None:
    result = run("--template", str(SAM), "OrdersFunction", '{"amount": 5}')
    assert result.exit_code == 0, result.stdout + result.stderr
    # PAYMENTS_FUNCTION = !Ref PaymentsFunctionAliaslive -> the alias ARN of payments-fn (its FunctionName);
    # TAX_FUNCTION = !GetAtt TaxFunction.Arn -> the stand-in ARN of the plain function TaxFunction.
    assert result_of(result) == {
        "payment": {"charged_cents": 500},
        "tax": {"tax": 1.0, "function": "TaxFunction"},
        "forms": [],
    }
    assert "▶ OrdersFunction (orders:handler)" in result.stdout
    assert "invoke targets: payments-fn (alias live), TaxFunction, EnvFunction" in result.stdout
    assert re.search(
        r"INVOKE\s+pay\s+STARTED\s+-> arn:aws:lambda:us-east-1:123456789012:function:payments-fn:live",
        result.stdout,
    )
    # functions that cannot run here are named, not silently dropped
    assert "Warning: NodeFunction is not a chained-invoke target here: runtime nodejs22.x" in result.stderr
    assert (
        "Warning: OldFunction is not a chained-invoke target here: runtime 'python3.12' does not support"
        in result.stderr
    )


def test_sam_globals_environment_and_unresolvable_values() -> None:
    found = load_template_functions(SAM, region="eu-west-1")
    env = found.functions["EnvFunction"]
    assert env.memory_size == 512  # Globals
    assert env.code_dir == HANDLERS  # Globals CodeUri, relative to the template
    assert env.execution_timeout_seconds == 900
    assert env.environment == {
        "STAGE": "dev",  # Globals, !Ref of a parameter with a Default
        "PAYMENTS_ARN": "arn:aws:lambda:eu-west-1:123456789012:function:payments-fn:live",  # !Sub
    }
    assert found.warnings == [
        "EnvFunction: environment variable TABLE is not set: Ref TableName (a parameter without a "
        "Default) cannot be resolved locally (pass it with --env or --env-file)",
        "EnvFunction: environment variable OTHER is not set: Fn::ImportValue cannot be resolved locally "
        "(pass it with --env or --env-file)",
    ]
    assert found.functions["TaxFunction"].durable is False
    assert found.functions["PaymentsFunction"].name == "payments-fn"


def test_sam_environment_through_the_command_with_an_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "env.json"
    env_file.write_text(json.dumps({"EnvFunction": {"TABLE": "orders-dev"}}))
    result = run("--template", str(SAM), "EnvFunction", "{}", "--env-file", str(env_file))
    assert result.exit_code == 0, result.stdout + result.stderr
    env = result_of(result)
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "EnvFunction"  # type: ignore[index]
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512"  # type: ignore[index]
    assert (env["TABLE"], env["STAGE"]) == ("orders-dev", "dev")  # type: ignore[index]
    assert "Warning: EnvFunction: environment variable OTHER is not set" in result.stderr
    assert "DurableConfig" not in result.stderr


def test_the_execution_timeout_comes_from_durable_config(tmp_path: Path) -> None:
    history = tmp_path / "h.json"
    result = run("--template", str(SAM), "EnvFunction", "{}", "--history", str(history))
    assert result.exit_code == 0, result.stderr
    started = json.loads(history.read_text())["Events"][0]
    assert started["ExecutionStartedDetails"]["ExecutionTimeout"] == 900


@pytest.mark.parametrize(
    ("logical_id", "message"),
    [
        (
            "NodeFunction",
            # run runs Node.js functions too (tests/cli/test_run_node.py): this one has no source file
            "function NodeFunction: runtime nodejs22.x: no source file for Handler 'index.handler' in "
            f"{HANDLERS} (.ts, .mts, .mjs, .js, .cjs)",
        ),
        (
            "OldFunction",
            "function OldFunction: runtime 'python3.12' does not support durable functions; "
            "use one of python3.13, python3.14, nodejs22.x, nodejs24.x",
        ),
        ("TaxFunction", "function TaxFunction has no DurableConfig"),
        (
            "Nope",
            "no function 'Nope'; functions in this template: EnvFunction, NodeFunction, OldFunction, "
            "OrdersFunction, PaymentsFunction, TaxFunction",
        ),
    ],
)
def test_error_functions_that_cannot_be_run(logical_id: str, message: str) -> None:
    result = run("--template", str(SAM), logical_id, "{}")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {SAM}: {message}")
    assert result.stderr.count("\n") == 1


def test_execution_timeouts_fire_in_skipped_time_like_on_aws(tmp_path: Path) -> None:
    # Payments (a chained durable child) waits a day but may only run 10 minutes: on AWS it times
    # out at 10 minutes and the parent's invoke fails with ChainedInvoke.Timeout. So it does here.
    short = tmp_path / "sam.yaml"
    short.write_text(SAM.read_text().replace("ExecutionTimeout: 172800", "ExecutionTimeout: 600"))
    (tmp_path / "handlers").symlink_to(HANDLERS)
    short.write_text(short.read_text().replace("CodeUri: ../handlers/", "CodeUri: handlers/"))
    result = run("--template", str(short), "OrdersFunction", '{"amount": 5}')
    assert result.exit_code == 3
    assert re.search(r"pay\s+INVOKE\s+TIMED_OUT\s+10m 00s\s+ChainedInvoke.Timeout", result.stdout)
    assert (
        "Error:  aws_durable_execution_sdk_python.exceptions.InvokeError: CHAINED_INVOKE timed out"
        in result.stdout
    )


def test_the_execution_under_test_times_out_at_its_own_timeout(tmp_path: Path) -> None:
    history = tmp_path / "h.json"
    result = run(f"{HANDLERS}/many.py:handler", '{"rounds": 3, "steps": 1}', "--history", str(history))
    assert result.exit_code == 0  # 3 one-hour waits within the default (366 days)
    template = tmp_path / "t.yaml"
    template.write_text(
        "Resources:\n  Many:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        f"      Runtime: python3.13\n      Handler: many.handler\n      CodeUri: {HANDLERS}\n"
        "      DurableConfig:\n        ExecutionTimeout: 7200\n"
    )
    timed_out = run("--template", str(template), "Many", '{"rounds": 3, "steps": 1}')
    assert timed_out.exit_code == 3
    assert "Status: TIMED_OUT" in timed_out.stdout
    assert "Execution timed out after 7200 seconds." in timed_out.stdout


def test_error_template_file_problems(tmp_path: Path) -> None:
    missing = run("--template", str(tmp_path / "none.yaml"), "X", "{}")
    assert missing.stderr == f"Error: --template file not found: {tmp_path / 'none.yaml'}\n"
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources: [unclosed\n")
    assert run("--template", str(bad), "X", "{}").stderr.startswith(
        f"Error: --template {bad} is not valid YAML (line "
    )
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    assert run("--template", str(empty), "X", "{}").stderr == (
        f"Error: --template {empty} has no Resources section: expected a CloudFormation or SAM template\n"
    )


# --- plain CloudFormation -------------------------------------------------------------------------


def test_cloudformation_function_with_alias_and_join_references() -> None:
    result = run("--template", str(CFN), "Orders", '{"amount": 2}')
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result_of(result) == {
        "payment": {"charged_cents": 200},
        "tax": {"tax": 0.4, "function": "Tax"},
        "forms": [],
    }
    assert "-> arn:aws:lambda:us-east-1:123456789012:function:Payments:live" in result.stdout
    assert "Warning: Inline is not a chained-invoke target here: inline code (Code.ZipFile)" in result.stderr


# --- CDK cloud assembly -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cdk_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_

    outdir = tmp_path_factory.mktemp("cdk.out")
    app = cdk.App(outdir=str(outdir), context={"aws:cdk:enable-asset-metadata": True})
    stack = cdk.Stack(app, "RunFixture")
    code = lambda_.Code.from_asset(str(HANDLERS), exclude=["__pycache__"])
    payments = lambda_.Function(
        stack,
        "Payments",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="payments.handler",
        code=code,
        durable_config=lambda_.DurableConfig(execution_timeout=cdk.Duration.days(2)),
    )
    live = payments.add_alias("live")
    tax = lambda_.Function(
        stack, "Tax", runtime=lambda_.Runtime.PYTHON_3_13, handler="tax.handler", code=code
    )
    lambda_.Function(
        stack,
        "Orders",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="orders.handler",
        code=code,
        durable_config=lambda_.DurableConfig(execution_timeout=cdk.Duration.days(3)),
        environment={"PAYMENTS_FUNCTION": live.function_arn, "TAX_FUNCTION": tax.function_name},
    )
    app.synth()
    return outdir / "RunFixture.template.json"


def _logical_id(template: Path, prefix: str) -> str:
    resources = json.loads(template.read_text())["Resources"]
    return next(
        k for k, v in resources.items() if k.startswith(prefix) and v["Type"] == "AWS::Lambda::Function"
    )


def test_cdk_cloud_assembly_template_runs_from_its_asset(cdk_template: Path) -> None:
    assert_cfn_lint_clean(
        cdk_template, ignore={"W3005": "aws-cdk-lib's L2 adds DependsOn on the service role it also GetAtts"}
    )
    orders = _logical_id(cdk_template, "Orders")
    found = load_template_functions(cdk_template, region="us-east-1")
    spec = found.functions[orders]
    assert spec.code_dir is not None and spec.code_dir.parent == cdk_template.parent  # cdk.out/asset.<hash>
    assert (spec.code_dir / "orders.py").is_file()
    assert spec.execution_timeout_seconds == 3 * 86400
    result = run("--template", str(cdk_template), orders, '{"amount": 1}')
    assert result.exit_code == 0, result.stdout + result.stderr
    tax = _logical_id(cdk_template, "Tax")
    assert result_of(result) == {
        "payment": {"charged_cents": 100},
        "tax": {"tax": 0.2, "function": tax},
        "forms": [],
    }


def test_library_select_names_the_targets() -> None:
    found = load_template_functions(CFN, region="us-east-1")
    spec, targets = found.select("Orders")
    assert spec.environment == {
        "PAYMENTS_FUNCTION": "arn:aws:lambda:us-east-1:123456789012:function:Payments:live",
        "TAX_FUNCTION": "arn:aws:lambda:us-east-1:123456789012:function:Tax:live",
    }
    assert sorted((t.name, t.durable, t.aliases) for t in targets) == [
        ("Payments", True, ("live",)),
        ("Tax", False, ()),
    ]
    with pytest.raises(LocalRunError, match="inline code"):
        found.select("Inline")


def test_a_copied_template_resolves_code_relative_to_itself(tmp_path: Path) -> None:
    shutil.copytree(HANDLERS, tmp_path / "handlers", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "t").mkdir()
    copy = tmp_path / "t" / "sam.yaml"
    copy.write_text(SAM.read_text())
    found = load_template_functions(copy, region="us-east-1")
    assert found.functions["OrdersFunction"].code_dir == (tmp_path / "handlers").resolve()
