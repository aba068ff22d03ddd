// fan-out on `cdk-durable serve` (this project's template), driven through @aws-sdk/client-lambda as your code would.
import { afterAll, beforeAll, expect, it } from "vitest";
import { BOUND_MS, Service } from "./service";

const service = new Service();
beforeAll(() => service.start(), BOUND_MS);
afterAll(() => service.stop(), BOUND_MS);

it("processes the batch of an execution started by name", async () => {
  const execution = await service.finish(await service.startExecution("fan-out-batch-001", "start.json"));

  expect(execution.Status).toBe("SUCCEEDED");
  expect(JSON.parse(execution.Result ?? "null")).toEqual({ batch_id: "batch-001", processed: 4, failed: [], total: 58 });
}, BOUND_MS);
