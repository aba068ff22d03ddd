/**
 * Ticket analysis: Amazon Bedrock when `TRIAGE_MODEL_ID` is set, local keyword rules otherwise.
 *
 * The keyword rules are deterministic (the tests use them); Bedrock answers go through the same
 * `parseAnalysis`, so the workflow only ever sees a well-formed analysis. To use Bedrock, set
 * `TRIAGE_MODEL_ID` on the function and allow `bedrock:InvokeModel` on that model.
 */

export const CATEGORIES = ["billing", "technical", "account", "other"] as const;
export const PRIORITIES = ["low", "medium", "high"] as const;
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
const PROMPT =
  `Classify this support ticket. Answer with JSON only: {"category": one of ${JSON.stringify(CATEGORIES)}, ` +
  `"priority": one of ${JSON.stringify(PRIORITIES)}, "summary": str, "suggestedResponse": str}.`;

export type Category = (typeof CATEGORIES)[number];
export type Priority = (typeof PRIORITIES)[number];
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
  readonly summary: string;
  readonly suggestedResponse: string;
  readonly needsEscalation: boolean;
}

/** The model could not answer right now (throttling, timeout): retry. */
export class TransientAnalyzerError extends Error {
  override readonly name = "TransientAnalyzerError";
}

/** The model's answer is not the JSON the prompt asks for: do not retry. */
export class AnalysisFormatError extends Error {
  override readonly name = "AnalysisFormatError";
}

export function parseAnalysis(data: Record<string, unknown>, customerTier: Tier): Analysis {
  const { category, priority, summary, suggestedResponse } = data;
  const isCategory = (v: unknown): v is Category => CATEGORIES.includes(v as Category);
  const isPriority = (v: unknown): v is Priority => PRIORITIES.includes(v as Priority);
  if (!isCategory(category) || !isPriority(priority)) {
    throw new AnalysisFormatError(`unexpected category/priority: ${JSON.stringify(category)}/${JSON.stringify(priority)}`);
  }
  if (typeof suggestedResponse !== "string" || !suggestedResponse.trim()) {
    throw new AnalysisFormatError("suggestedResponse must be a non-empty string");
  }
  return {
    category,
    priority,
    summary: (typeof summary === "string" ? summary : "").slice(0, 500),
    suggestedResponse: suggestedResponse.trim(),
    needsEscalation: priority === "high" || (customerTier === "enterprise" && category === "technical"),
  };
}

/** The analyzers, as methods of `analyzers` so tests can replace them. */
export const analyzers = {
  async analyzeLocally(ticket: Ticket): Promise<Record<string, unknown>> {
    const text = `${ticket.subject} ${ticket.body}`.toLowerCase();
    const category = KEYWORDS.find(([, words]) => words.some((w) => text.includes(w)))?.[0] ?? "other";
    const priority: Priority = URGENT.some((w) => text.includes(w)) ? "high" : category !== "other" ? "medium" : "low";
    return {
      category,
      priority,
      summary: ticket.subject,
      suggestedResponse: `Thanks for reaching out about "${ticket.subject}". We are looking into it.`,
    };
  },

  async analyzeWithBedrock(ticket: Ticket, modelId: string): Promise<Record<string, unknown>> {
    const { BedrockRuntimeClient, ConverseCommand } = await import("@aws-sdk/client-bedrock-runtime");
    let text: string;
    try {
      const answer = await new BedrockRuntimeClient({}).send(
        new ConverseCommand({
          modelId,
          system: [{ text: PROMPT }],
          messages: [{ role: "user", content: [{ text: `${ticket.subject}\n\n${ticket.body}` }] }],
        }),
      );
      text = answer.output?.message?.content?.[0]?.text ?? "";
    } catch (error) {
      if (error instanceof Error && TRANSIENT_ERROR_CODES.has(error.name)) {
        throw new TransientAnalyzerError(error.message);
      }
      throw error;
    }
    const json = text.trim().replace(/^```json/, "").replace(/^[`\n ]+|[`\n ]+$/g, "");
    try {
      return JSON.parse(json) as Record<string, unknown>;
    } catch {
      throw new AnalysisFormatError(`model answer is not JSON: ${JSON.stringify(json.slice(0, 80))}`);
    }
  },
};

export async function analyze(ticket: Ticket): Promise<Analysis> {
  const modelId = process.env[MODEL_ID_ENV];
  const raw = modelId ? await analyzers.analyzeWithBedrock(ticket, modelId) : await analyzers.analyzeLocally(ticket);
  return parseAnalysis(raw, ticket.customerTier);
}
