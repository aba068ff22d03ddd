from aws_durable_execution_sdk_python import DurableContext, durable_execution


@durable_execution
def handler(event, context: DurableContext):
    def summarise(_):
        totals = {}
        seen = []
        for line in event["lines"]:
            totals[line["sku"]] = totals.get(line["sku"], 0) + line["qty"]
            seen.append(line["sku"])
        return {"totals": totals, "seen": seen}

    return context.step(summarise, name="summarise")
