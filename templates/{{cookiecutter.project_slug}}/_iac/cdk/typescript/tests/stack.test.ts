{%- set bedrock = manifest.blueprints[cookiecutter.blueprint].bedrock %}
// The CDK app's wiring, asserted on the synthesized template (aws-cdk-lib/assertions).
import * as cdk from "aws-cdk-lib/core";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { WorkflowStack } from "../lib/workflow-stack";
{%- if cookiecutter.tracing == "otlp" %}
import { DEFAULT_OTLP_ENDPOINT } from "../lib/workflow-stack";
{%- endif %}
{%- if cookiecutter.tracing != "none" %}
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
{%- if cookiecutter.tracing == "otlp" %}
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
{%- endif %}
import { DurableWorkflow } from "../lib/durable-workflow";
{%- endif %}
{%- if bedrock %}
import { DEFAULT_MODEL_ID } from "../lib/workflow-stack";
{%- endif %}

const ARN = { "Fn::GetAtt": [Match.stringLikeRegexp("^WorkflowFunction"), "Arn"] };
const EXECUTIONS = { "Fn::Join": ["", [ARN, ":*"]] };

// No bundling here (`make validate` bundles with esbuild in `cdk synth`): the wiring is the subject.
const NO_BUNDLING = { "aws:cdk:bundling-stacks": [] };
// aws-cdk-lib takes seconds to load and synthesize on a small machine.
const SYNTH_TIMEOUT_MS = 60_000;

function synth(props: ConstructorParameters<typeof WorkflowStack>[2] = {}{% if cookiecutter.tracing == "otlp" %}, context: Record<string, string> = {}{% endif %}): Template {
  return Template.fromStack(new WorkflowStack(new cdk.App({ context: {% if cookiecutter.tracing == "otlp" %}{ ...NO_BUNDLING, ...context }{% endif %}{% if cookiecutter.tracing != "otlp" %}NO_BUNDLING{% endif %} }), "Test", props));
}
{%- if cookiecutter.tracing != "none" %}

