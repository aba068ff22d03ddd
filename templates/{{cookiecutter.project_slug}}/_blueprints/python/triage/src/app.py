"""triage: AI support-ticket triage with a human in the loop.

1. ``validate-ticket`` (step, not retried),
2. ``analyze-ticket`` (step): Bedrock or the local keyword rules, transient errors retried,
3. ``agent-review`` (wait for callback, 8 h): an agent approves, edits or rejects the suggested
   reply (``{"approved": bool, "editedResponse"?: str, "agentNotes"?: str}``); no answer in time
   escalates the ticket,
4. ``specialist-review`` (wait for callback, 3 days) when the ticket needs escalation,
5. ``close-out`` (parallel): ``send-reply`` and ``send-survey`` branches,
6. result ``{status: resolved | escalated | rejected, ticketId, category, priority, finalResponse}``.

Reviewers learn the callback id from the ``NOTIFY_TOPIC_ARN`` topic (the submitter publishes it).
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from aws_durable_execution_sdk_python import (
    CallbackTimeoutError,
    DurableContext,
    ParallelBranch,
    StepContext,
    durable_execution,
)
from aws_durable_execution_sdk_python.config import Duration, StepConfig, WaitForCallbackConfig
from aws_durable_execution_sdk_python.retries import RetryPresets, RetryStrategyConfig, create_retry_strategy
from aws_durable_execution_sdk_python.serdes import JsonSerDes
from aws_durable_execution_sdk_python.types import WaitForCallbackContext

import analyzer

TIERS = ("free", "pro", "enterprise")
NO_RETRY = StepConfig(retry_strategy=RetryPresets.none())
ANALYZE_RETRY = StepConfig(
    retry_strategy=create_retry_strategy(
        RetryStrategyConfig(
            max_attempts=3,
            initial_delay=Duration.from_seconds(2),
            max_delay=Duration.from_seconds(30),
            retryable_error_types=[analyzer.TransientAnalyzerError],
        )
    )
)
#: Review answers are JSON objects; without a serdes they would arrive as raw strings.
AGENT_REVIEW = WaitForCallbackConfig(timeout=Duration.from_hours(8), serdes=JsonSerDes())
SPECIALIST_REVIEW = WaitForCallbackConfig(timeout=Duration.from_days(3), serdes=JsonSerDes())


class InvalidTicketError(ValueError):
    """The ticket cannot be triaged; retrying would not help."""


def validate_ticket(step_context: StepContext, event: dict[str, Any]) -> dict[str, Any]:
    fields = ("ticketId", "subject", "body", "contactEmail")
    missing = [f for f in fields if not isinstance(event.get(f), str) or not event[f].strip()]
    if missing:
        raise InvalidTicketError(f"missing or empty fields: {', '.join(missing)}")
    tier = event.get("customerTier", "free")
    if tier not in TIERS:
        raise InvalidTicketError(f"customerTier must be one of {', '.join(TIERS)}, got {tier!r}")
    return {**{f: event[f].strip() for f in fields}, "customerTier": tier}


def notify_reviewers(
    callback_id: str,
    context: WaitForCallbackContext,
    queue: str,
    ticket: dict[str, Any],
    analysis: dict[str, Any],
) -> None:
    """Submitter: publish which ticket waits and the callback id that answers it."""
    message = {"queue": queue, "callback_id": callback_id, "ticket": ticket, "analysis": analysis}
    topic_arn = os.environ.get("NOTIFY_TOPIC_ARN")
    if topic_arn:
        boto3.client("sns").publish(
            TopicArn=topic_arn,
            Subject=f"[{queue}] ticket {ticket['ticketId']}"[:100],
            Message=json.dumps(message, indent=2),
        )
    context.logger.info(f"{queue} review requested for ticket {ticket['ticketId']}")


def review(
    context: DurableContext,
    name: str,
    config: WaitForCallbackConfig,
    ticket: dict[str, Any],
    analysis: dict[str, Any],
) -> dict[str, Any]:
    answer = context.wait_for_callback(
        lambda callback_id, ctx: notify_reviewers(callback_id, ctx, name, ticket, analysis),
        name=name,
        config=config,
    )
    if not isinstance(answer, dict) or not isinstance(answer.get("approved"), bool):
        return {"approved": False, "editedResponse": None, "agentNotes": f"malformed {name} answer"}
    return answer


def send_reply(ticket: dict[str, Any], response: str) -> dict[str, str]:
    # Replace with your mail or ticketing system.
    return {"channel": "email", "to": ticket["contactEmail"], "ticketId": ticket["ticketId"]}


def send_survey(ticket: dict[str, Any]) -> dict[str, str]:
    return {"channel": "email", "to": ticket["contactEmail"], "survey": "csat-v1"}


def result(
    status: str, ticket: dict[str, Any], analysis: dict[str, Any], response: str | None
) -> dict[str, Any]:
    return {
        "status": status,
        "ticketId": ticket["ticketId"],
        "category": analysis["category"],
        "priority": analysis["priority"],
        "finalResponse": response,
    }


@durable_execution
def handler(event: dict[str, Any], context: DurableContext) -> dict[str, Any]:
    ticket = context.step(lambda ctx: validate_ticket(ctx, event), name="validate-ticket", config=NO_RETRY)
    analysis = context.step(lambda _: analyzer.analyze(ticket), name="analyze-ticket", config=ANALYZE_RETRY)
    escalate = analysis["needsEscalation"]

    try:
        agent = review(context, "agent-review", AGENT_REVIEW, ticket, analysis)
    except CallbackTimeoutError:
        context.logger.warning(f"agent-review timed out: escalating ticket {ticket['ticketId']}")
        agent, escalate = {"approved": True}, True
    if not agent["approved"]:
        return result("rejected", ticket, analysis, None)
    response = agent.get("editedResponse") or analysis["suggestedResponse"]

    if escalate:
        try:
            specialist = review(context, "specialist-review", SPECIALIST_REVIEW, ticket, analysis)
        except CallbackTimeoutError:
            context.logger.warning(
                f"specialist-review timed out: ticket {ticket['ticketId']} stays escalated"
            )
            return result("escalated", ticket, analysis, None)
        if not specialist["approved"]:
            return result("rejected", ticket, analysis, None)
        response = specialist.get("editedResponse") or response

    close_out = context.parallel(
        [
            ParallelBranch(
                func=lambda ctx: ctx.step(lambda _: send_reply(ticket, response), name="send-reply"),
                name="send-reply",
            ),
            ParallelBranch(
                func=lambda ctx: ctx.step(lambda _: send_survey(ticket), name="send-survey"),
                name="send-survey",
            ),
        ],
        name="close-out",
    )
    close_out.throw_if_error()
    return result("escalated" if escalate else "resolved", ticket, analysis, response)
