/**
 * The services the saga calls. Replace the bodies with your real API calls.
 *
 * Every call receives the trip id as an idempotency key: a step can run more than once (a retry after
 * a timeout, a crash after the call but before the checkpoint), so the service must treat a repeated
 * request as the same booking. The calls are methods of `services` so tests can replace them.
 */

export interface Trip {
  readonly trip_id: string;
  readonly flight: string;
  readonly hotel: string;
  readonly amount: number;
}

export interface FlightReservation {
  readonly reservation_id: string;
  readonly flight: string;
}

export interface HotelReservation {
  readonly reservation_id: string;
  readonly hotel: string;
}

export interface Payment {
  readonly payment_id: string;
  readonly amount: number;
}

export interface Cancellation {
  readonly cancelled: string;
}

/** Throttling, timeouts, 5xx: worth retrying. */
export class TransientServiceError extends Error {
  override readonly name = "TransientServiceError";
}

/** The service said no (sold out, card declined): retrying will not help, compensate instead. */
export class BookingRejectedError extends Error {
  override readonly name = "BookingRejectedError";
}

export const services = {
  async reserveFlight(trip: Trip): Promise<FlightReservation> {
    return { reservation_id: `FL-${trip.trip_id}`, flight: trip.flight };
  },
  async reserveHotel(trip: Trip): Promise<HotelReservation> {
    return { reservation_id: `HT-${trip.trip_id}`, hotel: trip.hotel };
  },
  async chargePayment(trip: Trip): Promise<Payment> {
    return { payment_id: `PAY-${trip.trip_id}`, amount: trip.amount };
  },
  async cancelFlight(reservation: FlightReservation): Promise<Cancellation> {
    return { cancelled: reservation.reservation_id };
  },
  async cancelHotel(reservation: HotelReservation): Promise<Cancellation> {
    return { cancelled: reservation.reservation_id };
  },
};
