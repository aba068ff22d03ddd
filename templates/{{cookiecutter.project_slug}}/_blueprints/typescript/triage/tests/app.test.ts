/**
 * triage: resolved, edited, rejected, escalated, review timeout and failure, retries, bad input.
 * The analyzer is the local keyword analyzer (no TRIAGE_MODEL_ID), except in the Bedrock tests: they
 * set TRIAGE_MODEL_ID and give the real BedrockRuntimeClient a request handler that answers its
 * Converse calls with canned HTTP responses (a model answer in code fences, a malformed answer,
 * throttling then success), so the SDK's own parsing and error mapping run.
 */
import { Readable } from "node:stream";
import { BedrockRuntimeClient } from "@aws-sdk/client-bedrock-runtime";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalDurableTestRunner, WaitingOperationStatus } from "@aws/durable-execution-sdk-js-testing";
import { AGENT_REVIEW, SPECIALIST_REVIEW, handler, type TriageResult } from "../src/app";
import {
  AnalysisFormatError,
  MODEL_ID_ENV,
  SYSTEM_PROMPT,
  TransientAnalyzerError,
  analyzers,
  parseAnalysis,
} from "../src/analyzer";

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

const STANDARD = {
  ticketId: "TKT-001",
  customerTier: "pro",
  subject: "Charged twice for my subscription",
  body: "My invoice shows the same charge twice.",
  contactEmail: "dana@example.com",
};
const URGENT = {
  ticketId: "TKT-002",
  customerTier: "enterprise",
  subject: "Production database lost data after the upgrade",
  body: "Data loss in three tables, restore now!",
  contactEmail: "ops@example.org",
};
const defaults = { agent: { ...AGENT_REVIEW }, specialist: { ...SPECIALIST_REVIEW } };

