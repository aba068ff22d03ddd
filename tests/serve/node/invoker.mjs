// A chained invoke of another Node.js durable function (`tax`), then a step with its answer.
import { withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event, context) => {
  const taxed = await context.invoke("tax", event.target, { amount: event.amount });
  return await context.step("total", async () => ({ total: taxed.amount + taxed.tax }));
});
