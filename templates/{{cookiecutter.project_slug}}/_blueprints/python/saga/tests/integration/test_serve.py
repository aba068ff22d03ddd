"""saga on `cdk-durable serve` (this project's template), driven through boto3 as your code would."""

from __future__ import annotations

import json


def test_an_execution_started_by_name_books_the_trip(service):
    execution = service.finish(service.start("saga-trip-001", "start.json"))

    assert execution["Status"] == "SUCCEEDED"
    assert json.loads(execution["Result"]) == {
        "status": "BOOKED",
        "trip_id": "trip-001",
        "flight": {"reservation_id": "FL-trip-001", "flight": "LH400"},
        "hotel": {"reservation_id": "HT-trip-001", "hotel": "hotel-berlin-mitte"},
        "payment": {"payment_id": "PAY-trip-001", "amount": 842.5},
    }
