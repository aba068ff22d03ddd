/**
 * approval: a human approves or rejects a request; the workflow waits durably for the answer.
 *
 * The function stops running while it waits (no compute is billed), and resumes when someone sends
 * the callback (`aws lambda send-durable-execution-callback-success`) or when the timeout passes.
 * The callback id is published to the approvers' SNS topic (`NOTIFY_TOPIC_ARN`) by the submitter,
 * which runs exactly when the callback is created.
 *
 * Callback answers are JSON objects (`{"approved": true, "approver": "...", "comment": "..."}`).
 * `waitForCallback` hands over the raw string unless told otherwise (its default deserializer is a
 * passthrough), so the callback is configured with `jsonSerdes` and the answer arrives as an object.
 */
import { PublishCommand, SNSClient, type PublishCommandInput } from "@aws-sdk/client-sns";
import {
  CallbackTimeoutError,
  withDurableExecution,
  type DurableContext,
  type Duration,
  type Serdes,
} from "@aws/durable-execution-sdk-js";

export interface ApprovalRequest {
  readonly request_id: string;
  readonly amount: number;
  readonly requester: string;
  readonly description: string;
}

/** What an approver sends as the callback result. */
export interface ApprovalDecision {
  readonly approved?: unknown;
  readonly approver?: unknown;
  readonly comment?: unknown;
}

export type ApprovalResult =
  | { readonly status: "APPROVED"; readonly request_id: string; readonly applied: true; readonly approver: string }
  | { readonly status: "REJECTED"; readonly request_id: string; readonly rejected: true; readonly reason: string }
  | { readonly status: "EXPIRED"; readonly request_id: string; readonly expired: true };

/** How long approvers have to answer before the request expires. Exported (and mutable) so tests can shorten it. */
export const APPROVAL_WINDOW: { timeout: Duration } = { timeout: { days: 3 } };
const NO_RETRY = { retryStrategy: () => ({ shouldRetry: false }) };

/** Callback deserializer: JSON text -> value. Text that is not JSON is kept as a string (and rejected). */
export const jsonSerdes: Omit<Serdes<unknown>, "serialize"> = {
  deserialize: async (data) => {
    if (data === undefined) return undefined;
    try {
      return JSON.parse(data) as unknown;
    } catch {
      return data;
    }
  },
};

/** The request cannot be processed; retrying would not help. */
export class InvalidRequestError extends Error {
  override readonly name = "InvalidRequestError";
}

export function validateRequest(event: Record<string, unknown>): ApprovalRequest {
  const { request_id: requestId, amount, requester, description } = event;
  if (typeof requestId !== "string" || !requestId) {
    throw new InvalidRequestError("request_id must be a non-empty string");
  }
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0) {
    throw new InvalidRequestError("amount must be a positive number");
  }
  return {
    request_id: requestId,
    amount,
    requester: typeof requester === "string" ? requester : "unknown",
    description: typeof description === "string" ? description : "",
  };
}

/** Outgoing calls, grouped so tests can replace them. */
export const notifications = {
  sns: undefined as SNSClient | undefined,
  async publish(input: PublishCommandInput): Promise<void> {
    this.sns ??= new SNSClient({});
    await this.sns.send(new PublishCommand(input));
  },
};

export async function approvalWorkflow(event: Record<string, unknown>, context: DurableContext): Promise<ApprovalResult> {
  const request = await context.step("validate-request", async () => validateRequest(event), NO_RETRY);

  let decision: unknown;
  try {
    decision = await context.waitForCallback<unknown>(
      "await-approval",
      async (callbackId, callbackContext) => {
        // Tell the approvers how to answer. Runs once, when the callback is created.
        const topicArn = process.env["NOTIFY_TOPIC_ARN"];
        if (topicArn) {
          await notifications.publish({
            TopicArn: topicArn,
            Subject: `Approval needed: ${request.request_id}`,
            Message: JSON.stringify({ callback_id: callbackId, request }, null, 2),
          });
        }
        callbackContext.logger.info("approval requested", { callback_id: callbackId });
      },
      { timeout: APPROVAL_WINDOW.timeout, serdes: jsonSerdes },
    );
  } catch (error) {
    if (!(error instanceof CallbackTimeoutError)) throw error;
    context.logger.warn("approval timed out");
    await context.step("record-expiry", async () => ({ request_id: request.request_id, expired: true }));
    return { status: "EXPIRED", request_id: request.request_id, expired: true };
  }

  const answer: ApprovalDecision = typeof decision === "object" && decision !== null ? decision : {};
  if (answer.approved === true) {
    const approver = typeof answer.approver === "string" ? answer.approver : "unknown";
    // Replace with the real change (e.g. call the purchasing API). Steps are retried on failure.
    const outcome = await context.step("apply-request", async () => ({
      request_id: request.request_id,
      applied: true as const,
      approver,
    }));
    return { status: "APPROVED", ...outcome };
  }

  const reason =
    typeof decision === "object" && decision !== null ? (typeof answer.comment === "string" ? answer.comment : "") : "malformed decision";
  const outcome = await context.step("record-rejection", async () => ({
    request_id: request.request_id,
    rejected: true as const,
    reason,
  }));
  return { status: "REJECTED", ...outcome };
}

export const handler = withDurableExecution(approvalWorkflow);
