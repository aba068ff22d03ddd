// A step whose result is `event.size` characters long (checkpoint size limits).
import { withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event, context) => {
  const text = await context.step("big", async () => "x".repeat(event.size));
  return { size: text.length };
});
