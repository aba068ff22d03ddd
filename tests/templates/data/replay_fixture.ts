import { randomUUID } from "node:crypto";
import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";

// called only inside steps (directly and through another helper): not reported
function newOrderId(): string {
  return `order-${randomUUID()}`;
}
const stampNow = (): number => Date.now();
function describeOrder(): string {
  return `${newOrderId()} at ${String(stampNow())}`;
}
// passed as the step callback itself: not reported
const pickSeed = async (): Promise<number> => Math.random();

// called outside a step: reported
function timestamp(): number {
  return performance.now();
}
// called inside and outside: reported
function mixed(): string {
  return new Date().toISOString();
}
// exported: may run anywhere, reported
export function exportedClock(): number {
  return Date.now();
}

const TOP_LEVEL = Math.random();

export const handler = withDurableExecution(async (event: unknown, context: DurableContext) => {
  const described = await context.step("describe", async () => describeOrder());
  const seed = await context.step("seed", pickSeed);
  const mixedInStep = await context.step("mixed", async () => mixed());
  const started = timestamp();
  const mixedOutside = mixed();
  await context.step("outer", async () => {
    await context.wait({ seconds: 1 });
    return 1;
  });
  return { described, seed, mixedInStep, started, mixedOutside, TOP_LEVEL, event };
});
