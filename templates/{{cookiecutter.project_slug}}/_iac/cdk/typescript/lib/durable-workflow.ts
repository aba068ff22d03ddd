/**
 * DurableWorkflow: a Lambda durable function wired the way it must be deployed.
 *
 * Plain CDK code this project owns (the TypeScript counterpart of cdk-durable's Python
 * `DurableFunction`; a test of the cdk-durable repository keeps the two in step):
 *
 * - the function with `durableConfig` (execution timeout, retention); the L2 attaches the managed
 *   policy `service-role/AWSLambdaBasicDurableExecutionRolePolicy` (checkpoint, get state) to its role;
 * - esbuild bundling of `src/app.ts` with this project's esbuild (no Docker), the SDK included;
 * - a version that is RETAINED on update: executions suspended on it (a wait, a callback) replay there
 *   when they resume, so a deploy must not delete it (prune with `cdk-durable versions --prune`);
 * - the alias every caller invokes (Lambda refuses unqualified invocations of a durable function);
 * - a dead-letter queue for asynchronous invocations Lambda could not start;
 * - grants on the executions (`<function ARN>:*`), the status-change rule, the recommended alarms and
 *   the outputs.
{%- if cookiecutter.tracing == "xray" %}
 * - OpenTelemetry traces to AWS X-Ray (`tracing`), as cdk-durable's `DurableTracing.xray()` wires them.
{%- elif cookiecutter.tracing == "otlp" %}
 * - OpenTelemetry traces to an OTLP backend (`tracing`), as cdk-durable's `DurableTracing.otlp()` wires them.
{%- endif %}
 */
import * as cdk from "aws-cdk-lib/core";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import type * as logs from "aws-cdk-lib/aws-logs";
{%- if cookiecutter.tracing == "otlp" %}
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
{%- endif %}
import type * as sns from "aws-cdk-lib/aws-sns";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";

/** Durable API actions, by who is granted them (the executions' ARNs are `<function ARN>:*`). */
export const CALLBACK_ACTIONS = [
  "lambda:SendDurableExecutionCallbackSuccess",
  "lambda:SendDurableExecutionCallbackFailure",
  "lambda:SendDurableExecutionCallbackHeartbeat",
];
export const READ_ACTIONS = ["lambda:GetDurableExecution", "lambda:GetDurableExecutionHistory"];
export const LIST_ACTION = "lambda:ListDurableExecutionsByFunction";
export const STOP_ACTIONS = ["lambda:StopDurableExecution"];
export const PAUSE_ACTIONS = ["lambda:PauseDurableExecution", "lambda:ResumeDurableExecution"];
export const DELETE_ACTIONS = ["lambda:DeleteDurableExecution"];

/** Statuses of the `Durable Execution Status Change` event. */
export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "STOPPED";

/** A durable execution writes at most 100 MB of checkpoint data. */
const MAX_STORAGE_WRITTEN_BYTES = 100 * 1024 * 1024;
{%- if cookiecutter.tracing == "xray" %}

/**
 * OpenTelemetry -> AWS X-Ray, AWS's ADOT exporter profile (cdk-durable's docs/observability.md): the
 * ADOT JavaScript layer for the stack's region and the function's architecture (aws-cdk-lib's
 * `AdotLambdaLayerJavaScriptSdkVersion.LATEST`), its wrapper, `OTEL_*`, X-Ray active tracing and the
 * role's X-Ray write permission.
 */
export interface WorkflowTracing {
  /** `OTEL_SERVICE_NAME`. */
  readonly serviceName: string;
}

/** The ADOT layer's wrapper script: it starts OpenTelemetry before the handler. */
export const ADOT_WRAPPER = "/opt/otel-instrument";
{%- elif cookiecutter.tracing == "otlp" %}

/**
 * OpenTelemetry -> any OTLP backend, AWS's community exporter profile (cdk-durable's
 * docs/observability.md): the OpenTelemetry community Node.js layer in the stack's region, its
 * wrapper, `OTEL_*`, and the headers from a Secrets Manager secret as a CloudFormation dynamic
 * reference, resolved at deploy: the template never holds them, the function's role needs no
 * Secrets Manager permission.
 */
