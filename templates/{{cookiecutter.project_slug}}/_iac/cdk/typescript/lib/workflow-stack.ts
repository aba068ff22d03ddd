{%- set bedrock = manifest.blueprints[cookiecutter.blueprint].bedrock %}
{%- set retention_days_names = {1: "ONE_DAY", 3: "THREE_DAYS", 5: "FIVE_DAYS", 7: "ONE_WEEK", 14: "TWO_WEEKS",
    30: "ONE_MONTH", 60: "TWO_MONTHS", 90: "THREE_MONTHS", 120: "FOUR_MONTHS", 150: "FIVE_MONTHS", 180: "SIX_MONTHS",
    365: "ONE_YEAR", 400: "THIRTEEN_MONTHS", 545: "EIGHTEEN_MONTHS", 731: "TWO_YEARS", 1096: "THREE_YEARS",
    1827: "FIVE_YEARS", 2192: "SIX_YEARS", 2557: "SEVEN_YEARS", 2922: "EIGHT_YEARS", 3288: "NINE_YEARS",
    3653: "TEN_YEARS"} -%}
/**
 * The stack of {{ cookiecutter.project_name }}: a durable {{ cookiecutter.blueprint }} workflow.
 *
 * `DurableWorkflow` (lib/durable-workflow.ts) creates the function with DurableConfig, a retained
 * version and the "{{ cookiecutter.alias_name }}" alias that every wiring below uses, the durable
 * execution role policy and a dead-letter queue.
 */
import * as path from "node:path";
import * as cdk from "aws-cdk-lib/core";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
{%- if cookiecutter.tracing == "otlp" %}
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
{%- endif %}
import * as sns from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { DurableWorkflow } from "./durable-workflow";

const PROJECT_NAME = "{{ cookiecutter.project_name }}";
const SLUG = "{{ cookiecutter.project_slug }}";
{%- if cookiecutter.tracing == "otlp" %}
/** OTEL_EXPORTER_OTLP_ENDPOINT when the context `otlp_endpoint` is not given. */
export const DEFAULT_OTLP_ENDPOINT = "https://otlp.example.com";

/** The context `otlp_endpoint` (`cdk deploy -c otlp_endpoint=<URL>`), else `DEFAULT_OTLP_ENDPOINT`;
 * `DurableWorkflow` refuses a value that is not an http(s):// URL. */
function otlpEndpoint(scope: Construct): string {
  const given: unknown = scope.node.tryGetContext("otlp_endpoint");
  if (given === undefined || given === "") return DEFAULT_OTLP_ENDPOINT;
  return typeof given === "string" ? given : JSON.stringify(given);
}
{%- endif %}
{%- if bedrock %}
/** The Bedrock model the analysis uses, invoked through the account's global cross-region inference profile. */
export const DEFAULT_MODEL_ID = "{{ manifest.bedrock.default_model }}";

export interface WorkflowStackProps extends cdk.StackProps {
  /** Bedrock model id (default `DEFAULT_MODEL_ID`); "" uses the local keyword rules, no Bedrock. */
  readonly modelId?: string;
}
{%- endif %}
{%- if not bedrock %}

export type WorkflowStackProps = cdk.StackProps;
{%- endif %}

export class WorkflowStack extends cdk.Stack {
  readonly workflow: DurableWorkflow;

