/**
 * The integration test's service: `cdk-durable serve --skip-time` on this project's own template
 * (AWS's Lambda and durable-execution API, locally, no Docker) on a free 127.0.0.1 port, and a
 * `LambdaClient` (@aws-sdk/client-lambda) pointed at it: the tests drive the workflow exactly as your
 * code drives Lambda. `make integration` prepares the template and tells the test where cdk-durable
 * is (`CDK_DURABLE`, from the project's `.venv`).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
{%- if cookiecutter.iac == "cdk" %}
import { readdirSync } from "node:fs";
{%- endif %}
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  GetDurableExecutionCommand,
  GetDurableExecutionHistoryCommand,
  InvokeCommand,
  LambdaClient,
  type GetDurableExecutionCommandOutput,
} from "@aws-sdk/client-lambda";

const PROJECT = resolve(import.meta.dirname, "..", "..");
/** The alias every invocation names (durable functions cannot be invoked unqualified). */
export const ALIAS = "{{ cookiecutter.alias_name }}";
/** Real milliseconds the service may take to start, and any one wait for an execution (hang bounds). */
export const BOUND_MS = 60_000;
/** Milliseconds between two looks at the service's log or an execution. */
const POLL_MS = 50;
/** Environment the service gives the function, beside the template's: offline, no AWS account. */
const SERVE_ENV: Record<string, string> = {
{%- if cookiecutter.__callbacks == "True" %}
  NOTIFY_TOPIC_ARN: "", // the submitter only logs the callback id (no SNS topic locally)
{%- endif %}
{%- if manifest.blueprints[cookiecutter.blueprint].bedrock %}
  TRIAGE_MODEL_ID: "", // the local keyword rules instead of Amazon Bedrock
{%- endif %}
};

/** `events/<name>`: the payloads the README's commands send. */
export function event(name: string): Uint8Array {
  return readFileSync(join(PROJECT, "events", name));
}

/** `check()`'s first answer other than undefined, asked every POLL_MS for at most BOUND_MS. */
async function poll<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + BOUND_MS;
  for (let attempt = 0; attempt < BOUND_MS / POLL_MS && Date.now() <= deadline; attempt++) {
    const value = await check();
    if (value !== undefined) return value;
    await sleep(POLL_MS);
  }
  throw new Error(`${what}: not within ${BOUND_MS / 1000} s`);
}

/** The template `cdk-durable serve` runs: what `make integration` prepares. */
function serveTemplate(): string {
{%- if cookiecutter.iac == "sam" %}
  return join(PROJECT, "template.yaml");
{%- elif cookiecutter.iac == "cloudformation" %}
  if (!existsSync(join(PROJECT, ".build", "function"))) {
    throw new Error(".build/function not found: run `make integration` (it runs `make build` first)");
  }
  return join(PROJECT, "template.yaml");
{%- elif cookiecutter.iac == "cdk" %}
  const out = join(PROJECT, "cdk.out");
  const templates = existsSync(out) ? readdirSync(out).filter((name) => name.endsWith(".template.json")) : [];
  if (templates.length !== 1 || templates[0] === undefined) {
    throw new Error("cdk.out/*.template.json not found: run `make integration` (it runs `cdk synth` first)");
  }
  return join(out, templates[0]);
{%- else %}{{ unsupported("iac", cookiecutter.iac, "tests/integration/service.ts") }}
{%- endif %}
}

function cdkDurable(): string {
  const path = process.env["CDK_DURABLE"] ?? join(PROJECT, ".venv", "bin", "cdk-durable");
  if (!existsSync(path)) {
    throw new Error(`cdk-durable not found at ${path}: run \`make integration\` (installs requirements-dev.txt in .venv)`);
  }
  return path;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening));
  const address = server.address();
  await new Promise<void>((closed) => server.close(() => { closed(); }));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** `cdk-durable serve` and a Lambda client for it: `start()` in beforeAll, `stop()` in afterAll. */
export class Service {
  private child: ChildProcess | undefined;
  private client: LambdaClient | undefined;
  private name = "";

  get lambda(): LambdaClient {
    if (this.client === undefined) throw new Error("the service has not started");
    return this.client;
  }

