/**
 * fan-out: process a batch of items concurrently with `map`, then finish with `parallel` branches.
 *
 * 1. `validate-batch` (step),
 * 2. `process-items` (`map`): every item runs in its own child context (`item-<id>`), at most
 *    `MAX_CONCURRENCY` at a time; its `process-item` step retries transient errors. The
 *    completion policy tolerates up to `TOLERATED_FAILURE_PERCENTAGE` percent of failed items: above
 *    that, the batch stops early and the execution fails,
 * 3. `finalize` (`parallel`): `publish-summary` and `archive-results` run as two branches,
 *    each a child context with its own steps.
 */
import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";

/** Each item costs a few operations; an execution may record at most 3,000. */
export const MAX_ITEMS = 500;
export const MAX_CONCURRENCY = 5;
export const TOLERATED_FAILURE_PERCENTAGE = 20;
const NO_RETRY = { retryStrategy: () => ({ shouldRetry: false }) };

export interface Item {
  readonly id: string;
  readonly value?: unknown;
}

export interface Batch {
  readonly batch_id: string;
  readonly items: readonly Item[];
}

export interface ItemResult {
  readonly id: string;
  readonly result: number;
}

export interface FanOutResult {
  readonly batch_id: string;
  readonly processed: number;
  readonly failed: readonly string[];
  readonly total: number;
}

/** Timeouts, throttling, connection resets: worth retrying. */
export class TransientItemError extends Error {
  override readonly name = "TransientItemError";
}

/** The batch cannot be processed; retrying would not help. */
export class InvalidBatchError extends Error {
  override readonly name = "InvalidBatchError";
}

/** More items failed than the completion policy tolerates. */
export class BatchFailedError extends Error {
  override readonly name = "BatchFailedError";
}

export const ITEM_RETRY = {
  retryStrategy: createRetryStrategy({
    maxAttempts: 3,
    initialDelay: { seconds: 1 },
    maxDelay: { seconds: 20 },
    retryableErrorTypes: [TransientItemError],
  }),
};

export function validateBatch(event: Record<string, unknown>): Batch {
  const { batch_id: batchId, items } = event;
  if (typeof batchId !== "string" || !batchId) {
    throw new InvalidBatchError("batch_id must be a non-empty string");
  }
  if (!Array.isArray(items) || items.length < 1 || items.length > MAX_ITEMS) {
    throw new InvalidBatchError(`items must be a list of 1-${MAX_ITEMS} items`);
  }
  const checked = items.map((item: unknown) => {
    if (typeof item !== "object" || item === null || typeof (item as Record<string, unknown>)["id"] !== "string") {
      throw new InvalidBatchError('every item must be an object with a string "id"');
    }
    return item as Item;
  });
  return { batch_id: batchId, items: checked };
}

/** The work, as methods of `work` so tests can replace them. Replace the bodies with yours. */
export const work = {
  /** The work for one item (it must be idempotent: steps can be retried). */
  async processItem(item: Item): Promise<ItemResult> {
    if (typeof item.value !== "number" || !Number.isFinite(item.value)) {
      throw new Error(`item ${item.id}: value must be a number`);
    }
    return { id: item.id, result: item.value * 2 };
  },
  /** Replace with a notification (SNS, EventBridge, e-mail); runs once, inside a step. */
  async publishSummary(batchId: string): Promise<{ published: string }> {
    return { published: batchId };
  },
  /** Replace with a write to S3 or a database. */
  async archiveResults(batchId: string, results: readonly ItemResult[]): Promise<{ archived: string; count: number }> {
    return { archived: batchId, count: results.length };
  },
};

export async function fanOutWorkflow(event: Record<string, unknown>, context: DurableContext): Promise<FanOutResult> {
  const batch = await context.step("validate-batch", async () => validateBatch(event), NO_RETRY);

  const processed = await context.map(
    "process-items",
    [...batch.items],
    async (itemContext, item) => itemContext.step("process-item", async () => work.processItem(item), ITEM_RETRY),
    {
      maxConcurrency: MAX_CONCURRENCY,
      completionConfig: { toleratedFailurePercentage: TOLERATED_FAILURE_PERCENTAGE },
      itemNamer: (item) => `item-${item.id}`,
    },
  );
  const failedIds = processed.failed().map((entry) => batch.items[entry.index]?.id ?? `#${entry.index}`);
  if (processed.completionReason === "FAILURE_TOLERANCE_EXCEEDED") {
    throw new BatchFailedError(
      `${failedIds.length} of ${batch.items.length} items failed (tolerated: ${TOLERATED_FAILURE_PERCENTAGE}%): ${failedIds.join(", ")}`,
    );
  }
  const results = processed.getResults();
  context.logger.info(`processed ${results.length} items, ${failedIds.length} failed`);

  const finalized = await context.parallel<unknown>("finalize", [
    {
      name: "publish-summary",
      func: async (branch) => branch.step("send-summary", async () => work.publishSummary(batch.batch_id)),
    },
    {
      name: "archive-results",
      func: async (branch) => branch.step("write-archive", async () => work.archiveResults(batch.batch_id, results)),
    },
  ]);
  finalized.throwIfError();

  return {
    batch_id: batch.batch_id,
    processed: results.length,
    failed: failedIds,
    total: results.reduce((sum, r) => sum + r.result, 0),
  };
}

export const handler = withDurableExecution(fanOutWorkflow);
