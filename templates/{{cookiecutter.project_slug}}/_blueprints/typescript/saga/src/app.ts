/**
 * saga: book a trip in three steps; when one fails for good, undo the ones that succeeded.
 *
 * `reserve-flight` -> `reserve-hotel` -> `charge-payment`. Each step retries transient errors
 * with exponential backoff (the wait between attempts is durable: no compute is billed). When a step
 * fails for good (a rejection, or retries exhausted), the compensating steps of the completed ones
 * run in reverse order (`cancel-hotel`, `cancel-flight`), each retried until it succeeds, and the
 * execution returns `ROLLED_BACK`. Every step result is checkpointed, so a crash in the middle of the
 * saga resumes where it stopped instead of booking twice.
 */
import { createRetryStrategy, withDurableExecution, type DurableContext } from "@aws/durable-execution-sdk-js";
import {
  TransientServiceError,
  services,
  type FlightReservation,
  type HotelReservation,
  type Payment,
  type Trip,
} from "./services";

const NO_RETRY = { retryStrategy: () => ({ shouldRetry: false }) };
/** Forward steps: transient errors only, 3 attempts. */
export const BOOKING_RETRY = {
  retryStrategy: createRetryStrategy({
    maxAttempts: 3,
    initialDelay: { seconds: 2 },
    maxDelay: { seconds: 30 },
    backoffRate: 2,
    retryableErrorTypes: [TransientServiceError],
  }),
};
/** Compensations must not give up early: any error, 10 attempts, up to 5 minutes apart. */
export const COMPENSATION_RETRY = {
  retryStrategy: createRetryStrategy({
    maxAttempts: 10,
    initialDelay: { seconds: 5 },
    maxDelay: { minutes: 5 },
    backoffRate: 2,
  }),
};

export type SagaResult =
  | {
      readonly status: "BOOKED";
      readonly trip_id: string;
      readonly flight: FlightReservation;
      readonly hotel: HotelReservation;
      readonly payment: Payment;
    }
  | {
      readonly status: "ROLLED_BACK";
      readonly trip_id: string;
      readonly failed_step: string;
      readonly reason: string;
      readonly compensated: readonly string[];
    };

/** The trip request cannot be processed; retrying would not help. */
export class InvalidTripError extends Error {
  override readonly name = "InvalidTripError";
}

export function validateTrip(event: Record<string, unknown>): Trip {
  const { trip_id: tripId, flight, hotel, amount } = event;
  const missing = Object.entries({ trip_id: tripId, flight, hotel })
    .filter(([, value]) => typeof value !== "string")
    .map(([key]) => key);
  if (typeof tripId !== "string" || typeof flight !== "string" || typeof hotel !== "string") {
    throw new InvalidTripError(`missing or non-string fields: ${missing.join(", ")}`);
  }
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount <= 0) {
    throw new InvalidTripError("amount must be a positive number");
  }
  return { trip_id: tripId, flight, hotel, amount };
}

export async function sagaWorkflow(event: Record<string, unknown>, context: DurableContext): Promise<SagaResult> {
  const trip = await context.step("validate-trip", async () => validateTrip(event), NO_RETRY);

  // [name of the compensating step, what it undoes], in the order the bookings succeeded.
  const compensations: [string, () => Promise<unknown>][] = [];
  let current = "reserve-flight";
  try {
    const flight = await context.step(current, async () => services.reserveFlight(trip), BOOKING_RETRY);
    compensations.push(["cancel-flight", async () => services.cancelFlight(flight)]);

    current = "reserve-hotel";
    const hotel = await context.step(current, async () => services.reserveHotel(trip), BOOKING_RETRY);
    compensations.push(["cancel-hotel", async () => services.cancelHotel(hotel)]);

    current = "charge-payment";
    const payment = await context.step(current, async () => services.chargePayment(trip), BOOKING_RETRY);

    return { status: "BOOKED", trip_id: trip.trip_id, flight, hotel, payment };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    context.logger.warn(`${current} failed: compensating`, { reason });
    const undone = [...compensations].reverse();
    for (const [name, undo] of undone) {
      await context.step(name, undo, COMPENSATION_RETRY);
    }
    return {
      status: "ROLLED_BACK",
      trip_id: trip.trip_id,
      failed_step: current,
      reason,
      compensated: undone.map(([name]) => name),
    };
  }
}

export const handler = withDurableExecution(sagaWorkflow);
