import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalDurableTestRunner, WaitingOperationStatus } from "@aws/durable-execution-sdk-js-testing";

import { APPROVAL_WINDOW, handler, notifications, type ApprovalResult } from "../src/app";

beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

const REQUEST = { request_id: "req-1", amount: 120.5, requester: "ada", description: "laptop" };

describe("approval", () => {
  let runner: LocalDurableTestRunner<ApprovalResult>;
  beforeEach(() => {
    runner = new LocalDurableTestRunner<ApprovalResult>({ handlerFunction: handler });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    APPROVAL_WINDOW.timeout = { days: 3 };
  });

  /** Start an execution, answer the approval callback with `decision`, return the finished execution. */
  async function answer(decision: unknown, event: object = REQUEST) {
    const approval = runner.getOperation("await-approval");
    const running = runner.run({ payload: event });
    await approval.waitForData(WaitingOperationStatus.SUBMITTED);
    await approval.sendCallbackSuccess(JSON.stringify(decision));
    return running;
  }

  it("applies an approved request", async () => {
    const execution = await answer({ approved: true, approver: "grace", comment: "ok" });

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()).toEqual({ status: "APPROVED", request_id: "req-1", applied: true, approver: "grace" });
    expect(runner.getOperation("apply-request").getStepDetails()?.result).toMatchObject({ applied: true });
    expect(runner.getOperation("await-approval").getStatus()).toBe("SUCCEEDED");
  });

  it("records a rejection and does not apply the request", async () => {
    const execution = await answer({ approved: false, approver: "grace", comment: "over budget" });

    expect(execution.getResult()).toEqual({ status: "REJECTED", request_id: "req-1", rejected: true, reason: "over budget" });
    expect(execution.getOperations().map((op) => op.getName())).not.toContain("apply-request");
  });

  it("treats an answer that is not a JSON object as a rejection", async () => {
    const approval = runner.getOperation("await-approval");
    const running = runner.run({ payload: REQUEST });
    await approval.waitForData(WaitingOperationStatus.SUBMITTED);
    await approval.sendCallbackSuccess("yes please");

    const execution = await running;

    expect(execution.getResult()).toMatchObject({ status: "REJECTED", reason: "malformed decision" });
  });

  it("fails the execution on a callback failure", async () => {
    const approval = runner.getOperation("await-approval");
    const running = runner.run({ payload: REQUEST });
    await approval.waitForData(WaitingOperationStatus.SUBMITTED);
    await approval.sendCallbackFailure({ ErrorType: "Unavailable", ErrorMessage: "approval system down" });

    const execution = await running;

    expect(execution.getStatus()).toBe("FAILED");
    expect(execution.getError().errorMessage).toContain("approval system down");
    expect(execution.getOperations().map((op) => op.getName())).not.toContain("apply-request");
  });

  it("expires an unanswered request", async () => {
    // The local runner's callback timeouts run on the real clock (skipTime covers waits and retry
    // delays) and take fractions of a second (AWS takes whole seconds), so this test shortens the
    // approval window to 50 ms.
    APPROVAL_WINDOW.timeout = { seconds: 0.05 };

    const execution = await runner.run({ payload: REQUEST });

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()).toEqual({ status: "EXPIRED", request_id: "req-1", expired: true });
    expect(runner.getOperation("record-expiry").getStatus()).toBe("SUCCEEDED");
  });

  it("publishes the callback id to the approvers' topic", async () => {
    vi.stubEnv("NOTIFY_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:approvals");
    const publish = vi.spyOn(notifications, "publish").mockResolvedValue();

    await answer({ approved: true, approver: "grace" });

    expect(publish).toHaveBeenCalledTimes(1);
    const message = JSON.parse(publish.mock.calls[0]?.[0].Message ?? "{}") as { callback_id: string; request: { request_id: string } };
    expect(message.request.request_id).toBe("req-1");
    expect(message.callback_id).toBeTruthy();
  });

  it.each([{}, { request_id: "r", amount: -1 }, { request_id: "", amount: 5 }])("fails before asking on invalid input %j", async (event) => {
    const execution = await runner.run({ payload: event });

    expect(execution.getStatus()).toBe("FAILED");
    expect(execution.getOperations().map((op) => op.getName())).not.toContain("await-approval");
  });
});
