// saga on `cdk-durable serve` (this project's template), driven through @aws-sdk/client-lambda as your code would.
import { afterAll, beforeAll, expect, it } from "vitest";
import { BOUND_MS, Service } from "./service";

const service = new Service();
beforeAll(() => service.start(), BOUND_MS);
afterAll(() => service.stop(), BOUND_MS);

it("books the trip of an execution started by name", async () => {
  const execution = await service.finish(await service.startExecution("saga-trip-001", "start.json"));

  expect(execution.Status).toBe("SUCCEEDED");
  expect(JSON.parse(execution.Result ?? "null")).toEqual({
    status: "BOOKED",
    trip_id: "trip-001",
    flight: { reservation_id: "FL-trip-001", flight: "LH400" },
    hotel: { reservation_id: "HT-trip-001", hotel: "hotel-berlin-mitte" },
    payment: { payment_id: "PAY-trip-001", amount: 842.5 },
  });
}, BOUND_MS);
