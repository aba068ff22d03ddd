// A plain-JS durable handler: a step, a callback, a step.
import { withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event, context) => {
  const total = await context.step("total", async () => event.items.reduce((a, b) => a + b, 0));
  console.log(`total ${total}`);
  const verdict = await context.waitForCallback("review", async () => {});
  return await context.step("finish", async () => ({ total, verdict }));
});
