/**
 * Ticket analysis: Amazon Bedrock when `TRIAGE_MODEL_ID` is set, local keyword rules otherwise.
 *
 * The stack sets `TRIAGE_MODEL_ID` (the account's `global.` cross-region inference profile of the
 * chosen model) and allows `bedrock:InvokeModel` on it; only a stack deployed without a model leaves
 * it unset, and then the deterministic keyword rules classify (the tests use them too). Both paths
 * go through `parseAnalysis`, so the workflow only ever sees a well-formed analysis, and the
 * escalation rules decide in code whatever the model says.
 */
import { BedrockRuntimeClient, ConverseCommand } from "@aws-sdk/client-bedrock-runtime";

export const CATEGORIES = ["billing", "technical", "account", "other"] as const;
export const PRIORITIES = ["low", "medium", "high"] as const;
export const SENTIMENTS = ["positive", "neutral", "negative", "frustrated"] as const;
export const MODEL_ID_ENV = "TRIAGE_MODEL_ID";
const TRANSIENT_ERROR_CODES = new Set([
  "ThrottlingException",
  "ServiceUnavailableException",
  "InternalServerException",
  "ModelTimeoutException",
]);
const KEYWORDS: ReadonlyArray<readonly [Category, readonly string[]]> = [
  ["billing", ["invoice", "charge", "charged", "refund", "payment", "price"]],
  ["technical", ["error", "outage", "down", "crash", "bug", "data loss", "restore", "upgrade"]],
  ["account", ["password", "login", "sign in", "account", "email address"]],
];
const URGENT = ["outage", "data loss", "urgent", "down", "security"];
const FRUSTRATED = ["unacceptable", "again", "still", "!!", "angry", "worst"];
export const SYSTEM_PROMPT = `# Role
You are a senior customer-support triage analyst. You read one support ticket and classify it
precisely; you never invent facts that are not in the ticket.

# Steps
1. Read the subject and the body; identify the customer's actual problem.
2. category: one of ${CATEGORIES.join(", ")}.
3. priority: one of ${PRIORITIES.join(", ")} ("high" only for outages, data loss, security incidents
   or a customer who cannot work at all).
4. sentiment: one of ${SENTIMENTS.join(", ")}.
5. suggestedResponse: a short, polite reply (at most 120 words) a human agent can send.
6. needsEscalation and escalationReason. Escalation rules: escalate to a specialist when the
   priority is high, or when an enterprise customer reports a technical problem; otherwise the
   agent handles the ticket. When you escalate, give the reason in escalationReason; otherwise null.
7. summary: one sentence.

# Answer
ONE JSON object and nothing else (no prose, no Markdown, no code fences), with exactly these keys:
{"category": "...", "priority": "...", "sentiment": "...", "suggestedResponse": "...",
 "needsEscalation": true|false, "escalationReason": "..."|null, "summary": "..."}
`;
const FENCE = /^\s*```[a-zA-Z0-9_-]*\s*\n?([\s\S]*?)\n?\s*```\s*$/;

