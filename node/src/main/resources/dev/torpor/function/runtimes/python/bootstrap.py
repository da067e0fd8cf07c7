"""Torpor's Python runtime: Lambda's handler contract on the Runtime API, standard library only.

Runs the handler named by _HANDLER ("app.handler", "pkg/mod.fn") from LAMBDA_TASK_ROOT with the device's own
python3. Errors take Lambda's shape ({errorMessage, errorType, requestId, stackTrace}); an error while loading the
handler goes to /init/error, as Lambda's runtime does, and the process exits. What the function prints is its log.
"""
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_HOST = os.environ["AWS_LAMBDA_RUNTIME_API"]
BASE = "/2018-06-01/runtime"


def call(method, path, body=None, headers=None):
    # One connection per call: the pending GET of /next is the connection a checkpoint freezes, nothing else is.
    conn = http.client.HTTPConnection(API_HOST)
    try:
        conn.request(method, BASE + path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()  # headers: looked up case-insensitively
    finally:
        conn.close()


def error_body(exc, error_type=None, request_id="", own_frames=0):
    """Lambda's error payload; the stack starts at the function's own code, below this loop's {own_frames} frames."""
    tb = exc.__traceback__
    for _ in range(own_frames):
        tb = tb.tb_next if tb else None
    stack = traceback.format_list(traceback.extract_tb(tb)) if tb else []
    return {"errorMessage": str(exc), "errorType": error_type or type(exc).__name__, "requestId": request_id,
            "stackTrace": stack}


def post_error(path, body):
    data = json.dumps(body).encode()
    call("POST", path, data, {"Lambda-Runtime-Function-Error-Type": body["errorType"],
                              "Content-Type": "application/json"})
    print("[ERROR] %s: %s" % (body["errorType"], body["errorMessage"]), file=sys.stderr, flush=True)


class FaultError(Exception):
    """An error of the function's set-up, reported under Lambda's own error type."""

    def __init__(self, error_type, message):
        super().__init__(message)
        self.error_type = error_type


def load_handler(spec):
    try:
        module_path, function_name = spec.rsplit(".", 1)
    except ValueError:
        raise FaultError("Runtime.MalformedHandlerName", "Bad handler '%s': not enough values to unpack "
                                                           "(expected 2, got 1)" % spec) from None
    module_name = module_path.replace("/", ".")
    if module_name.startswith("."):
        raise FaultError("Runtime.BadHandler", "Cannot use relative import for handler '%s'" % spec)
    try:
        module = importlib.import_module(module_name)
    except ImportError as e:
        raise FaultError("Runtime.ImportModuleError", "Unable to import module '%s': %s" % (module_path, e)) from e
    except SyntaxError as e:
        raise FaultError("Runtime.UserCodeSyntaxError", "Syntax error in module '%s': %s" % (module_path, e)) from e
    handler = getattr(module, function_name, None)
    if handler is None:
        raise FaultError("Runtime.HandlerNotFound", "Handler '%s' missing on module '%s'" % (function_name, module_path))
    return handler


class Identity:
    cognito_identity_id = None
    cognito_identity_pool_id = None


class Context:
    """The context object Lambda hands a Python handler."""

    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
    function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
    memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
    log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
    log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")

    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)
        self.identity = Identity()
        client_context = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = json.loads(client_context) if client_context else None
        os.environ["_X_AMZN_TRACE_ID"] = headers.get("Lambda-Runtime-Trace-Id", "")

    def get_remaining_time_in_millis(self):
        return max(self._deadline_ms - int(time.time() * 1000), 0)


class RequestIdFilter(logging.Filter):
    """Puts the request in flight on each log record, as Lambda's log format shows it."""

    request_id = ""

    def filter(self, record):
        record.aws_request_id = RequestIdFilter.request_id
        return True


def set_up_logging():
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n",
                                           "%Y-%m-%dT%H:%M:%S"))
    logging.Formatter.converter = time.gmtime
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.INFO)


def serve(handler):
    while True:
        status, headers, body = call("GET", "/invocation/next")
        if status != 200:
            sys.exit("the Runtime API answered %d to /invocation/next: %s" % (status, body[:200]))
        request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        RequestIdFilter.request_id = request_id
        try:
            event = json.loads(body) if body else {}
            result = handler(event, Context(headers))
        except Exception as e:
            post_error("/invocation/%s/error" % request_id, error_body(e, request_id=request_id, own_frames=1))
            continue
        try:
            answer = json.dumps(result).encode()
        except (TypeError, ValueError) as e:
            post_error("/invocation/%s/error" % request_id, {"errorMessage": "Unable to marshal response: %s" % e,
                                                             "errorType": "Runtime.MarshalError", "requestId": request_id,
                                                             "stackTrace": []})
            continue
        call("POST", "/invocation/%s/response" % request_id, answer, {"Content-Type": "application/json"})


def main():
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    sys.path.insert(0, os.environ.get("LAMBDA_TASK_ROOT", "/var/task"))
    set_up_logging()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except FaultError as e:
        post_error("/init/error", {"errorMessage": str(e), "errorType": e.error_type, "requestId": "", "stackTrace": []})
        sys.exit(1)
    except Exception as e:  # the module's own code failed while it was imported
        post_error("/init/error", error_body(e))
        sys.exit(1)
    serve(handler)


if __name__ == "__main__":
    main()
