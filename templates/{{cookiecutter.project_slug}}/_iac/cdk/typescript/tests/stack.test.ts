{%- set bedrock = manifest.blueprints[cookiecutter.blueprint].bedrock %}
// The CDK app's wiring, asserted on the synthesized template (aws-cdk-lib/assertions).
import * as cdk from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { WorkflowStack } from "../lib/workflow-stack";
{%- if bedrock %}
import { DEFAULT_MODEL_ID } from "../lib/workflow-stack";
{%- endif %}

const ARN = { "Fn::GetAtt": [Match.stringLikeRegexp("^WorkflowFunction"), "Arn"] };
const EXECUTIONS = { "Fn::Join": ["", [ARN, ":*"]] };

// No bundling here (`make validate` bundles with esbuild in `cdk synth`): the wiring is the subject.
const NO_BUNDLING = { "aws:cdk:bundling-stacks": [] };
// aws-cdk-lib takes seconds to load and synthesize on a small machine.
const SYNTH_TIMEOUT_MS = 60_000;

function synth(props: ConstructorParameters<typeof WorkflowStack>[2] = {}): Template {
  return Template.fromStack(new WorkflowStack(new cdk.App({ context: NO_BUNDLING }), "Test", props));
}

describe("WorkflowStack", () => {
  let template: Template;
  beforeAll(() => {
    template = synth();
  }, SYNTH_TIMEOUT_MS);

  it("makes the function durable with the chosen timeouts", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "{{ cookiecutter.runtime }}",
      Timeout: {{ cookiecutter.invocation_timeout_seconds }},
      DurableConfig: { ExecutionTimeout: {{ cookiecutter.execution_timeout_seconds }}, RetentionPeriodInDays: {{ cookiecutter.retention_days }} },
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
  });

  it("keeps every published version and invokes through the alias", () => {
    template.hasResource("AWS::Lambda::Version", { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" });
    template.hasResourceProperties("AWS::Lambda::Alias", { Name: "{{ cookiecutter.alias_name }}" });
    template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: { source: ["{{ cookiecutter.project_slug }}"] },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp("^WorkflowAlias") } })],
    });
  });

  it("attaches the durable execution managed policy to the function's role", () => {
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: "lambda.amazonaws.com" } })],
      }),
      ManagedPolicyArns: Match.arrayWith([
        { "Fn::Join": ["", Match.arrayWith([Match.stringLikeRegexp("AWSLambdaBasicDurableExecutionRolePolicy$")])] },
      ]),
    });
  });

  it("grants operators on the executions (<function ARN>:*)", () => {
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: "lambda:ListDurableExecutionsByFunction", Resource: [ARN, EXECUTIONS] }),
          Match.objectLike({ Action: "lambda:StopDurableExecution", Resource: EXECUTIONS }),
        ]),
      },
    });
  });
{%- if cookiecutter.__callbacks == "True" %}

  it("lets the callback sender answer callbacks of this function's executions only", () => {
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Action: [
              "lambda:SendDurableExecutionCallbackSuccess",
              "lambda:SendDurableExecutionCallbackFailure",
              "lambda:SendDurableExecutionCallbackHeartbeat",
            ],
            Resource: EXECUTIONS,
          }),
        ],
      },
    });
  });
{%- endif %}

  it("alerts on FAILED and TIMED_OUT executions, the recommended alarms and the dead-letter queue", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: Match.objectLike({ source: ["aws.lambda"], detail: Match.objectLike({ status: ["FAILED", "TIMED_OUT"] }) }),
    });
    const metrics = Object.values(template.findResources("AWS::CloudWatch::Alarm")).map(
      (alarm) => (alarm as { Properties: { MetricName: string } }).Properties.MetricName,
    );
    expect(metrics).toEqual(
      expect.arrayContaining(["DurableExecutionFailed", "DurableExecutionTimedOut", "ApproximateNumberOfMessagesVisible"]),
    );
  });

  it("outputs the alias ARN and a ready-to-paste invoke command", () => {
    template.hasOutput("*", { Description: "Qualified ARN to invoke the durable function (alias)" });
    template.hasOutput("InvokeCommand", Match.anyValue());
  });
{%- if bedrock %}

  it("invokes the Bedrock model on exactly the foundation model (any region) and the global profile", () => {
    const profile = `global.${DEFAULT_MODEL_ID}`;
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.objectLike({ TRIAGE_MODEL_ID: profile }) },
    });
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: "InvokeTriageModel",
            Effect: "Allow",
            Action: "bedrock:InvokeModel",
            Resource: [
              { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:bedrock:*::foundation-model/${DEFAULT_MODEL_ID}`]] },
              {
                "Fn::Join": [
                  "",
                  ["arn:", { Ref: "AWS::Partition" }, ":bedrock:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, `:inference-profile/${profile}`],
                ],
              },
            ],
          },
        ]),
      },
    });
  });

  it("without a model: no Bedrock permission and no model in the environment (local keyword rules)", { timeout: SYNTH_TIMEOUT_MS }, () => {
    const noModel = synth({ modelId: "" });
    expect(JSON.stringify(noModel.toJSON())).not.toContain("bedrock:");
    noModel.hasResourceProperties("AWS::Lambda::Function", {
      Environment: { Variables: Match.not(Match.objectLike({ TRIAGE_MODEL_ID: Match.anyValue() })) },
    });
  });
{%- endif %}
});
