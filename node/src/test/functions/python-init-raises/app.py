"""A module whose own code fails while it is imported: Lambda reports the exception as the init error."""
raise RuntimeError("no configuration")


def handler(event, context):
    return {}