describe("triage", () => {
  let runner: LocalDurableTestRunner<TriageResult>;
  beforeEach(() => {
    vi.stubEnv(MODEL_ID_ENV, undefined);
    runner = new LocalDurableTestRunner<TriageResult>({ handlerFunction: handler });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    Object.assign(AGENT_REVIEW, defaults.agent);
    Object.assign(SPECIALIST_REVIEW, defaults.specialist);
  });

  /** Run `event`, answering the named review callbacks in order; returns the finished execution. */
  async function triage(event: object, answers: [string, object][] = []) {
    const reviews = answers.map(([name, decision]) => [runner.getOperation(name), decision] as const);
    const running = runner.run({ payload: event });
    for (const [operation, decision] of reviews) {
      await operation.waitForData(WaitingOperationStatus.SUBMITTED);
      await operation.sendCallbackSuccess(JSON.stringify(decision));
    }
    const execution = await running;
    return { execution, names: execution.getOperations().map((op) => op.getName()) };
  }

  it("resolves a standard ticket after the agent approves", async () => {
    const { execution, names } = await triage(STANDARD, [["agent-review", { approved: true }]]);

    expect(execution.getStatus()).toBe("SUCCEEDED");
    const body = execution.getResult();
    expect(body).toMatchObject({ status: "resolved", category: "billing", priority: "medium" });
    expect(body?.finalResponse).toMatch(/^Thanks for reaching out/);
    expect(runner.getOperation("analyze-ticket").getStepDetails()?.result).toMatchObject({ needsEscalation: false });
    expect(runner.getOperation("close-out").getChildOperations()?.map((op) => op.getName())).toEqual(["send-reply", "send-survey"]);
    expect(runner.getOperationByNameAndIndex("send-reply", 1).getStepDetails()?.result).toMatchObject({ to: "dana@example.com" });
    expect(runner.getOperationByNameAndIndex("send-survey", 1).getStepDetails()?.result).toMatchObject({ survey: "csat-v1" });
    expect(names).not.toContain("specialist-review");
  });

  it("uses the agent's edited response", async () => {
    const { execution } = await triage(STANDARD, [["agent-review", { approved: true, editedResponse: "Refunded." }]]);

    expect(execution.getResult()?.finalResponse).toBe("Refunded.");
  });

  it("sends nothing when the agent rejects", async () => {
    const { execution, names } = await triage(STANDARD, [["agent-review", { approved: false, agentNotes: "wrong category" }]]);

    expect(execution.getResult()?.status).toBe("rejected");
    expect(names).not.toContain("close-out");
  });

  it("escalates an urgent ticket to a specialist", async () => {
    const { execution } = await triage(URGENT, [
      ["agent-review", { approved: true }],
      ["specialist-review", { approved: true, editedResponse: "Restored from backup." }],
    ]);

    expect(execution.getResult()).toMatchObject({ status: "escalated", priority: "high", finalResponse: "Restored from backup." });
    expect(runner.getOperation("specialist-review").getStatus()).toBe("SUCCEEDED");
  });

  it("leaves the ticket escalated when the specialist does not answer in time", async () => {
    // Callback timeouts run on the real clock in the local runner (skipTime covers waits and retry delays)
    // and take fractions of a second there (AWS takes whole seconds): 50 ms keeps the test quick.
    SPECIALIST_REVIEW.timeout = { seconds: 0.05 };

    const { execution, names } = await triage(URGENT, [["agent-review", { approved: true }]]);

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()).toMatchObject({ status: "escalated", finalResponse: null });
    expect(names).not.toContain("close-out");
  });

  it("escalates when the agent does not answer in time", async () => {
    AGENT_REVIEW.timeout = { seconds: 0.05 };

    const { execution } = await triage(STANDARD, [["specialist-review", { approved: true }]]);

    expect(execution.getResult()?.status).toBe("escalated");
  });

  it("fails the execution when a review reports a failure", async () => {
    const agent = runner.getOperation("agent-review");
    const running = runner.run({ payload: STANDARD });
    await agent.waitForData(WaitingOperationStatus.SUBMITTED);
    await agent.sendCallbackFailure({ ErrorType: "ReviewError", ErrorMessage: "review tool crashed" });

    const execution = await running;

    expect(execution.getStatus()).toBe("FAILED");
    expect(execution.getError().errorMessage).toContain("review tool crashed");
  });

  it("retries transient analyzer errors (retry delays skipped)", async () => {
    const real = analyzers.analyzeLocally.bind(analyzers);
    let calls = 0;
    vi.spyOn(analyzers, "analyzeLocally").mockImplementation(async (ticket) => {
      if (++calls < 3) throw new TransientAnalyzerError("throttled");
      return real(ticket);
    });

    const { execution } = await triage(STANDARD, [["agent-review", { approved: true }]]);

    expect(execution.getResult()?.status).toBe("resolved");
    expect(calls).toBe(3);
  });

  it.each([{}, { ...STANDARD, subject: " " }, { ...STANDARD, customerTier: "gold" }])(
    "fails before analysis on an invalid ticket %j",
    async (event) => {
      const { execution, names } = await triage(event);

      expect(execution.getStatus()).toBe("FAILED");
      expect(names).not.toContain("analyze-ticket");
    },
  );

  it("rejects a malformed model answer", () => {
    expect(() => parseAnalysis({ category: "weather", priority: "high" }, "pro")).toThrow(AnalysisFormatError);
  });

  it("lets the escalation rules decide whatever the model says", () => {
    const said = { category: "billing", priority: "low", suggestedResponse: "Hi", needsEscalation: true };
    expect(parseAnalysis(said, "pro").needsEscalation).toBe(false);
    const urgent = { ...said, priority: "high", needsEscalation: false, escalationReason: null };
    expect(parseAnalysis(urgent, "pro").escalationReason).toBe("high priority");
  });
});

// --- the Bedrock path: the real client, its HTTP exchanges answered by a canned request handler ---

const MODEL = "global.{{ manifest.bedrock.default_model }}";
const MODEL_ANSWER = {
  category: "billing",
  priority: "medium",
  sentiment: "frustrated",
  suggestedResponse: "Sorry about the double charge: we have refunded the duplicate.",
  needsEscalation: false,
  escalationReason: null,
  summary: "Customer was charged twice.",
};