export type Category = (typeof CATEGORIES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type Sentiment = (typeof SENTIMENTS)[number];
export type Tier = "free" | "pro" | "enterprise";

export interface Ticket {
  readonly ticketId: string;
  readonly subject: string;
  readonly body: string;
  readonly contactEmail: string;
  readonly customerTier: Tier;
}

export interface Analysis {
  readonly category: Category;
  readonly priority: Priority;
  readonly sentiment: Sentiment;
  readonly summary: string;
  readonly suggestedResponse: string;
  readonly needsEscalation: boolean;
  readonly escalationReason: string | null;
}

/** The model could not answer right now (throttling, timeout): retry. */
export class TransientAnalyzerError extends Error {
  override readonly name = "TransientAnalyzerError";
}

/** The model's answer is not the JSON the prompt asks for: do not retry. */
export class AnalysisFormatError extends Error {
  override readonly name = "AnalysisFormatError";
}

/** The escalation rules (the prompt states the same): the reason to escalate, or null. */
export function escalation(category: Category, priority: Priority, customerTier: Tier): string | null {
  if (priority === "high") return "high priority";
  if (customerTier === "enterprise" && category === "technical") return "technical problem of an enterprise customer";
  return null;
}

/** Check the answer's shape and apply the escalation rules (they decide, the model advises). */
export function parseAnalysis(data: unknown, customerTier: Tier): Analysis {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new AnalysisFormatError("the analysis must be a JSON object");
  }
  const { category, priority, sentiment = "neutral", summary, suggestedResponse, escalationReason } =
    data as Record<string, unknown>;
  const isCategory = (v: unknown): v is Category => CATEGORIES.includes(v as Category);
  const isPriority = (v: unknown): v is Priority => PRIORITIES.includes(v as Priority);
  const isSentiment = (v: unknown): v is Sentiment => SENTIMENTS.includes(v as Sentiment);
  if (!isCategory(category) || !isPriority(priority)) {
    throw new AnalysisFormatError(`unexpected category/priority: ${JSON.stringify(category)}/${JSON.stringify(priority)}`);
  }
  if (!isSentiment(sentiment)) {
    throw new AnalysisFormatError(`sentiment must be one of ${SENTIMENTS.join(", ")}, got ${JSON.stringify(sentiment)}`);
  }
  if (typeof suggestedResponse !== "string" || !suggestedResponse.trim()) {
    throw new AnalysisFormatError("suggestedResponse must be a non-empty string");
  }
  const rule = escalation(category, priority, customerTier);
  const given = typeof escalationReason === "string" ? escalationReason.trim() : "";
  return {
    category,
    priority,
    sentiment,
    summary: (typeof summary === "string" ? summary : "").slice(0, 500),
    suggestedResponse: suggestedResponse.trim(),
    needsEscalation: rule !== null,
    escalationReason: rule === null ? null : given || rule,
  };
}

/** The JSON object in the model's answer, inside code fences or not. */
export function modelJson(text: string): unknown {
  const cleaned = (FENCE.exec(text)?.[1] ?? text).trim();
  try {
    return JSON.parse(cleaned);
  } catch {
    throw new AnalysisFormatError(`model answer is not JSON: ${JSON.stringify(cleaned.slice(0, 80))}`);
  }
}

let client: BedrockRuntimeClient | undefined;

/** The analyzers and the Bedrock client, as methods of `analyzers` so tests can replace them. */
export const analyzers = {
  /** Created once per container; its own retries are off: the `analyze-ticket` step retries
   * throttling (checkpointed, with backoff). */
  bedrockClient(): BedrockRuntimeClient {
    client ??= new BedrockRuntimeClient({ maxAttempts: 1 });
    return client;
  },

  async analyzeLocally(ticket: Ticket): Promise<Record<string, unknown>> {
    const text = `${ticket.subject} ${ticket.body}`.toLowerCase();
    const category = KEYWORDS.find(([, words]) => words.some((w) => text.includes(w)))?.[0] ?? "other";
    const priority: Priority = URGENT.some((w) => text.includes(w)) ? "high" : category !== "other" ? "medium" : "low";
    return {
      category,
      priority,
      sentiment: FRUSTRATED.some((w) => text.includes(w)) ? "frustrated" : "neutral",
      summary: ticket.subject,
      suggestedResponse: `Thanks for reaching out about "${ticket.subject}". We are looking into it.`,
    };
  },

  async analyzeWithBedrock(ticket: Ticket, modelId: string): Promise<unknown> {
    const { ticketId, customerTier, subject, body } = ticket;
    const message = JSON.stringify({ ticketId, customerTier, subject, body }, null, 2);
    let text: string;
    try {
      const answer = await this.bedrockClient().send(
        new ConverseCommand({
          modelId,
          system: [{ text: SYSTEM_PROMPT }],
          messages: [{ role: "user", content: [{ text: `Support ticket:\n${message}` }] }],
          inferenceConfig: { maxTokens: 1024, temperature: 0 },
        }),
      );
      text = answer.output?.message?.content?.[0]?.text ?? "";
    } catch (error) {
      if (error instanceof Error && TRANSIENT_ERROR_CODES.has(error.name)) {
        throw new TransientAnalyzerError(error.message);
      }
      throw error;
    }
    return modelJson(text);
  },
};

export async function analyze(ticket: Ticket): Promise<Analysis> {
  const modelId = process.env[MODEL_ID_ENV];
  const raw = modelId ? await analyzers.analyzeWithBedrock(ticket, modelId) : await analyzers.analyzeLocally(ticket);
  return parseAnalysis(raw, ticket.customerTier);
}
