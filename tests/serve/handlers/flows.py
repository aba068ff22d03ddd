"""Workflows the serve tests drive: a step, a wait, a callback, a chained invoke, a plain function."""

import time

from aws_durable_execution_sdk_python import DurableContext, durable_execution
from aws_durable_execution_sdk_python.config import Duration


@durable_execution
def approval(event: dict, context: DurableContext) -> dict:
    total = context.step(lambda _: sum(event.get("items", [])), name="total")
    context.wait(Duration.from_seconds(event.get("wait", 60)), name="cool-off")
    verdict = context.wait_for_callback(lambda callback_id, _: None, name="review")
    return {"total": total, "verdict": verdict}


def _mark(path: str | None, name: str) -> None:
    if path:
        with open(path, "a") as f:
            f.write(name + "\n")


@durable_execution
def waits(event: dict, context: DurableContext) -> dict:
    def count(_: object) -> int:
        _mark(event.get("marks"), "count")
        return event.get("n", 1) + 1

    count = context.step(count, name="count")
    context.wait(Duration.from_seconds(event.get("wait", 2)), name="pause")
    return {"count": count}


@durable_execution
def chain(event: dict, context: DurableContext) -> dict:
    taxed = context.invoke("tax:$LATEST", {"amount": event.get("amount", 10)}, name="tax")
    return {"taxed": taxed}


def tax(event: dict, context: object) -> dict:
    return {"amount": event["amount"], "tax": round(event["amount"] * 0.2, 2)}


@durable_execution
def spin(event: dict, context: DurableContext) -> dict:
    while True:
        time.sleep(0.05)


@durable_execution
def load(event: dict, context: DurableContext) -> dict:
    """The load workflow (tests and bench/serve_load.py): a step, a callback, a step."""
    doubled = context.step(lambda _: event["n"] * 2, name="double")
    answer = context.wait_for_callback(lambda callback_id, _: None, name="approve")
    return context.step(lambda _: {"n": event["n"], "doubled": doubled, "answer": answer}, name="finish")


@durable_execution
def nested(event: dict, context: DurableContext) -> dict:
    """The execution ARN the handler sees, then a chained invoke of a durable function (``waits``)."""
    own = context.step(lambda _: context.execution_context.durable_execution_arn, name="own-arn")
    child = context.invoke("waits:$LATEST", {"n": 1, "wait": 1}, name="child")
    return {"own": own, "child": child}


@durable_execution
def big(event: dict, context: DurableContext) -> dict:
    """A step whose result is ``event["size"]`` characters (checkpoint payload limits)."""
    text = context.step(lambda _: "x" * event["size"], name="big")
    return {"size": len(text)}


def pid(event: dict, context: object) -> int:
    """A plain function: its worker's process id, after ``event["sleep"]`` seconds."""
    import os

    time.sleep(event.get("sleep", 0))
    return os.getpid()
