/**
 * triage: resolved, edited, rejected, escalated, review timeout and failure, retries, bad input.
 * The analyzer is the local keyword analyzer (no TRIAGE_MODEL_ID in tests).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalDurableTestRunner, WaitingOperationStatus } from "@aws/durable-execution-sdk-js-testing";
import { AGENT_REVIEW, SPECIALIST_REVIEW, handler, type TriageResult } from "../src/app";
import { AnalysisFormatError, MODEL_ID_ENV, TransientAnalyzerError, analyzers, parseAnalysis } from "../src/analyzer";

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
    // Callback timeouts run on the real clock in the local runner (skipTime covers waits and retry delays).
    SPECIALIST_REVIEW.timeout = { seconds: 1 };

    const { execution, names } = await triage(URGENT, [["agent-review", { approved: true }]]);

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()).toMatchObject({ status: "escalated", finalResponse: null });
    expect(names).not.toContain("close-out");
  });

  it("escalates when the agent does not answer in time", async () => {
    AGENT_REVIEW.timeout = { seconds: 1 };

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
});
