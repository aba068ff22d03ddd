import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { LocalDurableTestRunner } from "@aws/durable-execution-sdk-js-testing";
import { handler, type SagaResult } from "../src/app";
import { BookingRejectedError, TransientServiceError, services } from "../src/services";

// skipTime: retry delays (2 s, 4 s, ... up to minutes) pass at once on a fake clock.
beforeAll(() => LocalDurableTestRunner.setupTestEnvironment({ skipTime: true }));
afterAll(() => LocalDurableTestRunner.teardownTestEnvironment());

const TRIP = { trip_id: "trip-1", flight: "LH400", hotel: "berlin-mitte", amount: 842.5 };
const HOTEL = { reservation_id: "HT-trip-1", hotel: "berlin-mitte" };

/** A replacement service call that throws `error` (always, or the first `times` calls). */
function failing<T>(error: Error, result: T, times = Number.POSITIVE_INFINITY) {
  let calls = 0;
  return vi.fn(async () => {
    calls += 1;
    if (calls <= times) throw error;
    return result;
  });
}

describe("saga", () => {
  let runner: LocalDurableTestRunner<SagaResult>;
  beforeEach(() => {
    runner = new LocalDurableTestRunner<SagaResult>({ handlerFunction: handler });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  let operationNames: string[] = [];
  const names = () => operationNames;
  async function run(event: object) {
    const execution = await runner.run({ payload: event });
    operationNames = execution.getOperations().map((op) => op.getName() ?? "");
    return execution;
  }

  it("books flight, hotel and payment", async () => {
    const execution = await run(TRIP);

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()?.status).toBe("BOOKED");
    expect(runner.getOperation("reserve-flight").getStepDetails()?.result).toEqual({ reservation_id: "FL-trip-1", flight: "LH400" });
    expect(runner.getOperation("charge-payment").getStepDetails()?.result).toEqual({ payment_id: "PAY-trip-1", amount: 842.5 });
    expect(names()).not.toContain("cancel-flight");
  });

  it("compensates in reverse order when the payment is rejected", async () => {
    const charge = vi.spyOn(services, "chargePayment").mockImplementation(failing(new BookingRejectedError("card declined"), undefined as never));

    const execution = await run(TRIP);

    expect(execution.getStatus()).toBe("SUCCEEDED");
    expect(execution.getResult()).toMatchObject({
      status: "ROLLED_BACK",
      failed_step: "charge-payment",
      reason: "card declined",
      compensated: ["cancel-hotel", "cancel-flight"],
    });
    expect(charge).toHaveBeenCalledTimes(1); // a rejection is not retried
    expect(names().indexOf("cancel-hotel")).toBeLessThan(names().indexOf("cancel-flight"));
    expect(runner.getOperation("cancel-hotel").getStepDetails()?.result).toEqual({ cancelled: "HT-trip-1" });
    expect(runner.getOperation("cancel-flight").getStepDetails()?.result).toEqual({ cancelled: "FL-trip-1" });
  });

  it("retries transient errors (retry delays skipped)", async () => {
    const hotel = vi.spyOn(services, "reserveHotel").mockImplementation(failing(new TransientServiceError("503"), HOTEL, 2));

    const execution = await run(TRIP);

    expect(execution.getResult()?.status).toBe("BOOKED");
    expect(hotel).toHaveBeenCalledTimes(3);
    expect(runner.getOperation("reserve-hotel").getStepDetails()?.attempt).toBeGreaterThanOrEqual(2);
  });

  it("compensates what was booked when retries are exhausted", async () => {
    const hotel = vi.spyOn(services, "reserveHotel").mockImplementation(failing(new TransientServiceError("503"), HOTEL));

    const execution = await run(TRIP);

    expect(execution.getResult()).toMatchObject({ status: "ROLLED_BACK", failed_step: "reserve-hotel", compensated: ["cancel-flight"] });
    expect(hotel).toHaveBeenCalledTimes(3);
    expect(names()).not.toContain("charge-payment");
    expect(names()).not.toContain("cancel-hotel");
  });

  it("retries a compensation until it succeeds", async () => {
    vi.spyOn(services, "chargePayment").mockImplementation(failing(new BookingRejectedError("declined"), undefined as never));
    const cancel = vi.spyOn(services, "cancelFlight").mockImplementation(failing(new TransientServiceError("timeout"), { cancelled: "FL-trip-1" }, 2));

    const execution = await run(TRIP);

    expect(execution.getResult()?.status).toBe("ROLLED_BACK");
    expect(cancel).toHaveBeenCalledTimes(3);
  });

  it.each([{}, { ...TRIP, amount: 0 }, { ...TRIP, flight: 7 }])("fails before booking on invalid input %j", async (event) => {
    const execution = await run(event);

    expect(execution.getStatus()).toBe("FAILED");
    expect(names()).not.toContain("reserve-flight");
  });
});
