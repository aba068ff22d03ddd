import time


def handler(event, context):
    print("plain lambda", time.time())
    return {"ok": True}
