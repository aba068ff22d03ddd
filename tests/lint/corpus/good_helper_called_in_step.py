from aws_durable_execution_sdk_python import DurableContext, durable_execution
import time


def stamp(payload):
    print("stamping")
    return {"payload": payload, "at": time.time()}


@durable_execution
def handler(event, context: DurableContext):
    return context.step(lambda _: stamp(event), name="stamp")
