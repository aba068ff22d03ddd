// A TypeScript durable handler (bundled with esbuild): a step and a short wait.
import { withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";

interface Order {
  amount: number;
}

export const handler = withDurableExecution(async (event: Order, context: DurableContext) => {
  const tax: number = await context.step("tax", async () => Math.round(event.amount * 20) / 100);
  await context.wait({ seconds: 5 });
  return { amount: event.amount, tax };
});
