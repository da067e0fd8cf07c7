"""Servers for NetworkIT, run in a namespace the test made: outside every node.

HTTP on port 8080 answers GET with "hello from outside"; a line server on port 7000 numbers its connections and
answers each line with "<connection number>:<line>", so the test can tell a connection kept from a new one.
"""
import http.server
import itertools
import socketserver
import sys
import threading

HOST = sys.argv[1]
connections = itertools.count(1)


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello from outside"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Lines(socketserver.StreamRequestHandler):
    def handle(self):
        n = next(connections)
        for line in self.rfile:
            self.wfile.write(b"%d:%s\n" % (n, line.strip()))


socketserver.ThreadingTCPServer.allow_reuse_address = True
socketserver.ThreadingTCPServer.daemon_threads = True
http.server.ThreadingHTTPServer.daemon_threads = True
lines = socketserver.ThreadingTCPServer((HOST, 7000), Lines)
threading.Thread(target=lines.serve_forever, daemon=True).start()
print("ready", flush=True)
http.server.ThreadingHTTPServer((HOST, 8080), Hello).serve_forever()
