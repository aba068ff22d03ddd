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
 */
import * as cdk from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as events from "aws-cdk-lib/aws-events";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as nodejs from "aws-cdk-lib/aws-lambda-nodejs";
import type * as logs from "aws-cdk-lib/aws-logs";
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
}

export class DurableWorkflow extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly alias: lambda.Alias;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DurableWorkflowProps) {
    super(scope, id);

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

  private grantOnExecutions(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.executionArns] });
  }
}
