"""Answers the environment variables the event names, as the function's process sees them."""
import os


def handler(event, context):
    return {name: os.environ.get(name) for name in event["names"]}
