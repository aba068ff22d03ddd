// approval on `cdk-durable serve` (this project's template), driven through @aws-sdk/client-lambda as your
// code would: start by name, answer the callback (SendDurableExecutionCallbackSuccess/Failure), read the outcome.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackSuccessCommand,
} from "@aws-sdk/client-lambda";
import { BOUND_MS, Service, event } from "./service";

const service = new Service();
beforeAll(() => service.start(), BOUND_MS);
afterAll(() => service.stop(), BOUND_MS);

it("applies an approved request", async () => {
  const arn = await service.startExecution("approval-approved", "start.json");
  const callbackId = await service.callbackId(arn, "await-approval");

  expect(await service.status(arn)).toBe("RUNNING"); // waits for the answer
  await service.lambda.send(
    new SendDurableExecutionCallbackSuccessCommand({ CallbackId: callbackId, Result: event("approve-answer.json") }),
  );
  const execution = await service.finish(arn);
  expect(execution.Status).toBe("SUCCEEDED");
  expect(JSON.parse(execution.Result ?? "null")).toEqual({
    status: "APPROVED",
    request_id: "req-001",
    applied: true,
    approver: "grace@example.com",
  });
}, BOUND_MS);

it("fails the execution on a callback failure", async () => {
  const arn = await service.startExecution("approval-failed", "start.json");

  await service.lambda.send(
    new SendDurableExecutionCallbackFailureCommand({
      CallbackId: await service.callbackId(arn, "await-approval"),
      Error: { ErrorType: "Rejected", ErrorMessage: "not now" },
    }),
  );
  const execution = await service.finish(arn);
  expect(execution.Status).toBe("FAILED");
  expect(execution.Error?.ErrorMessage).toContain("not now");
}, BOUND_MS);
