import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { TransientItemError, handler, work, type FanOutResult, type Item } from "../src/app";

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

const ITEMS: Item[] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].map((id, i) => ({ id, value: i + 1 }));

describe("fan-out", () => {
  let runner: LocalDurableTestRunner<FanOutResult>;
  beforeEach(() => {
    runner = new LocalDurableTestRunner<FanOutResult>({ handlerFunction: handler });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  const childNames = (name: string) => runner.getOperation(name).getChildOperations()?.map((op) => op.getName());

  it("processes every item, then finalizes", async () => {
    const execution = await runner.run({ payload: { batch_id: "b-1", items: ITEMS } });

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()).toEqual({ batch_id: "b-1", processed: 10, failed: [], total: 110 });
    expect(runner.getOperation("process-items").getStatus()).toBe("SUCCEEDED");
    expect(childNames("process-items")).toEqual(ITEMS.map((item) => `item-${item.id}`));
    expect(runner.getOperation("item-b").getChildOperations()?.[0]?.getStepDetails()?.result).toEqual({ id: "b", result: 4 });
    expect(childNames("finalize")).toEqual(["publish-summary", "archive-results"]);
    expect(runner.getOperation("send-summary").getStepDetails()?.result).toEqual({ published: "b-1" });
    expect(runner.getOperation("write-archive").getStepDetails()?.result).toMatchObject({ count: 10 });
  });

  it("tolerates a few failed items", async () => {
    const items = [...ITEMS.slice(0, 9), { id: "bad", value: "x" }]; // 1 of 10 = 10% <= 20%

    const execution = await runner.run({ payload: { batch_id: "b-2", items } });

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()).toMatchObject({ failed: ["bad"], processed: 9 });
    expect(runner.getOperation("item-bad").getStatus()).toBe("FAILED");
  });

  it("fails the execution when too many items fail", async () => {
    const items = [...[0, 1, 2, 3].map((i) => ({ id: `bad-${i}`, value: null })), ...ITEMS.slice(0, 4)]; // 50% > 20%

    const execution = await runner.run({ payload: { batch_id: "b-3", items } });

    expect(execution.getStatus()).toBe("FAILED");
    expect(execution.getError().errorType).toBe("BatchFailedError");
    expect(execution.getError().errorMessage).toContain("items failed");
    expect(execution.getOperations().map((op) => op.getName())).not.toContain("finalize");
  });

  it("retries transient item errors (retry delays skipped)", async () => {
    const real = work.processItem.bind(work);
    let attemptsOfA = 0;
    vi.spyOn(work, "processItem").mockImplementation(async (item) => {
      if (item.id === "a" && ++attemptsOfA < 3) throw new TransientItemError("downstream timed out");
      return real(item);
    });

    const execution = await runner.run({ payload: { batch_id: "b-4", items: ITEMS.slice(0, 3) } });

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()?.failed).toEqual([]);
    expect(attemptsOfA).toBe(3);
  });

  it.each([{}, { batch_id: "b", items: [] }, { batch_id: "b", items: [{ value: 1 }] }])(
    "fails before processing on an invalid batch %j",
    async (event) => {
      const execution = await runner.run({ payload: event });

      expect(execution.getStatus()).toBe("FAILED");
      expect(execution.getOperations().map((op) => op.getName())).not.toContain("process-items");
    },
  );
});
