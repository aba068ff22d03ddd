/**
 * triage: AI support-ticket triage with a human in the loop.
 *
 * 1. `validate-ticket` (step, not retried),
 * 2. `analyze-ticket` (step): Bedrock or the local keyword rules, transient errors retried,
 * 3. `agent-review` (wait for callback, 8 h): an agent approves, edits or rejects the suggested
 *    reply (`{"approved": bool, "editedResponse"?: str, "agentNotes"?: str}`); no answer in time
 *    escalates the ticket,
 * 4. `specialist-review` (wait for callback, 3 days) when the ticket needs escalation,
 * 5. `close-out` (parallel): `send-reply` and `send-survey` branches,
 * 6. result `{status: resolved | escalated | rejected, ticketId, category, priority, finalResponse}`.
 *
 * Reviewers learn the callback id from the `NOTIFY_TOPIC_ARN` topic (the submitter publishes it).
 * Review answers are JSON objects: `waitForCallback` would hand over the raw string (its default
 * deserializer is a passthrough), so the callbacks use `jsonSerdes` and the answer arrives as an object.
 */
import { PublishCommand, SNSClient, type PublishCommandInput } from "@aws-sdk/client-sns";
import {
  CallbackTimeoutError,
  createRetryStrategy,
  withDurableExecution,
  type DurableContext,
  type Duration,
  type Serdes,
} from "@aws/durable-execution-sdk-js";
import { TransientAnalyzerError, analyze, type Analysis, type Ticket, type Tier } from "./analyzer";

const TIERS: readonly Tier[] = ["free", "pro", "enterprise"];
const NO_RETRY = { retryStrategy: () => ({ shouldRetry: false }) };
const ANALYZE_RETRY = {
  retryStrategy: createRetryStrategy({
    maxAttempts: 3,
    initialDelay: { seconds: 2 },
    maxDelay: { seconds: 30 },
    retryableErrorTypes: [TransientAnalyzerError],
  }),
};

/** Callback deserializer: JSON text -> value. Text that is not JSON stays a string (a malformed answer). */
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

/** How long a reviewer has to answer. Exported (and mutable) so tests can shorten them. */
export interface ReviewWindow {
  timeout: Duration;
}
export const AGENT_REVIEW: ReviewWindow = { timeout: { hours: 8 } };
export const SPECIALIST_REVIEW: ReviewWindow = { timeout: { days: 3 } };

export interface Review {
  readonly approved: boolean;
  readonly editedResponse?: string;
  readonly agentNotes?: string;
}

export type TriageStatus = "resolved" | "escalated" | "rejected";

export interface TriageResult {
  readonly status: TriageStatus;
  readonly ticketId: string;
  readonly category: string;
  readonly priority: string;
  readonly finalResponse: string | null;
}

/** The ticket cannot be triaged; retrying would not help. */
export class InvalidTicketError extends Error {
  override readonly name = "InvalidTicketError";
}

export function validateTicket(event: Record<string, unknown>): Ticket {
  const fields = ["ticketId", "subject", "body", "contactEmail"] as const;
  const text = (field: string): string => {
    const value = event[field];
    return typeof value === "string" ? value.trim() : "";
  };
  const missing = fields.filter((field) => !text(field));
  if (missing.length > 0) {
    throw new InvalidTicketError(`missing or empty fields: ${missing.join(", ")}`);
  }
  const tier = event["customerTier"] ?? "free";
  if (!TIERS.includes(tier as Tier)) {
    throw new InvalidTicketError(`customerTier must be one of ${TIERS.join(", ")}, got ${JSON.stringify(tier)}`);
  }
  return {
    ticketId: text("ticketId"),
    subject: text("subject"),
    body: text("body"),
    contactEmail: text("contactEmail"),
    customerTier: tier as Tier,
  };
}

