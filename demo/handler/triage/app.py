"""The support-ticket triage workflow as a Lambda durable function (handler ``triage.app.handler``).

1. validate the ticket (before any step: a malformed ticket fails fast),
2. step ``analyze-ticket``: Bedrock (or the local keyword rules) with 3 attempts, exponential
   backoff and jitter,
3. ``agent-review`` (wait for callback, 8 h): the reviewer is notified with the callback id; an
   agent answers ``{"approved": bool, "editedResponse"?: str, "agentNotes"?: str}``. If nobody
   answers in time the ticket is re-queued once (``agent-review-requeue``) and then escalated,
4. ``specialist-review`` (3 days) when the ticket needs escalation,
5. ``close-out``: parallel branches ``send-reply`` and ``send-survey``, each a named step,
6. result ``{status: resolved | escalated | rejected, ticketId, category, priority, finalResponse}``.

Replay rules: everything non-deterministic (model, SNS) runs inside steps or submitters; the
code between operations only reads checkpointed values; logging goes through ``context.logger``.
"""

from __future__ import annotations

import json
import os
from typing import Any, Final, TypedDict

from aws_durable_execution_sdk_python import (
    BatchResult,
    CallbackTimeoutError,
    DurableContext,
    ParallelBranch,
    StepContext,
    durable_execution,
)
from aws_durable_execution_sdk_python.config import (
    Duration,
    JitterStrategy,
    StepConfig,
    WaitForCallbackConfig,
)
from aws_durable_execution_sdk_python.retries import RetryStrategyConfig, create_retry_strategy
from aws_durable_execution_sdk_python.types import WaitForCallbackContext

from .analyzer import Analysis, TransientAnalyzerError, analyze
from .ticket import Ticket, validate_ticket

# Operation names are a contract with executions in flight (checkpoints match by position and
# name): keep them literal and stable.
ANALYZE_STEP: Final = "analyze-ticket"
AGENT_REVIEW: Final = "agent-review"
AGENT_REVIEW_REQUEUE: Final = "agent-review-requeue"
SPECIALIST_REVIEW: Final = "specialist-review"
CLOSE_OUT: Final = "close-out"
SEND_REPLY: Final = "send-reply"
SEND_SURVEY: Final = "send-survey"

AGENT_REVIEW_TIMEOUT: Final = Duration.from_hours(8)
SPECIALIST_REVIEW_TIMEOUT: Final = Duration.from_days(3)
#: Environment: where reviewers are notified (unset locally: the notification is only logged).
REVIEW_TOPIC_ENV: Final = "REVIEW_TOPIC_ARN"
REVIEW_ENDPOINT_ENV: Final = "REVIEW_ENDPOINT_URL"

ANALYZE_RETRY: Final = create_retry_strategy(
    RetryStrategyConfig(
        max_attempts=3,
        initial_delay=Duration.from_seconds(2),
        max_delay=Duration.from_seconds(30),
        backoff_rate=2.0,
        jitter_strategy=JitterStrategy.FULL,
        retryable_error_types=[TransientAnalyzerError],
    )
)


class ReviewAnswerError(ValueError):
    """A reviewer's callback answer is not ``{"approved": bool, ...}``."""


class Review(TypedDict):
    approved: bool
    editedResponse: str | None
    notes: str | None


class TriageResult(TypedDict):
    status: str
    ticketId: str
    category: str
    priority: str
    finalResponse: str | None


def parse_review(raw: Any, *, name: str) -> Review:
    """Validate a reviewer's answer (a JSON string or an already-decoded object)."""
    data = raw
    if isinstance(raw, bytes | bytearray):
        data = raw.decode("utf-8")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as e:
            raise ReviewAnswerError(f"{name} answer is not JSON: {data[:80]!r}") from e
    if not isinstance(data, dict):
        raise ReviewAnswerError(
            f'{name} answer must be an object like {{"approved": true}}, got {type(data).__name__}'
        )
    approved = data.get("approved")
    if not isinstance(approved, bool):
        raise ReviewAnswerError(f"{name} answer field approved must be true or false, got {approved!r}")
    edited = data.get("editedResponse")
    if edited is not None and (not isinstance(edited, str) or not edited.strip()):
        raise ReviewAnswerError(
            f"{name} answer field editedResponse must be a non-empty string, got {edited!r}"
        )
    notes = data.get("agentNotes", data.get("notes"))
    if notes is not None and not isinstance(notes, str):
        raise ReviewAnswerError(f"{name} answer field agentNotes must be a string, got {notes!r}")
    return Review(approved=approved, editedResponse=edited.strip() if edited else None, notes=notes)


# --- side effects (run only inside steps and submitters) -------------------------------------------


def _publish(topic_arn: str, subject: str, message: dict[str, Any]) -> None:
    import boto3  # lazy: local runs never reach this

    boto3.client("sns").publish(TopicArn=topic_arn, Subject=subject[:100], Message=json.dumps(message))


