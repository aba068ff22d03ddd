{%- set bedrock = manifest.blueprints[cookiecutter.blueprint].bedrock %}
// The CDK app: `cdk synth` / `cdk deploy` run it (cdk.json: `node --import tsx bin/app.ts`).
import * as cdk from "aws-cdk-lib/core";
import { WorkflowStack } from "../lib/workflow-stack";

const app = new cdk.App();
{%- if bedrock %}
// `cdk deploy -c bedrockModelId=<model id>` picks another Bedrock model; `-c bedrockModelId=` (empty)
// deploys without Bedrock (the handler's local keyword rules).
const modelId: unknown = app.node.tryGetContext("bedrockModelId");
new WorkflowStack(app, "{{ cookiecutter.__stack_name }}", typeof modelId === "string" ? { modelId } : {});
{%- endif %}
{%- if not bedrock %}
new WorkflowStack(app, "{{ cookiecutter.__stack_name }}");
{%- endif %}