/** Outgoing calls, grouped so tests can replace them. Replace the bodies with your systems. */
export const outbox = {
  sns: undefined as SNSClient | undefined,
  async publish(input: PublishCommandInput): Promise<void> {
    this.sns ??= new SNSClient({});
    await this.sns.send(new PublishCommand(input));
  },
  async sendReply(ticket: Ticket, response: string): Promise<{ channel: string; to: string; ticketId: string; characters: number }> {
    // Replace with your mail or ticketing system.
    return { channel: "email", to: ticket.contactEmail, ticketId: ticket.ticketId, characters: response.length };
  },
  async sendSurvey(ticket: Ticket): Promise<{ channel: string; to: string; survey: string }> {
    return { channel: "email", to: ticket.contactEmail, survey: "csat-v1" };
  },
};

async function review(
  context: DurableContext,
  name: "agent-review" | "specialist-review",
  window: ReviewWindow,
  ticket: Ticket,
  analysis: Analysis,
): Promise<Review> {
  const answer = await context.waitForCallback<unknown>(
    name,
    async (callbackId, callbackContext) => {
      // Submitter: publish which ticket waits and the callback id that answers it.
      const topicArn = process.env["NOTIFY_TOPIC_ARN"];
      if (topicArn) {
        await outbox.publish({
          TopicArn: topicArn,
          Subject: `[${name}] ticket ${ticket.ticketId}`.slice(0, 100),
          Message: JSON.stringify({ queue: name, callback_id: callbackId, ticket, analysis }, null, 2),
        });
      }
      callbackContext.logger.info(`${name} requested for ticket ${ticket.ticketId}`);
    },
    { timeout: window.timeout, serdes: jsonSerdes },
  );
  const fields = typeof answer === "object" && answer !== null ? (answer as Record<string, unknown>) : {};
  if (typeof fields["approved"] !== "boolean") {
    return { approved: false, agentNotes: `malformed ${name} answer` };
  }
  const edited = fields["editedResponse"];
  return typeof edited === "string" && edited.trim()
    ? { approved: fields["approved"], editedResponse: edited.trim() }
    : { approved: fields["approved"] };
}

export async function triageWorkflow(event: Record<string, unknown>, context: DurableContext): Promise<TriageResult> {
  const ticket = await context.step("validate-ticket", async () => validateTicket(event), NO_RETRY);
  const analysis = await context.step("analyze-ticket", async () => analyze(ticket), ANALYZE_RETRY);
  const result = (status: TriageStatus, finalResponse: string | null): TriageResult => ({
    status,
    ticketId: ticket.ticketId,
    category: analysis.category,
    priority: analysis.priority,
    finalResponse,
  });
  let escalate = analysis.needsEscalation;

  let agent: Review;
  try {
    agent = await review(context, "agent-review", AGENT_REVIEW, ticket, analysis);
  } catch (error) {
    if (!(error instanceof CallbackTimeoutError)) throw error;
    context.logger.warn(`agent-review timed out: escalating ticket ${ticket.ticketId}`);
    agent = { approved: true };
    escalate = true;
  }
  if (!agent.approved) return result("rejected", null);
  let response = agent.editedResponse ?? analysis.suggestedResponse;

  if (escalate) {
    let specialist: Review;
    try {
      specialist = await review(context, "specialist-review", SPECIALIST_REVIEW, ticket, analysis);
    } catch (error) {
      if (!(error instanceof CallbackTimeoutError)) throw error;
      context.logger.warn(`specialist-review timed out: ticket ${ticket.ticketId} stays escalated`);
      return result("escalated", null);
    }
    if (!specialist.approved) return result("rejected", null);
    response = specialist.editedResponse ?? response;
  }

  const closeOut = await context.parallel<unknown>("close-out", [
    { name: "send-reply", func: async (branch) => branch.step("send-reply", async () => outbox.sendReply(ticket, response)) },
    { name: "send-survey", func: async (branch) => branch.step("send-survey", async () => outbox.sendSurvey(ticket)) },
  ]);
  closeOut.throwIfError();
  return result(escalate ? "escalated" : "resolved", response);
}

export const handler = withDurableExecution(triageWorkflow);