interface Canned {
  readonly status: number;
  readonly body: object;
  readonly errorType?: string;
}

function converseAnswer(text: string): Canned {
  return {
    status: 200,
    body: {
      output: { message: { role: "assistant", content: [{ text }] } },
      stopReason: "end_turn",
      usage: { inputTokens: 200, outputTokens: 80, totalTokens: 280 },
      metrics: { latencyMs: 420 },
    },
  };
}

/** A BedrockRuntimeClient whose HTTP requests get `answers` in order; `requests` records their paths. */
function cannedClient(answers: Canned[]) {
  const requests: string[] = [];
  const requestHandler = {
    handle: async (request: { path: string }) => {
      requests.push(request.path);
      const next = answers.shift();
      if (!next) throw new Error(`unexpected request ${request.path}`);
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (next.errorType) headers["x-amzn-errortype"] = next.errorType;
      return { response: { statusCode: next.status, headers, body: Readable.from([JSON.stringify(next.body)]) } };
    },
  };
  const client = new BedrockRuntimeClient({
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
    requestHandler,
  });
  return { client, requests, answers };
}

describe("triage with Bedrock", () => {
  let runner: LocalDurableTestRunner<TriageResult>;
  beforeEach(() => {
    vi.stubEnv(MODEL_ID_ENV, MODEL);
    runner = new LocalDurableTestRunner<TriageResult>({ handlerFunction: handler });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  async function triage(event: object, bedrock: ReturnType<typeof cannedClient>, approve: boolean) {
    vi.spyOn(analyzers, "bedrockClient").mockReturnValue(bedrock.client);
    const review = runner.getOperation("agent-review");
    const running = runner.run({ payload: event });
    if (approve) {
      await review.waitForData(WaitingOperationStatus.SUBMITTED);
      await review.sendCallbackSuccess(JSON.stringify({ approved: true }));
    }
    return running;
  }

  it("uses a model answer wrapped in code fences", async () => {
    const fenced = "```json\n" + JSON.stringify(MODEL_ANSWER, null, 2) + "\n```";
    const bedrock = cannedClient([converseAnswer(fenced)]);

    const execution = await triage(STANDARD, bedrock, true);

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(runner.getOperation("analyze-ticket").getStepDetails()?.result).toMatchObject({
      sentiment: "frustrated",
      needsEscalation: false,
      escalationReason: null,
    });
    expect(execution.getResult()?.finalResponse).toBe(MODEL_ANSWER.suggestedResponse);
    expect(bedrock.requests).toEqual([`/model/${encodeURIComponent(MODEL)}/converse`]);
  });

  it("fails the analysis on a malformed answer, without retrying", async () => {
    const bedrock = cannedClient([converseAnswer("Sure! It looks like a billing question.")]);

    const execution = await triage(STANDARD, bedrock, false);

    expect(execution.getStatus()).toBe("FAILED");
    expect(execution.getError().errorMessage).toContain("model answer is not JSON");
    expect(bedrock.requests).toHaveLength(1);
  });

  it("retries throttling, then uses the answer", async () => {
    const bedrock = cannedClient([
      { status: 429, errorType: "ThrottlingException", body: { message: "Too many requests" } },
      converseAnswer(JSON.stringify(MODEL_ANSWER)),
    ]);

    const execution = await triage(STANDARD, bedrock, true);

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()?.category).toBe("billing");
    expect(bedrock.requests).toHaveLength(2);
    expect(bedrock.answers).toHaveLength(0);
  });

  it("asks for the article's fields and states the escalation rules", () => {
    for (const field of ["category", "priority", "sentiment", "suggestedResponse", "needsEscalation", "escalationReason", "summary"]) {
      expect(SYSTEM_PROMPT).toContain(`"${field}"`);
    }
    expect(SYSTEM_PROMPT).toMatch(/Escalation rules: .*priority is high/s);
  });
});
