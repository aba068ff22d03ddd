"""Lambda code asset of the review endpoint (handler ``review.handler``)."""
