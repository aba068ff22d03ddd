// A handler that never returns after its first step (for --timeout and signal tests).
import { withDurableExecution } from "@aws/durable-execution-sdk-js";

export const handler = withDurableExecution(async (event, context) => {
  await context.step("started", async () => process.pid);
  for (;;) {
    // busy: no timer or callback of the worker's runs again
  }
});
