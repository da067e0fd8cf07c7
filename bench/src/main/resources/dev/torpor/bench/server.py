#!/usr/bin/env python3
"""The benchmark's function for raw runc, Docker and Podman: the same work as the Lambda bootstrap next to it
(hold BALLAST_MB of touched memory and a counter, answer one event at a time), served as a tiny HTTP server on
127.0.0.1:PORT. Each request is one event; the answer carries the counter, so a restore that lost state shows.
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

port = int(sys.argv[1])
ballast = bytearray(int(os.environ.get("BALLAST_MB", "0")) * 1024 * 1024)
for i in range(0, len(ballast), 4096):
    ballast[i] = 1  # touch every page so it is really resident

count = 0


class Event(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        event = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        count += 1
        body = json.dumps({"count": count, "pid": os.getpid(), "ballastMB": len(ballast) >> 20, "echo": event}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # quiet: nothing is written to the container's output while it waits


# HTTP/1.0 (the default): the connection closes after each answer, so an idle server holds only its listening
# socket when it is checkpointed.
HTTPServer(("127.0.0.1", port), Event).serve_forever()
