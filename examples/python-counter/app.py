"""A long-running Python function on the python3.x managed runtime: a counter kept in memory across events, so a
checkpoint and restore that lost the process's state would show. Deploy with Handler app.handler."""
import os

count = 0


def handler(event, context):
    global count
    if event.get("fail"):
        raise ValueError("asked to fail")
    count += 1
    print("event %d: %s" % (count, event))  # what a function prints is its log
    return {"count": count, "pid": os.getpid(), "echo": event, "requestId": context.aws_request_id,
            "remainingMs": context.get_remaining_time_in_millis()}