def notify_reviewer(
    callback_id: str, ctx: WaitForCallbackContext, *, queue: str, ticket: Ticket, analysis: Analysis
) -> None:
    """Submitter: tell the reviewers' queue which ticket waits and which callback id answers it."""
    message = {
        "queue": queue,
        "callbackId": callback_id,
        "ticketId": ticket["ticketId"],
        "customerTier": ticket["customerTier"],
        "subject": ticket["subject"],
        "analysis": analysis,
        "answerAt": os.environ.get(REVIEW_ENDPOINT_ENV, "(local run: answer through cdk-durable run)"),
        "answerFormat": {"approved": True, "editedResponse": "optional", "agentNotes": "optional"},
    }
    topic = os.environ.get(REVIEW_TOPIC_ENV)
    if topic:
        _publish(topic, f"[{queue}] ticket {ticket['ticketId']}: {ticket['subject']}", message)
        ctx.logger.info(f"{queue}: notified reviewers of ticket {ticket['ticketId']}")
    else:
        ctx.logger.info(
            f"{queue} review requested for ticket {ticket['ticketId']} "
            f"({analysis['category']}/{analysis['priority']}); no {REVIEW_TOPIC_ENV} set, so not published"
        )


def send_reply(ctx: StepContext, ticket: Ticket, response: str) -> dict[str, str]:
    """Deliver the final response (the demo records it; plug your mail or ticketing system in here)."""
    ctx.logger.info(f"reply to {ticket['contactEmail']} for ticket {ticket['ticketId']}: {response}")
    return {"channel": "email", "to": ticket["contactEmail"], "ticketId": ticket["ticketId"]}


def send_survey(ctx: StepContext, ticket: Ticket) -> dict[str, str]:
    ctx.logger.info(f"satisfaction survey sent to {ticket['contactEmail']} for ticket {ticket['ticketId']}")
    return {"channel": "email", "to": ticket["contactEmail"], "survey": "csat-v1"}


# --- the workflow ---------------------------------------------------------------------------------


def _review(
    context: DurableContext,
    name: str,
    *,
    queue: str,
    timeout: Duration,
    ticket: Ticket,
    analysis: Analysis,
) -> Review:
    def submitter(callback_id: str, ctx: WaitForCallbackContext) -> None:
        notify_reviewer(callback_id, ctx, queue=queue, ticket=ticket, analysis=analysis)

    raw = context.wait_for_callback(submitter, name=name, config=WaitForCallbackConfig(timeout=timeout))
    return parse_review(raw, name=name)


def _close_out(context: DurableContext, ticket: Ticket, final_response: str) -> None:
    def reply_branch(ctx: DurableContext) -> dict[str, str]:
        return ctx.step(lambda step_ctx: send_reply(step_ctx, ticket, final_response), name=SEND_REPLY)

    def survey_branch(ctx: DurableContext) -> dict[str, str]:
        return ctx.step(lambda step_ctx: send_survey(step_ctx, ticket), name=SEND_SURVEY)

    outcome: BatchResult[dict[str, str]] = context.parallel(
        [
            ParallelBranch(func=reply_branch, name=SEND_REPLY),
            ParallelBranch(func=survey_branch, name=SEND_SURVEY),
        ],
        name=CLOSE_OUT,
    )
    outcome.throw_if_error()


def _result(status: str, ticket: Ticket, analysis: Analysis, final_response: str | None) -> TriageResult:
    return TriageResult(
        status=status,
        ticketId=ticket["ticketId"],
        category=analysis["category"],
        priority=analysis["priority"],
        finalResponse=final_response,
    )


@durable_execution
def handler(event: Any, context: DurableContext) -> TriageResult:
    ticket = validate_ticket(event)  # before the first step: a bad ticket never reaches the model
    log = context.logger
    log.info(f"triage of ticket {ticket['ticketId']} ({ticket['customerTier']})")

    analysis: Analysis = context.step(
        lambda _: analyze(ticket), name=ANALYZE_STEP, config=StepConfig(retry_strategy=ANALYZE_RETRY)
    )
    needs_escalation = analysis["needsEscalation"]
    log.info(f"analysis: {analysis['category']}/{analysis['priority']}, escalation={needs_escalation}")

    agent: Review | None
    try:
        agent = _review(
            context,
            AGENT_REVIEW,
            queue="agent",
            timeout=AGENT_REVIEW_TIMEOUT,
            ticket=ticket,
            analysis=analysis,
        )
    except CallbackTimeoutError:
        log.warning(f"{AGENT_REVIEW} timed out after 8 h: re-queueing ticket {ticket['ticketId']}")
        try:
            agent = _review(
                context,
                AGENT_REVIEW_REQUEUE,
                queue="agent",
                timeout=AGENT_REVIEW_TIMEOUT,
                ticket=ticket,
                analysis=analysis,
            )
        except CallbackTimeoutError:
            log.warning(f"{AGENT_REVIEW_REQUEUE} timed out too: escalating to a specialist")
            agent, needs_escalation = None, True

    if agent is not None and not agent["approved"]:
        log.info(f"agent rejected the triage of ticket {ticket['ticketId']}")
        return _result("rejected", ticket, analysis, None)
    final_response = (agent and agent["editedResponse"]) or analysis["suggestedResponse"]

    if needs_escalation:
        try:
            specialist = _review(
                context,
                SPECIALIST_REVIEW,
                queue="specialist",
                timeout=SPECIALIST_REVIEW_TIMEOUT,
                ticket=ticket,
                analysis=analysis,
            )
        except CallbackTimeoutError:
            log.warning(f"{SPECIALIST_REVIEW} timed out after 3 days: ticket stays escalated, no reply sent")
            return _result("escalated", ticket, analysis, None)
        if not specialist["approved"]:
            log.info(f"specialist rejected the response for ticket {ticket['ticketId']}")
            return _result("rejected", ticket, analysis, None)
        final_response = specialist["editedResponse"] or final_response

    _close_out(context, ticket, final_response)
    return _result("escalated" if needs_escalation else "resolved", ticket, analysis, final_response)