/** The durable function's environment variables in `template`. */
function variables(template: Template): Record<string, unknown> {
  const [fn] = Object.values(template.findResources("AWS::Lambda::Function", { Properties: { DurableConfig: Match.anyValue() } }));
  return (fn as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties.Environment.Variables;
}
{%- endif %}

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
{%- if cookiecutter.tracing == "xray" %}

  it("traces to X-Ray: ADOT layer for the stack's region, its wrapper, OTEL_* and active tracing", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      DurableConfig: Match.anyValue(),
      // aws-cdk-lib's ADOT JavaScript layer for the function's architecture (x86_64: amd64)
      Layers: [{ "Fn::Join": ["", ["arn:aws:lambda:", { Ref: "AWS::Region" }, Match.stringLikeRegexp("^:901920570463:layer:aws-otel-nodejs-amd64-ver-[0-9-]+:[0-9]+$")]] }],
      TracingConfig: { Mode: "Active" },
    });
    expect(variables(template)).toMatchObject({
      AWS_LAMBDA_EXEC_WRAPPER: "/opt/otel-instrument",
      OTEL_SERVICE_NAME: "{{ cookiecutter.project_slug }}",
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_PROPAGATORS: "xray",
    });
    // the JavaScript SDK's OpenTelemetry is configured in code: no Python plugin variable
    expect(variables(template)).not.toHaveProperty("DURABLE_EXECUTION_PLUGINS");
  });

  it("lets the function's role write traces to X-Ray", () => {
    const policies = template.findResources("AWS::IAM::Policy", {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp("^WorkflowFunctionServiceRole") }] },
    });
    type Statement = { Action: string | string[]; Resource: unknown };
    const statements = Object.values(policies).flatMap(
      (policy) => (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
    );
    const xray = statements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith("xray:")));
    expect(xray.map((statement) => [[statement.Action].flat().sort(), statement.Resource])).toEqual([
      [["xray:PutTelemetryRecords", "xray:PutTraceSegments"], "*"],
    ]);
  });
{%- elif cookiecutter.tracing == "otlp" %}

  it("traces to OTLP: the community layer for the stack's region, its wrapper and OTEL_*", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      DurableConfig: Match.anyValue(),
      Layers: [{ "Fn::Join": ["", ["arn:aws:lambda:", { Ref: "AWS::Region" }, ":184161586896:layer:opentelemetry-nodejs-0_18_0:1"]] }],
      TracingConfig: Match.absent(),
    });
    expect(variables(template)).toMatchObject({
      AWS_LAMBDA_EXEC_WRAPPER: "/opt/otel-handler",
      OTEL_SERVICE_NAME: "{{ cookiecutter.project_slug }}",
      OTEL_TRACES_EXPORTER: "otlp",
      OTEL_EXPORTER_OTLP_ENDPOINT: DEFAULT_OTLP_ENDPOINT,
    });
    // the JavaScript SDK's OpenTelemetry is configured in code: no Python plugin variable
    expect(variables(template)).not.toHaveProperty("DURABLE_EXECUTION_PLUGINS");
  });

  it("takes the OTLP headers from the secret as a dynamic reference, never as a value", () => {
    const headers = JSON.stringify(variables(template).OTEL_EXPORTER_OTLP_HEADERS);
    expect(headers).toMatch(/^\{"Fn::Join":\["",\["\{\{resolve:secretsmanager:arn:/);
    expect(headers).toContain(":secret:{{ cookiecutter.project_slug }}/otlp-headers:SecretString:::}}");
    // resolved by CloudFormation at deploy: the function's role needs no Secrets Manager permission
    expect(JSON.stringify(template.toJSON())).not.toContain("secretsmanager:GetSecretValue");
  });

  it("sends traces to the endpoint of the context otlp_endpoint", { timeout: SYNTH_TIMEOUT_MS }, () => {
    const endpoint = "https://otlp.eu.example.net/v1";
    expect(variables(synth({}, { otlp_endpoint: endpoint }))).toMatchObject({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
  });

  it("refuses an otlp_endpoint that is not an http(s) URL, naming it", () => {
    expect(() => new WorkflowStack(new cdk.App({ context: { ...NO_BUNDLING, otlp_endpoint: "otlp.example.com" } }), "Bad")).toThrow(
      'tracing endpoint must be an http(s):// URL of an OTLP backend, got "otlp.example.com"',
    );
  });
{%- elif cookiecutter.tracing != "none" %}{{ unsupported("tracing", cookiecutter.tracing, "tests/stack.test.ts") }}
{%- endif %}
{%- if cookiecutter.tracing != "none" %}

  it("refuses an environment variable that tracing sets, naming it", () => {
    const stack = new cdk.Stack(new cdk.App({ context: NO_BUNDLING }), "Clash");
    const props = {
      entry: "src/app.ts",
      runtime: lambda.Runtime.{{ cookiecutter.runtime | upper | replace(".", "_") | replace("NODEJS", "NODEJS_") }},
      description: "clash",
      memorySize: 512,
      timeout: cdk.Duration.seconds(60),
      executionTimeout: cdk.Duration.hours(1),
      retentionPeriod: cdk.Duration.days(1),
      aliasName: "live",
      logGroup: new logs.LogGroup(stack, "Logs"),
      environment: { OTEL_SERVICE_NAME: "mine" },
{%- if cookiecutter.tracing == "xray" %}
      tracing: { serviceName: "clash" },
{%- elif cookiecutter.tracing == "otlp" %}
      tracing: { serviceName: "clash", endpoint: "https://otlp.example.com", headersSecret: secretsmanager.Secret.fromSecretNameV2(stack, "Headers", "clash/otlp-headers") },
{%- endif %}
    };
    expect(() => new DurableWorkflow(stack, "Workflow", props)).toThrow(
      "environment OTEL_SERVICE_NAME is set by tracing too: drop it from environment",
    );
  });
{%- endif %}
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
