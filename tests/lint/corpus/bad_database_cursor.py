from aws_durable_execution_sdk_python import DurableContext, durable_execution
import sqlite3


@durable_execution
def handler(event, context: DurableContext):
    conn = sqlite3.connect("/tmp/db.sqlite")
    rows = conn.execute("select 1").fetchall()  # expect: DUR002
    return context.step(lambda _: rows, name="rows")
