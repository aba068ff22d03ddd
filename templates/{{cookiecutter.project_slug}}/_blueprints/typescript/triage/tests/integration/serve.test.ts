// triage on `cdk-durable serve` (this project's template), driven through @aws-sdk/client-lambda as your
// code would: an escalated ticket waits for the agent's review, then the specialist's, each answered by
// callback. The service runs the function with TRIAGE_MODEL_ID empty: the local rules, no Bedrock call.
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  SendDurableExecutionCallbackFailureCommand,
  SendDurableExecutionCallbackSuccessCommand,
} from "@aws-sdk/client-lambda";
import { BOUND_MS, Service, event } from "./service";

const service = new Service();
beforeAll(() => service.start(), BOUND_MS);
afterAll(() => service.stop(), BOUND_MS);

it("waits for the agent, then the specialist, on an escalated ticket", async () => {
  const arn = await service.startExecution("triage-escalated", "escalation.json");

  await service.lambda.send(
    new SendDurableExecutionCallbackSuccessCommand({
      CallbackId: await service.callbackId(arn, "agent-review"),
      Result: event("agent-answer.json"),
    }),
  );
  await service.lambda.send(
    new SendDurableExecutionCallbackSuccessCommand({
      CallbackId: await service.callbackId(arn, "specialist-review"),
      Result: event("specialist-answer.json"),
    }),
  );
  const execution = await service.finish(arn);
  expect(execution.Status).toBe("SUCCEEDED");
  expect(JSON.parse(execution.Result ?? "null")).toEqual({
    status: "escalated",
    ticketId: "TKT-002",
    category: "technical",
    priority: "medium",
    finalResponse: "We restored your data from the backup taken before the upgrade.",
  });
}, BOUND_MS);

it("fails the execution on a callback failure", async () => {
  const arn = await service.startExecution("triage-failed", "start.json");

  await service.lambda.send(
    new SendDurableExecutionCallbackFailureCommand({
      CallbackId: await service.callbackId(arn, "agent-review"),
      Error: { ErrorType: "Unavailable", ErrorMessage: "review tool down" },
    }),
  );
  const execution = await service.finish(arn);
  expect(execution.Status).toBe("FAILED");
  expect(execution.Error?.ErrorMessage).toContain("review tool down");
}, BOUND_MS);