  constructor(scope: Construct, id: string, props: WorkflowStackProps = {}) {
    super(scope, id, props);
{%- if cookiecutter.__callbacks == "True" %}

    // Callback ids are published here; subscribe the people or systems that answer.
    const notifyTopic = new sns.Topic(this, "NotifyTopic", { displayName: `${PROJECT_NAME} callback requests` });
{%- endif %}
{%- if bedrock %}
    const modelId = props.modelId ?? DEFAULT_MODEL_ID;
    const profileId = `global.${modelId}`;
{%- endif %}
    const logGroup = new logs.LogGroup(this, "FunctionLogGroup", {
      retention: logs.RetentionDays.{{ retention_days_names[cookiecutter.log_retention_days | int] }},
      removalPolicy: cdk.RemovalPolicy.DESTROY,
    });

    // Every deploy that changes the code publishes a version and keeps the old ones: executions
    // suspended on a version replay there when they resume. Prune the ones nothing needs with
    // `cdk-durable versions <function> --prune`.
    const workflow = new DurableWorkflow(this, "Workflow", {
      entry: path.join(__dirname, "..", "src", "app.ts"),
      runtime: lambda.Runtime.{{ cookiecutter.runtime | upper | replace(".", "_") | replace("NODEJS", "NODEJS_") }},
      description: `${PROJECT_NAME} ({{ cookiecutter.blueprint }} workflow)`,
      memorySize: 512,
      timeout: cdk.Duration.seconds({{ cookiecutter.invocation_timeout_seconds }}),
      executionTimeout: cdk.Duration.seconds({{ cookiecutter.execution_timeout_seconds }}),
      retentionPeriod: cdk.Duration.days({{ cookiecutter.retention_days }}),
      aliasName: "{{ cookiecutter.alias_name }}",
      logGroup,
{%- if cookiecutter.tracing == "xray" %}
      // OpenTelemetry -> X-Ray (AWS's ADOT profile): layer, wrapper, OTEL_*, active tracing and the
      // role's X-Ray permission.
      tracing: { serviceName: SLUG },
{%- elif cookiecutter.tracing == "otlp" %}
      // OpenTelemetry -> your OTLP backend (AWS's community profile): `cdk deploy -c otlp_endpoint=<URL>`.
      // The headers come from the Secrets Manager secret "<slug>/otlp-headers" as a dynamic reference,
      // never in the template.
      tracing: {
        serviceName: SLUG,
        endpoint: otlpEndpoint(this),
        headersSecret: secretsmanager.Secret.fromSecretNameV2(this, "OtlpHeaders", `${SLUG}/otlp-headers`),
      },
{%- elif cookiecutter.tracing != "none" %}{{ unsupported("tracing", cookiecutter.tracing, "lib/workflow-stack.ts") }}
{%- endif %}
      environment: {
        WORKFLOW_NAME: SLUG,
{%- if cookiecutter.__callbacks == "True" %}
        NOTIFY_TOPIC_ARN: notifyTopic.topicArn,
{%- endif %}
{%- if bedrock %}
        // No model: the handler classifies with its local keyword rules.
        ...(modelId ? { TRIAGE_MODEL_ID: profileId } : {}),
{%- endif %}
      },
    });
    this.workflow = workflow;
{%- if bedrock %}
    if (modelId) {
      // The global inference profile routes to the model in any region: InvokeModel on the profile
      // and on the foundation model in every region (the region is the only wildcard).
      workflow.function.addToRolePolicy(
        new iam.PolicyStatement({
          sid: "InvokeTriageModel",
          actions: ["bedrock:InvokeModel"],
          resources: [
            this.formatArn({ service: "bedrock", region: "*", account: "", resource: "foundation-model", resourceName: modelId }),
            this.formatArn({ service: "bedrock", resource: "inference-profile", resourceName: profileId }),
          ],
        }),
      );
    }
{%- endif %}
{%- if cookiecutter.__callbacks == "True" %}
    notifyTopic.grantPublish(workflow.function);

    // Whoever answers callbacks assumes this role (callback actions on <function ARN>:*).
    const callbackSender = new iam.Role(this, "CallbackSenderRole", {
      assumedBy: new iam.AccountRootPrincipal(),
      description: `Answers callbacks of ${SLUG} executions`,
    });
    workflow.grantSendCallback(callbackSender);
{%- endif %}

    // Operators assume this role (IAM identities of this account) to read, stop, pause, resume and
    // delete executions, e.g. pause them around a risky deploy (all on <function ARN>:*).
    const operator = new iam.Role(this, "OperatorRole", {
      assumedBy: new iam.AccountRootPrincipal(),
      description: `Operates ${SLUG} executions: read, stop, pause and resume, delete`,
    });
    workflow.grantReadExecutions(operator);
    workflow.grantStopExecution(operator);
    workflow.grantPauseExecution(operator);
    workflow.grantDeleteExecution(operator);
    // cfn-lint W3037: its IAM action list predates Pause/Resume/DeleteDurableExecution.
    const operatorPolicy = operator.node.findChild("DefaultPolicy").node.defaultChild as cdk.CfnResource;
    operatorPolicy.addMetadata("cfn-lint", { config: { ignore_checks: ["W3037"] } });

    // Start an execution from EventBridge: the rule targets the alias with the event's detail.
    new events.Rule(this, "StartWorkflowRule", {
      eventPattern: { source: [SLUG], detailType: ["Start Workflow"] },
      targets: [new targets.LambdaFunction(workflow.alias, { event: events.RuleTargetInput.fromEventPath("$.detail") })],
    });

    // FAILED and TIMED_OUT executions -> alerts topic; the recommended alarms -> same topic.
    const alerts = new sns.Topic(this, "AlertsTopic", { displayName: `${PROJECT_NAME} alerts` });
    workflow.onStatusChange("FailedExecutionsRule", new targets.SnsTopic(alerts), ["FAILED", "TIMED_OUT"]);
    workflow.addRecommendedAlarms(alerts);
    const dlqAlarm = workflow.deadLetterQueue
      .metricApproximateNumberOfMessagesVisible({ period: cdk.Duration.minutes(5), statistic: "Maximum" })
      .createAlarm(this, "DeadLetterQueueAlarm", {
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: "Invocations reached the dead-letter queue",
      });
    dlqAlarm.addAlarmAction(new cwActions.SnsAction(alerts));

    workflow.addOutputs();
    new cdk.CfnOutput(this, "InvokeCommand", {
      description: "Start an execution asynchronously with an idempotent execution name",
      value:
        `aws lambda invoke --function-name ${workflow.alias.functionArn} --invocation-type Event ` +
        "--durable-execution-name run-001 --cli-binary-format raw-in-base64-out " +
        "--payload file://events/start.json response.json",
    });
    new cdk.CfnOutput(this, "DeadLetterQueueUrl", { value: workflow.deadLetterQueue.queueUrl });
    new cdk.CfnOutput(this, "AlertsTopicArn", { value: alerts.topicArn });
    new cdk.CfnOutput(this, "OperatorRoleArn", { value: operator.roleArn });
{%- if cookiecutter.__callbacks == "True" %}
    new cdk.CfnOutput(this, "NotifyTopicArn", { value: notifyTopic.topicArn });
    new cdk.CfnOutput(this, "CallbackSenderRoleArn", { value: callbackSender.roleArn });
{%- endif %}
  }
}
