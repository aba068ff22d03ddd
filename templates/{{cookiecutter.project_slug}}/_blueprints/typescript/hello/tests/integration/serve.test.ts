// hello on `cdk-durable serve` (this project's template), driven through @aws-sdk/client-lambda as your code would.
import { afterAll, beforeAll, expect, it } from "vitest";
import { BOUND_MS, Service } from "./service";

const service = new Service();
beforeAll(() => service.start(), BOUND_MS);
afterAll(() => service.stop(), BOUND_MS);

it("runs an execution started by name: greets, waits and says goodbye", async () => {
  const arn = await service.startExecution("hello-ada", "start.json");

  expect(await service.startExecution("hello-ada", "start.json")).toBe(arn); // same name and payload: the same execution
  const execution = await service.finish(arn);
  expect(execution.Status).toBe("SUCCEEDED");
  expect(JSON.parse(execution.Result ?? "null")).toEqual({ greeting: "Hello, Ada!", farewell: "Goodbye, Ada!" });
}, BOUND_MS);
