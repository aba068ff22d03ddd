"""Each rule's fix in two forms: the CDK app's words (DurableChecks) and SAM / CloudFormation words
(the cfn-lint pack). A SAM user is never told to write ``lambda_.Alias(...)``."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match

from cdk_durable.checks import RULES, DurableChecks, DurableRule
from cdk_durable.rule_info import FixForm
from tests.cfn_lint._lint import durable_matches

from ._cases import durable_fn

#: What only a CDK app can write: construct classes and props, grant/add methods, Python keywords.
CDK_WORDS = re.compile(
    r"lambda_\.|cdk\.|iam\.|\w+_\w+=|\.add_\w+\(|\.grant_\w*\(|\.on_status_change|on_success"
)
#: What only a template can write: intrinsic functions, resource types, template attributes.
TEMPLATE_WORDS = re.compile(
    r"!Ref|!GetAtt|AWS::|DeletionPolicy|UpdateReplacePolicy|AutoPublishAlias|\$\{AWS::"
)
#: A SAM template whose function publishes no version or alias (DUR-E3) and is invoked through its
#: unqualified ARN by an EventBridge rule (DUR-E1).
SAM_TEMPLATE = """
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.13
      Handler: app.handler
      InlineCode: "def handler(event, context): pass"
      DurableConfig:
        ExecutionTimeout: 3600
        RetentionPeriodInDays: 7
  Rule:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 hour)
      Targets:
        - Arn: !GetAtt Fn.Arn
          Id: fn
"""


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_a_cdk_form_and_a_template_form(rule: DurableRule) -> None:
    cdk_fix, template_fix = rule.info.fix_for(FixForm.CDK), rule.info.fix_for(FixForm.TEMPLATE)

    assert rule.info.template_fix, "the template form is written, not inherited from the CDK form"
    assert cdk_fix != template_fix
    assert not CDK_WORDS.search(template_fix), f"CDK words in the SAM/CloudFormation fix: {template_fix}"
    assert not TEMPLATE_WORDS.search(cdk_fix), f"template words in the CDK fix: {cdk_fix}"


def test_a_rule_with_one_form_gives_it_for_both() -> None:
    from cdk_durable.lint import RULES as LINT_RULES

    rule = LINT_RULES[0]
    assert rule.fix_for(FixForm.TEMPLATE) == rule.fix_for(FixForm.CDK) == rule.fix


def test_cfn_lint_on_a_sam_template_prints_the_template_fix() -> None:
    messages = {m.rule.id: m.message for m in durable_matches(SAM_TEMPLATE)}
    by_id = {r.cfn_lint_id: r for r in RULES}

    assert {"ED3001", "ED3003"} <= set(messages)
    for rule_id in ("ED3001", "ED3003"):
        info = by_id[rule_id].info
        assert f"Fix: {info.template_fix} " in messages[rule_id]
        assert info.fix not in messages[rule_id]
    assert "AutoPublishAlias: live" in messages["ED3003"]
    for text in messages.values():
        assert "lambda_." not in text and "current_version_options" not in text


def test_durable_checks_prints_the_cdk_fix() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "S")
    durable_fn(stack)
    cdk.Aspects.of(app).add(DurableChecks(verbose=True))

    (rule,) = [r for r in RULES if r.id == "DUR-E3"]
    assert "lambda_.Alias(" in rule.info.fix
    Annotations.from_stack(stack).has_error(
        "/S/Fn/Resource", Match.string_like_regexp(re.escape(f"Fix: {rule.info.fix}") + "$")
    )
    Annotations.from_stack(stack).has_no_error(
        "/S/Fn/Resource", Match.string_like_regexp(re.escape("AutoPublishAlias"))
    )