export interface WorkflowTracing {
  /** `OTEL_SERVICE_NAME`. */
  readonly serviceName: string;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT`: an http(s):// URL of the OTLP backend. */
  readonly endpoint: string;
  /** The secret whose value is `OTEL_EXPORTER_OTLP_HEADERS` (`key=value,...`, they carry the API key). */
  readonly headersSecret: secretsmanager.ISecret;
}

/** The community layer of AWS's profile (account 184161586896, any region) and its wrapper script. */
export const COMMUNITY_LAYER = { account: "184161586896", name: "opentelemetry-nodejs-0_18_0:1" };
export const COMMUNITY_WRAPPER = "/opt/otel-handler";
const OTLP_ENDPOINT = /^https?:\/\/[^\s/]+(\/\S*)?$/;
{%- elif cookiecutter.tracing != "none" %}{{ unsupported("tracing", cookiecutter.tracing, "lib/durable-workflow.ts") }}
{%- endif %}

export interface DurableWorkflowProps {
  /** The handler's entry file (`src/app.ts`, exporting `handler`). */
  readonly entry: string;
  readonly runtime: lambda.Runtime;
  readonly description: string;
  readonly memorySize: number;
  /** One invocation; the whole execution may run for `executionTimeout` across many. */
  readonly timeout: cdk.Duration;
  readonly executionTimeout: cdk.Duration;
  readonly retentionPeriod: cdk.Duration;
  readonly aliasName: string;
  readonly logGroup: logs.ILogGroup;
  readonly environment: Record<string, string>;
{%- if cookiecutter.tracing != "none" %}
  /** OpenTelemetry traces: the layer, its wrapper and `OTEL_*` (a variable of `environment` it sets is refused). */
  readonly tracing: WorkflowTracing;
{%- endif %}
}

export class DurableWorkflow extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly alias: lambda.Alias;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DurableWorkflowProps) {
    super(scope, id);
{%- if cookiecutter.tracing != "none" %}
    const tracingEnvironment = this.tracingEnvironment(props.tracing);
    const clash = Object.keys(props.environment).find((name) => name in tracingEnvironment);
    if (clash) {
      throw new Error(`environment ${clash} is set by tracing too: drop it from environment`);
    }
{%- endif %}

    this.deadLetterQueue = new sqs.Queue(this, "DeadLetterQueue", {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: cdk.Duration.days(14),
    });

    this.function = new nodejs.NodejsFunction(this, "Function", {
      entry: props.entry,
      handler: "handler",
      runtime: props.runtime,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      durableConfig: { executionTimeout: props.executionTimeout, retentionPeriod: props.retentionPeriod },
      logGroup: props.logGroup,
      environment: props.environment,
      deadLetterQueue: this.deadLetterQueue,
      currentVersionOptions: { removalPolicy: cdk.RemovalPolicy.RETAIN },
      bundling: {
        // The SDK ships with the code (AWS's recommendation: a runtime update cannot change it).
        externalModules: [],
        format: nodejs.OutputFormat.CJS,
        target: props.runtime.name.replace("nodejs", "node").replace(".x", ""),
        minify: true,
        sourceMap: true, // sets NODE_OPTIONS=--enable-source-maps: stack traces point at app.ts
      },
    });
    // cfn-lint W3005: aws-cdk-lib adds DependsOn on the role next to the GetAtt that implies it.
    const resource = this.function.node.defaultChild as cdk.CfnResource;
    resource.addMetadata("cfn-lint", { config: { ignore_checks: ["W3005"] } });
{%- if cookiecutter.tracing != "none" %}
    this.applyTracing(tracingEnvironment);
{%- endif %}

    this.alias = new lambda.Alias(this, "Alias", {
      aliasName: props.aliasName,
      version: this.function.currentVersion,
    });
  }

  /** `<function ARN>:*`: this function's executions. */
  get executionArns(): string {
    return `${this.function.functionArn}:*`;
  }

  grantSendCallback(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnExecutions(grantee, CALLBACK_ACTIONS);
  }

  grantReadExecutions(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnExecutions(grantee, READ_ACTIONS).combine(
      iam.Grant.addToPrincipal({
        grantee,
        actions: [LIST_ACTION],
        resourceArns: [this.function.functionArn, this.executionArns],
      }),
    );
  }

  grantStopExecution(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnExecutions(grantee, STOP_ACTIONS);
  }

  grantPauseExecution(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnExecutions(grantee, PAUSE_ACTIONS);
  }

  grantDeleteExecution(grantee: iam.IGrantable): iam.Grant {
    return this.grantOnExecutions(grantee, DELETE_ACTIONS);
  }

  /** A rule on the default bus for this function's `Durable Execution Status Change` events. */
  onStatusChange(id: string, target: events.IRuleTarget, statuses: readonly ExecutionStatus[]): events.Rule {
    return new events.Rule(this, id, {
      eventPattern: {
        source: ["aws.lambda"],
        detailType: ["Durable Execution Status Change"],
        // The event's functionArn is qualified (`...:function:NAME:2`); the trailing colon keeps
        // `orders` from matching `orders-v2`.
        detail: { functionArn: [{ prefix: `${this.function.functionArn}:` }], status: [...statuses] },
      },
      targets: [target],
    });
  }

  /** Failed and timed-out executions, running executions near the account quota, and an execution
   * near the 100 MB written-data limit; every alarm notifies `topic`. */
  addRecommendedAlarms(topic: sns.ITopic): cloudwatch.Alarm[] {
    const alarms = new Construct(this, "Alarms");
    const functionName = { FunctionName: this.function.functionName };
    const alarm = (id: string, metricName: string, statistic: string, threshold: number, what: string, dimensionsMap?: Record<string, string>) => {
      const created = new cloudwatch.Metric({
        namespace: "AWS/Lambda",
        metricName,
        statistic,
        period: cdk.Duration.minutes(5),
        ...(dimensionsMap ? { dimensionsMap } : {}),
      }).createAlarm(alarms, id, {
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: what,
      });
      created.addAlarmAction(new cwActions.SnsAction(topic));
      return created;
    };
    return [
      alarm("Failed", "DurableExecutionFailed", "Sum", 1, "Durable executions failed", functionName),
      alarm("TimedOut", "DurableExecutionTimedOut", "Sum", 1, "Durable executions timed out", functionName),
      // Account-level: no FunctionName dimension.
      alarm("RunningUtilization", "ApproximateRunningDurableExecutionsUtilization", "Maximum", 80,
        "Running durable executions are close to the account quota"),
      alarm("StorageWritten", "DurableExecutionStorageWrittenBytes", "Maximum", MAX_STORAGE_WRITTEN_BYTES * 0.8,
        "A durable execution is close to the 100 MB written-data limit", functionName),
    ];
  }

  /** Stack outputs: the alias ARN (what callers invoke) and the function name. */
  addOutputs(): void {
    new cdk.CfnOutput(this, "OutputsAliasArn", {
      value: this.alias.functionArn,
      description: "Qualified ARN to invoke the durable function (alias)",
    });
    new cdk.CfnOutput(this, "OutputsFunctionName", {
      value: this.function.functionName,
      description: "Durable function name (use with --qualifier / the alias name)",
    });
  }

{%- if cookiecutter.tracing == "xray" %}

  /** The ADOT profile's variables (the JavaScript SDK's OpenTelemetry needs no plugin variable). */
  private tracingEnvironment(tracing: WorkflowTracing): Record<string, string> {
    return {
      OTEL_SERVICE_NAME: tracing.serviceName,
      OTEL_TRACES_EXPORTER: "otlp",
      AWS_LAMBDA_EXEC_WRAPPER: ADOT_WRAPPER,
      OTEL_PROPAGATORS: "xray",
    };
  }

  /** Layer, wrapper and `OTEL_*`, X-Ray active tracing and the role's permission to write traces. */
  private applyTracing(environment: Record<string, string>): void {
    for (const [name, value] of Object.entries(environment)) {
      this.function.addEnvironment(name, value);
    }
    const layerArn = lambda.AdotLambdaLayerJavaScriptSdkVersion.LATEST.layerArn(this, this.function.architecture);
    this.function.addLayers(lambda.LayerVersion.fromLayerVersionArn(this, "TracingLayer", layerArn));
    const resource = this.function.node.defaultChild as lambda.CfnFunction;
    resource.tracingConfig = { mode: "Active" };
    this.function.addToRolePolicy(
      new iam.PolicyStatement({ actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] }),
    );
  }
{%- elif cookiecutter.tracing == "otlp" %}

  /** The community profile's variables (the JavaScript SDK's OpenTelemetry needs no plugin variable). */
  private tracingEnvironment(tracing: WorkflowTracing): Record<string, string> {
    if (!cdk.Token.isUnresolved(tracing.endpoint) && !OTLP_ENDPOINT.test(tracing.endpoint)) {
      throw new Error(`tracing endpoint must be an http(s):// URL of an OTLP backend, got ${JSON.stringify(tracing.endpoint)}`);
    }
    return {
      OTEL_SERVICE_NAME: tracing.serviceName,
      OTEL_TRACES_EXPORTER: "otlp",
      AWS_LAMBDA_EXEC_WRAPPER: COMMUNITY_WRAPPER,
      OTEL_EXPORTER_OTLP_ENDPOINT: tracing.endpoint,
      // A Secrets Manager dynamic reference (resolve:secretsmanager): CloudFormation resolves it at deploy.
      OTEL_EXPORTER_OTLP_HEADERS: tracing.headersSecret.secretValue.unsafeUnwrap(),
    };
  }

  /** Layer (the stack's region), wrapper and `OTEL_*`. */
  private applyTracing(environment: Record<string, string>): void {
    for (const [name, value] of Object.entries(environment)) {
      this.function.addEnvironment(name, value);
    }
    const region = cdk.Stack.of(this).region;
    const layerArn = `arn:aws:lambda:${region}:${COMMUNITY_LAYER.account}:layer:${COMMUNITY_LAYER.name}`;
    this.function.addLayers(lambda.LayerVersion.fromLayerVersionArn(this, "TracingLayer", layerArn));
  }
{%- endif %}

  private grantOnExecutions(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.executionArns] });
  }
}
