"""fan-out: process a batch of items concurrently with ``map``, then finish with ``parallel`` branches.

1. ``validate-batch`` (step),
2. ``process-items`` (``map``): every item runs in its own child context (``item-<id>``), at most
   ``MAX_CONCURRENCY`` at a time; its ``process-item`` step retries transient errors. The
   completion policy tolerates up to ``TOLERATED_FAILURE_PERCENTAGE`` percent of failed items: above
   that, the batch stops early and the execution fails,
3. ``finalize`` (``parallel``): ``publish-summary`` and ``archive-results`` run as two branches,
   each a child context with its own steps.
"""

from __future__ import annotations

from typing import Any

from aws_durable_execution_sdk_python import DurableContext, ParallelBranch, StepContext, durable_execution
from aws_durable_execution_sdk_python.concurrency.models import CompletionReason
from aws_durable_execution_sdk_python.config import CompletionConfig, Duration, MapConfig, StepConfig
from aws_durable_execution_sdk_python.retries import RetryPresets, RetryStrategyConfig, create_retry_strategy

MAX_ITEMS = 500  # each item costs a few operations; an execution may record at most 3,000
MAX_CONCURRENCY = 5
TOLERATED_FAILURE_PERCENTAGE = 20
NO_RETRY = StepConfig(retry_strategy=RetryPresets.none())
ITEM_RETRY = StepConfig(
    retry_strategy=create_retry_strategy(
        RetryStrategyConfig(
            max_attempts=3,
            initial_delay=Duration.from_seconds(1),
            max_delay=Duration.from_seconds(20),
            retryable_error_types=[TimeoutError, ConnectionError],
        )
    )
)


class InvalidBatchError(ValueError):
    """The batch cannot be processed; retrying would not help."""


class BatchFailedError(RuntimeError):
    """More items failed than the completion policy tolerates."""


def validate_batch(step_context: StepContext, event: dict[str, Any]) -> dict[str, Any]:
    batch_id, items = event.get("batch_id"), event.get("items")
    if not isinstance(batch_id, str) or not batch_id:
        raise InvalidBatchError("batch_id must be a non-empty string")
    if not isinstance(items, list) or not 1 <= len(items) <= MAX_ITEMS:
        raise InvalidBatchError(f"items must be a list of 1-{MAX_ITEMS} items")
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            raise InvalidBatchError('every item must be an object with a string "id"')
    return {"batch_id": batch_id, "items": items}


def process_item(item: dict[str, Any]) -> dict[str, Any]:
    """The work for one item. Replace with yours (it must be idempotent: steps can be retried)."""
    value = item.get("value")
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"item {item['id']}: value must be a number")
    return {"id": item["id"], "result": value * 2}


def process_in_child_context(
    context: DurableContext, item: dict[str, Any], index: int, items: list[dict[str, Any]]
) -> dict[str, Any]:
    return context.step(lambda _: process_item(item), name="process-item", config=ITEM_RETRY)


def publish_summary(context: DurableContext, summary: dict[str, Any]) -> dict[str, Any]:
    # Replace with a notification (SNS, EventBridge, e-mail); runs once, inside a step.
    return context.step(lambda _: {"published": summary["batch_id"]}, name="send-summary")


def archive_results(context: DurableContext, summary: dict[str, Any]) -> dict[str, Any]:
    # Replace with a write to S3 or a database.
    return context.step(
        lambda _: {"archived": summary["batch_id"], "count": len(summary["results"])}, name="write-archive"
    )


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    batch = context.step(lambda ctx: validate_batch(ctx, event), name="validate-batch", config=NO_RETRY)

    processed = context.map(
        batch["items"],
        process_in_child_context,
        name="process-items",
        config=MapConfig(
            max_concurrency=MAX_CONCURRENCY,
            completion_config=CompletionConfig(tolerated_failure_percentage=TOLERATED_FAILURE_PERCENTAGE),
            item_namer=lambda item, index: f"item-{item['id']}",
        ),
    )
    failed_ids = [batch["items"][item.index]["id"] for item in processed.failed()]
    if processed.completion_reason is CompletionReason.FAILURE_TOLERANCE_EXCEEDED:
        raise BatchFailedError(
            f"{len(failed_ids)} of {len(batch['items'])} items failed "
            f"(tolerated: {TOLERATED_FAILURE_PERCENTAGE}%): {', '.join(failed_ids)}"
        )
    results = processed.get_results()
    context.logger.info(f"processed {len(results)} items, {len(failed_ids)} failed")

    summary = {"batch_id": batch["batch_id"], "results": results, "failed": failed_ids}
    finalized = context.parallel(
        [
            ParallelBranch(func=lambda ctx: publish_summary(ctx, summary), name="publish-summary"),
            ParallelBranch(func=lambda ctx: archive_results(ctx, summary), name="archive-results"),
        ],
        name="finalize",
    )
    finalized.throw_if_error()

    return {
        "batch_id": batch["batch_id"],
        "processed": len(results),
        "failed": failed_ids,
        "total": sum(r["result"] for r in results),
    }
