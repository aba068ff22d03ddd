import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { PAUSE, handler, type HelloResult } from "../src/app";

// skipTime: durable waits and retry delays complete at once (on a fake clock).
beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

describe("hello", () => {
  let runner: LocalDurableTestRunner<HelloResult>;
  beforeEach(() => {
    runner = new LocalDurableTestRunner<HelloResult>({ handlerFunction: handler });
  });

  it("greets, waits and says goodbye", async () => {
    const execution = await runner.run({ payload: { name: "Ada" } });

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()).toEqual({ greeting: "Hello, Ada!", farewell: "Goodbye, Ada!" });
    expect(runner.getOperation("validate-input").getStepDetails()?.result).toBe("Ada");
    expect(runner.getOperation("make-greeting").getStepDetails()?.result).toBe("Hello, Ada!");
    expect(runner.getOperation("pause").getWaitDetails()?.waitSeconds).toBe(PAUSE.seconds);
    expect(runner.getOperation("make-farewell").getStatus()).toBe("SUCCEEDED");
  });

  it("defaults to World", async () => {
    const execution = await runner.run({ payload: {} });

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()?.greeting).toBe("Hello, World!");
  });

  it("fails on an invalid name without retrying", async () => {
    const execution = await runner.run({ payload: { name: "   " } });

    expect(execution.getStatus()).toBe("FAILED");
    expect(execution.getError().errorMessage).toBe("name must be a non-empty string of at most 100 characters");
    expect(runner.getOperation("validate-input").getStepDetails()?.attempt).toBeLessThanOrEqual(1);
    expect(execution.getOperations().map((op) => op.getName())).not.toContain("make-greeting");
  });
});