  /** Start the service on a free port (again on another if that one was taken meanwhile). */
  async start(): Promise<void> {
    const log = join(mkdtempSync(join(tmpdir(), "serve-")), "serve.log");
    const args = ["serve", "--template", serveTemplate(), "--skip-time"];
    args.push(...Object.entries(SERVE_ENV).map(([key, value]) => `--env=${key}=${value}`));
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const output = openSync(log, "w");
      // detached: its own process group, stopped together with its workers
      const child = spawn(cdkDurable(), [...args, "--port", String(port)], {
        cwd: PROJECT,
        detached: true,
        stdio: ["ignore", output, output],
      });
      closeSync(output);
      this.child = child;
      const banner = await poll(async () => {
        if (child.exitCode !== null || child.signalCode !== null) return null;
        return /cdk-durable serve: http\S+ {2}functions: .*?(\S+) \(durable\)/.exec(readFileSync(log, "utf8")) ?? undefined;
      }, "cdk-durable serve to start").catch(async (error: unknown) => {
        await this.stop();
        throw error;
      });
      if (banner?.[1] !== undefined) {
        this.name = banner[1];
        this.client = new LambdaClient({
          endpoint: `http://127.0.0.1:${port}`,
          region: "us-east-1",
          credentials: { accessKeyId: "local", secretAccessKey: "local" }, // any: the service does not check them
          maxAttempts: 1,
        });
        return;
      }
      await this.stop();
      if (!readFileSync(log, "utf8").includes("cannot listen")) break;
    }
    throw new Error(`cdk-durable serve did not start:\n${readFileSync(log, "utf8")}`);
  }

  /** SIGTERM to the service's process group; SIGKILL if it has not stopped within the bound. */
  async stop(): Promise<void> {
    this.client?.destroy();
    const child = this.child;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((done) => child.once("exit", () => { done(); }));
    process.kill(-child.pid, "SIGTERM");
    const stopped = await Promise.race([exited.then(() => true), sleep(BOUND_MS).then(() => false)]);
    if (!stopped) {
      process.kill(-child.pid, "SIGKILL");
      await exited;
    }
  }

  /** Invoke the alias asynchronously with an execution name; return the execution's ARN. */
  async startExecution(executionName: string, eventFile: string): Promise<string> {
    const response = await this.lambda.send(
      new InvokeCommand({
        FunctionName: `${this.name}:${ALIAS}`,
        InvocationType: "Event",
        DurableExecutionName: executionName,
        Payload: event(eventFile),
      }),
    );
    if (response.StatusCode !== 202 || response.DurableExecutionArn === undefined) {
      throw new Error(`Invoke answered ${String(response.StatusCode)} without an execution ARN`);
    }
    return response.DurableExecutionArn;
  }

  /**
   * The id of the callback `waitForCallback(name, ...)` created, from the history. (Deployed, the
   * submitter publishes it to the notify topic; reviewers answer from there.)
   */
  async callbackId(executionArn: string, name: string): Promise<string> {
    return poll(async () => {
      const { Events: events = [] } = await this.lambda.send(
        new GetDurableExecutionHistoryCommand({ DurableExecutionArn: executionArn }),
      );
      const contexts = new Map(events.filter((e) => e.EventType === "ContextStarted").map((e) => [e.Id, e.Name]));
      const callback = events.find((e) => e.EventType === "CallbackStarted" && contexts.get(e.ParentId) === name);
      return callback?.CallbackStartedDetails?.CallbackId;
    }, `callback ${name} of ${executionArn}`);
  }

  async status(executionArn: string): Promise<string | undefined> {
    return (await this.lambda.send(new GetDurableExecutionCommand({ DurableExecutionArn: executionArn }))).Status;
  }

  /** The execution (GetDurableExecution) once it has left RUNNING. */
  async finish(executionArn: string): Promise<GetDurableExecutionCommandOutput> {
    return poll(async () => {
      const execution = await this.lambda.send(new GetDurableExecutionCommand({ DurableExecutionArn: executionArn }));
      return execution.Status === "RUNNING" ? undefined : execution;
    }, `${executionArn} to finish`);
  }
}
