/**
 * hello: the minimal complete durable workflow — steps and a durable wait.
 *
 * Every step's result is checkpointed: when the function resumes after the wait, the steps before it
 * are not run again, their recorded results are returned instead. Code outside steps runs on every
 * replay, so it must be deterministic (no clocks, random numbers or I/O outside a step).
 */
import { withDurableExecution, type DurableContext, type Duration } from "@aws/durable-execution-sdk-js";

export interface HelloEvent {
  /** Who to greet (at most 100 characters). Default: "World". */
  readonly name?: unknown;
}

export interface HelloResult {
  readonly greeting: string;
  readonly farewell: string;
}

/** How long the workflow pauses between greeting and farewell. A durable wait costs nothing while it waits. */
export const PAUSE: Duration = { seconds: 30 };
const NO_RETRY = { retryStrategy: () => ({ shouldRetry: false }) };

/** The input event cannot be processed; retrying would not help. */
export class InvalidInputError extends Error {
  override readonly name = "InvalidInputError";
}

export function validateInput(event: HelloEvent): string {
  const name = event.name ?? "World";
  if (typeof name !== "string" || !name.trim() || name.length > 100) {
    throw new InvalidInputError("name must be a non-empty string of at most 100 characters");
  }
  return name.trim();
}

export async function helloWorkflow(event: HelloEvent, context: DurableContext): Promise<HelloResult> {
  const name = await context.step("validate-input", async () => validateInput(event), NO_RETRY);
  const greeting = await context.step("make-greeting", async (stepContext) => {
    stepContext.logger.info("greeting", { name });
    return `Hello, ${name}!`;
  });
  context.logger.info("pausing before the farewell");
  await context.wait("pause", PAUSE);
  const farewell = await context.step("make-farewell", async () => `Goodbye, ${name}!`);
  return { greeting, farewell };
}

export const handler = withDurableExecution(helloWorkflow);
