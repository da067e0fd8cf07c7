#!/usr/bin/env python3
"""End-to-end tests of torpor-init: the test plays the agent on the unix socket and, where
convenient, the function's HTTP client; small scripts written to a temp dir are the function.

TORPOR_INIT names the binary (default: ../build/torpor-init next to this file)."""

import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
RELAY = os.environ.get("TORPOR_INIT", os.path.join(HERE, "..", "build", "torpor-init"))
IO_TIMEOUT = 5
TEST_TIMEOUT = 30
BODY_MAX = 6 * 1024 * 1024 + 64 * 1024
NEXT = "/2018-06-01/runtime/invocation/next"


class Frame:
    def __init__(self, start, headers, body):
        self.start, self.headers, self.body = start, headers, body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def words(self):
        return self.start.split(" ")

    def __repr__(self):
        return f"Frame({self.start!r}, {self.headers!r}, {len(self.body)} bytes)"


class Agent:
    """The node agent's end of the channel: listens on the socket, reads and writes frames."""

    def __init__(self, path):
        self.path, self.listener, self.conn, self.buf = path, None, None, b""

    def listen(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(self.path)
        s.listen(8)
        s.settimeout(IO_TIMEOUT)
        self.listener = s

    def unlisten(self):
        """What the agent does before a dump: stop listening and remove the socket file."""
        self.listener.close()
        self.listener = None
        os.unlink(self.path)

    def accept(self):
        self.conn, _ = self.listener.accept()
        self.conn.settimeout(IO_TIMEOUT)
        self.buf = b""
        hello = self.read()
        assert hello.start == "HELLO" and hello.header("Relay-Version") == "1", hello
        return hello

    def _fill(self):
        data = self.conn.recv(1 << 20)
        if not data:
            raise EOFError("channel closed")
        self.buf += data

    def read(self):
        while b"\n\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\n\n", 1)
        lines = head.decode("latin-1").split("\n")
        headers = [tuple(s.strip() for s in line.split(":", 1)) for line in lines[1:]]
        length = int(dict((k.lower(), v) for k, v in headers).get("content-length", "0"))
        while len(self.buf) < length:
            self._fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        return Frame(lines[0], headers, body)

    def send(self, start, headers=(), body=b""):
        head = start + "\n" + "".join(f"{k}: {v}\n" for k, v in headers)
        if body:
            head += f"Content-Length: {len(body)}\n"
        self.conn.sendall(head.encode() + b"\n" + body)

    def respond(self, req, status="200 OK", headers=(), body=b""):
        self.send(f"RESPONSE {req.words()[1]} {status}", headers, body)

    def expect_eof(self):
        while True:
            try:
                self._fill()
            except EOFError:
                return
            raise AssertionError(f"unexpected data after close: {self.buf!r}")

    def close(self):
        for s in (self.conn, self.listener):
            if s:
                s.close()
        self.conn = None
        if self.listener:
            self.listener = None
            os.unlink(self.path)


def read_http_response(sock, buf=b""):
    """Reads one HTTP response from a raw socket: (status, headers dict lower-cased, body, rest)."""
    while b"\r\n\r\n" not in buf:
        data = sock.recv(65536)
        if not data:
            raise EOFError(f"closed before a response: {buf!r}")
        buf += data
    head, buf = buf.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(buf) < length:
        data = sock.recv(65536)
        if not data:
            raise EOFError("closed inside a body")
        buf += data
    return status, headers, buf[:length], buf[length:]


def recv_until_closed(sock):
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid):
    """(pid, state) of the processes whose parent is pid."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[1]) == pid:
                out.append((int(entry), fields[0]))
    return out


def read_text(path):
    with open(path) as f:
        return f.read()


def wait_for(cond, what, timeout=IO_TIMEOUT):
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def on_alarm(signum, frame):
    raise TimeoutError(f"test took longer than {TEST_TIMEOUT}s")


SLEEPER = "#!/bin/sh\nexec sleep 600\n"


class RelayTest(unittest.TestCase):
    def setUp(self):
        signal.signal(signal.SIGALRM, on_alarm)
        signal.alarm(TEST_TIMEOUT)
        self.dir = tempfile.mkdtemp(prefix="torpor-init-test-")
        self.agent = Agent(os.path.join(self.dir, "agent.sock"))
        self.port = free_port()
        self.relay = None
        self.clients = []

    def tearDown(self):
        signal.alarm(0)
        for c in self.clients:
            c.close()
        if self.relay and self.relay.poll() is None:
            os.killpg(self.relay.pid, signal.SIGKILL)
        if self.relay:
            self.relay.wait()
            self.relay.stdout.close()
        # The function and its children share the relay's process group.
        if self.relay:
            try:
                os.killpg(self.relay.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.agent.close()
        shutil.rmtree(self.dir)

    def start(self, script=SLEEPER, listen=True, accept=True):
        """Starts the relay with `script` as the function; returns the agent's HELLO if accepted."""
        path = os.path.join(self.dir, "bootstrap")
        with open(path, "w") as f:
            f.write(textwrap.dedent(script))
        os.chmod(path, 0o755)
        env = dict(os.environ, AWS_LAMBDA_RUNTIME_API=f"127.0.0.1:{self.port}", TEST_DIR=self.dir)
        if listen:
            self.agent.listen()
        with open(self.file("stderr"), "wb") as err:
            self.relay = subprocess.Popen(
                [RELAY, "-s", self.agent.path, "--", path],
                env=env, stdout=subprocess.PIPE, stderr=err, start_new_session=True)
        wait_for(lambda: self.relay.poll() is not None or self.port_open(), "the relay's HTTP port")
        return self.agent.accept() if accept else None

    def port_open(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            return True
        except OSError:
            return False

    def client(self):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=IO_TIMEOUT)
        self.clients.append(c)
        return c

    def raw(self):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=IO_TIMEOUT)
        self.clients.append(s)
        return s

    def wait_exit(self):
        return self.relay.wait(timeout=IO_TIMEOUT)

    def file(self, name):
        return os.path.join(self.dir, name)

    def detach(self):
        self.agent.unlisten()
        self.agent.send("DETACH")
        self.assertEqual(self.agent.read().start, "DETACHED")
        self.agent.expect_eof()
        self.agent.conn.close()


class Channel(RelayTest):
    def test_hello_on_connect(self):
        hello = self.start()
        self.assertEqual(hello.headers, [("Relay-Version", "1")])
        self.assertEqual(hello.body, b"")

    def test_connects_when_socket_appears_later(self):
        self.start(listen=False, accept=False)
        c = self.client()
        c.request("GET", NEXT)  # queued while there is no agent yet
        time.sleep(0.2)
        self.agent.listen()
        self.agent.accept()
        req = self.agent.read()
        self.assertEqual(req.words()[2:], ["GET", NEXT])
        self.agent.respond(req, body=b"late")
        self.assertEqual(c.getresponse().read(), b"late")

    def test_get_forwarded_and_answered(self):
        self.start()
        c = self.client()
        c.request("GET", NEXT, headers={"X-Custom": "a b", "Connection": "keep-alive"})
        req = self.agent.read()
        words = req.words()
        self.assertEqual(words[0], "REQUEST")
        self.assertTrue(words[1].isdigit())
        self.assertEqual(words[2:], ["GET", NEXT])
        self.assertEqual(req.header("X-Custom"), "a b")
        for hop in ("Host", "Connection", "Content-Length", "Transfer-Encoding"):
            self.assertIsNone(req.header(hop), hop)
        body = random.randbytes(100_000)
        self.agent.respond(req, headers=[("Lambda-Runtime-Aws-Request-Id", "r-1"),
                                         ("Lambda-Runtime-Deadline-Ms", "123")], body=body)
        resp = c.getresponse()
        self.assertEqual((resp.status, resp.reason), (200, "OK"))
        self.assertEqual(resp.getheader("Lambda-Runtime-Aws-Request-Id"), "r-1")
        self.assertEqual(resp.getheader("Lambda-Runtime-Deadline-Ms"), "123")
        self.assertEqual(resp.getheader("Content-Length"), str(len(body)))
        self.assertEqual(resp.read(), body)

    def test_status_reason_and_empty_body(self):
        self.start()
        c = self.client()
        c.request("POST", "/2018-06-01/runtime/invocation/r-1/response", body=b"x")
        self.agent.respond(self.agent.read(), status="202 Accepted Now")
        resp = c.getresponse()
        self.assertEqual((resp.status, resp.reason, resp.read()), (202, "Accepted Now", b""))
        self.assertEqual(resp.getheader("Content-Length"), "0")

    def test_post_content_length_binary(self):
        self.start()
        body = random.randbytes(1 << 20)
        c = self.client()
        c.request("POST", "/2018-06-01/runtime/invocation/r-1/response", body=body)
        req = self.agent.read()
        self.assertEqual(req.words()[2], "POST")
        self.assertEqual(req.header("Content-Length"), str(len(body)))
        self.assertEqual(req.body, body)
        self.agent.respond(req, status="202 Accepted")
        self.assertEqual(c.getresponse().status, 202)

    def test_post_chunked_binary(self):
        self.start()
        body = random.randbytes(1 << 20)
        s = self.raw()
        s.sendall(b"POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n")
        pos = 0
        while pos < len(body):
            n = random.randint(1, 70_000)
            part = body[pos:pos + n]
            s.sendall(b"%x;ext=1\r\n" % len(part) + part + b"\r\n")
            pos += n
        s.sendall(b"0\r\nTrailer-Field: dropped\r\n\r\n")
        req = self.agent.read()
        self.assertIsNone(req.header("Transfer-Encoding"))
        self.assertEqual(req.header("X-A"), "1")
        self.assertEqual(req.body, body)
        self.agent.respond(req, body=b"ok")
        self.assertEqual(read_http_response(s)[:3], (200, {"content-length": "2"}, b"ok"))

    def test_request_arriving_byte_by_byte(self):
        self.start()
        s = self.raw()
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = (b"\r\nPUT /slow HTTP/1.1\r\nHost: x\r\nX-Long:   spaced value \t\r\n"
                b"transfer-encoding: Chunked\r\n\r\n3\r\nabc\r\n0A\r\n0123456789\r\n0\r\n\r\n")
        for i in range(len(data)):
            s.send(data[i:i + 1])
            time.sleep(0.001)
        req = self.agent.read()
        self.assertEqual(req.words()[2:], ["PUT", "/slow"])
        self.assertEqual(req.header("X-Long"), "spaced value")
        self.assertEqual(req.body, b"abc0123456789")
        self.agent.respond(req)
        self.assertEqual(read_http_response(s)[0], 200)

    def test_expect_100_continue(self):
        self.start()
        s = self.raw()
        s.sendall(b"POST /e HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
        status, _, _, rest = read_http_response(s)
        self.assertEqual(status, 100)
        s.sendall(b"hello")
        req = self.agent.read()
        self.assertEqual(req.body, b"hello")
        self.agent.respond(req)
        self.assertEqual(read_http_response(s, rest)[0], 200)

    def test_body_at_limit_accepted(self):
        self.start()
        body = random.randbytes(BODY_MAX)
        c = self.client()
        c.request("POST", "/big", body=body)
        req = self.agent.read()
        self.assertEqual(req.body, body)
        self.agent.respond(req, body=body)
        self.assertEqual(c.getresponse().read(), body)

    def test_keep_alive(self):
        self.start()
        c = self.client()
        ids = []
        for i in range(2):
            c.request("GET", f"/{i}")
            req = self.agent.read()
            self.assertEqual(req.words()[3], f"/{i}")
            ids.append(req.words()[1])
            self.agent.respond(req, body=b"%d" % i)
            resp = c.getresponse()
            self.assertIsNone(resp.getheader("Connection"))
            self.assertEqual(resp.read(), b"%d" % i)
            if i == 0:
                sock = c.sock
        self.assertIs(c.sock, sock, "the connection was not reused")
        self.assertNotEqual(ids[0], ids[1])

    def test_pipelined_requests_answered_in_order(self):
        self.start()
        s = self.raw()
        s.sendall(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n")
        for path in ("/a", "/b"):
            req = self.agent.read()
            self.assertEqual(req.words()[3], path)
            self.agent.respond(req, body=path.encode())
        _, _, body_a, rest = read_http_response(s)
        _, _, body_b, _ = read_http_response(s, rest)
        self.assertEqual((body_a, body_b), (b"/a", b"/b"))

    def test_connection_close(self):
        self.start()
        s = self.raw()
        s.sendall(b"GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.agent.respond(self.agent.read(), body=b"bye")
        status, headers, body, rest = read_http_response(s)
        self.assertEqual((status, headers["connection"], body), (200, "close", b"bye"))
        self.assertEqual(rest + recv_until_closed(s), b"")

    def test_http10_closes(self):
        self.start()
        s = self.raw()
        s.sendall(b"GET /old HTTP/1.0\r\n\r\n")
        self.agent.respond(self.agent.read(), body=b"old")
        status, _, body, rest = read_http_response(s)
        self.assertEqual((status, body), (200, b"old"))
        self.assertEqual(rest + recv_until_closed(s), b"")

    def test_client_gone_request_forgotten(self):
        self.start()
        s = self.raw()
        s.sendall(b"GET /gone HTTP/1.1\r\nHost: x\r\n\r\n")
        gone = self.agent.read()
        s.close()
        time.sleep(0.1)
        self.agent.respond(gone, body=b"dropped")  # nobody to deliver to
        c = self.client()
        c.request("GET", "/alive")
        req = self.agent.read()
        self.assertEqual(req.words()[3], "/alive")
        # After a reconnect only the live request is replayed.
        self.agent.conn.close()
        self.agent.accept()
        replayed = self.agent.read()
        self.assertEqual(replayed.start, req.start)
        self.agent.respond(replayed, body=b"yes")
        self.assertEqual(c.getresponse().read(), b"yes")

    def test_unknown_frames_and_ids_ignored(self):
        self.start()
        self.agent.send("SOMETHING-NEW 1", [("X", "y")], b"body\n\nbody")
        self.agent.send("RESPONSE 999 200 OK", body=b"nobody asked")
        c = self.client()
        c.request("GET", "/x")
        req = self.agent.read()
        self.agent.respond(req, body=b"fine")
        self.assertEqual(c.getresponse().read(), b"fine")


class Reattach(RelayTest):
    def test_detach_reconnect_replays_pending(self):
        self.start("""\
            #!/usr/bin/env python3
            import os, sys, urllib.request
            url = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "%s"
            with urllib.request.urlopen(url, timeout=20) as r:
                body = r.read()
                rid = r.headers["Lambda-Runtime-Aws-Request-Id"]
            with open(os.path.join(os.environ["TEST_DIR"], "got"), "wb") as f:
                f.write(rid.encode() + b" " + body)
            sys.exit(3)
            """ % NEXT)
        pending = self.agent.read()
        self.assertEqual(pending.words()[2:], ["GET", NEXT])
        self.detach()
        time.sleep(0.2)  # the relay keeps trying meanwhile
        self.assertIsNone(self.relay.poll())
        self.agent.listen()
        self.agent.accept()
        replayed = self.agent.read()
        self.assertEqual(replayed.start, pending.start)
        payload = random.randbytes(3000)
        self.agent.respond(replayed, headers=[("Lambda-Runtime-Aws-Request-Id", "r-9")], body=payload)
        self.assertEqual(self.agent.read().start, "EXIT 3")
        self.assertEqual(self.wait_exit(), 3)
        with open(self.file("got"), "rb") as f:
            self.assertEqual(f.read(), b"r-9 " + payload)

    def test_requests_while_detached_sent_after_reconnect(self):
        self.start()
        first = self.client()
        first.request("GET", NEXT)
        pending = self.agent.read()
        self.detach()
        later = self.client()
        body = random.randbytes(200_000)
        later.request("POST", "/2018-06-01/runtime/invocation/r-1/response", body=body)
        time.sleep(0.2)
        self.agent.listen()
        self.agent.accept()
        replayed, queued = self.agent.read(), self.agent.read()
        self.assertEqual(replayed.start, pending.start)
        self.assertEqual(queued.words()[2], "POST")
        self.assertEqual(queued.body, body)
        self.agent.respond(queued, status="202 Accepted")
        self.agent.respond(replayed, body=b"event")
        self.assertEqual(later.getresponse().status, 202)
        self.assertEqual(first.getresponse().read(), b"event")

    def test_detach_while_request_frame_in_transit(self):
        self.start()
        body = random.randbytes(BODY_MAX)
        c = self.client()
        c.request("POST", "/big", body=body)
        self.agent.unlisten()
        self.agent._fill()  # the frame has started; the rest waits in the relay
        self.agent.send("DETACH")
        first = self.agent.read()
        self.assertEqual(first.body, body, "the frame in transit is completed before DETACHED")
        self.assertEqual(self.agent.read().start, "DETACHED")
        self.agent.expect_eof()
        self.agent.listen()
        self.agent.accept()
        again = self.agent.read()
        self.assertEqual((again.start, again.body == body), (first.start, True))
        self.agent.respond(again, body=b"done")
        self.assertEqual(c.getresponse().read(), b"done")

    def test_no_socket_left_open_between_attempts(self):
        self.start()
        self.detach()
        time.sleep(0.2)  # ~40 failed attempts
        fds = os.listdir(f"/proc/{self.relay.pid}/fd")
        sockets = [fd for fd in fds
                   if os.readlink(f"/proc/{self.relay.pid}/fd/{fd}").startswith("socket:")]
        self.assertLessEqual(len(sockets), 2, "only the HTTP listener (and at most one attempt)")

    def test_abrupt_break_reconnects_and_replays(self):
        self.start()
        answered_client, pending_client = self.client(), self.client()
        answered_client.request("GET", "/answered")
        answered = self.agent.read()
        self.agent.respond(answered, body=b"1")
        self.assertEqual(answered_client.getresponse().read(), b"1")
        pending_client.request("GET", NEXT)
        pending = self.agent.read()
        # The agent restarts: no DETACH, connection and listener just vanish.
        self.agent.close()
        self.agent.listen()
        self.agent.accept()
        replayed = self.agent.read()
        self.assertEqual(replayed.start, pending.start)
        self.agent.respond(replayed, body=b"2")
        self.assertEqual(pending_client.getresponse().read(), b"2")

    def test_break_inside_response_body_replays(self):
        self.start()
        c = self.client()
        c.request("GET", NEXT)
        pending = self.agent.read()
        self.agent.conn.sendall(b"RESPONSE %s 200 OK\nContent-Length: 10\n\nhalf" % pending.words()[1].encode())
        time.sleep(0.1)
        self.agent.conn.close()
        self.agent.accept()
        replayed = self.agent.read()
        self.assertEqual(replayed.start, pending.start)
        self.agent.respond(replayed, body=b"whole")
        self.assertEqual(c.getresponse().read(), b"whole")


class LocalErrors(RelayTest):
    def assert_refused(self, data, status):
        s = self.raw()
        s.sendall(data)
        self.assertEqual(read_http_response(s)[0], status, data[:80])
        recv_until_closed(s)

    def test_oversized_bodies_get_413(self):
        self.start()
        self.assert_refused(b"POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % (BODY_MAX + 1), 413)
        self.assert_refused(b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % (BODY_MAX + 1), 413)
        # Growing past the limit chunk by chunk, while the client is still sending.
        s = self.raw()
        s.sendall(b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n" % (1 << 20) + bytes(1 << 20) + b"\r\n"
        try:
            for _ in range(7):
                s.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.assertEqual(read_http_response(s)[0], 413)
        self.assert_nothing_forwarded()

    def test_garbage_gets_400(self):
        self.start()
        for data in (b"GARBAGE\r\n\r\n",
                     b"GET / HTTP/2.0\r\n\r\n",
                     b"GET  / HTTP/1.1\r\n\r\n",
                     b"GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
                     b"GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n",
                     b"GET / HTTP/1.1\r\nBad Name: a\r\n\r\n",
                     b"POST / HTTP/1.1\r\nContent-Length: 12x\r\n\r\n",
                     b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                     b"POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                     b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                     b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXX"):
            self.assert_refused(data, 400)
        self.assert_refused(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501)
        self.assert_refused(b"GET / HTTP/1.1\r\nX: " + b"a" * 70_000 + b"\r\n\r\n", 431)
        self.assert_nothing_forwarded()

    def assert_nothing_forwarded(self):
        c = self.client()
        c.request("GET", "/after")
        self.assertEqual(self.agent.read().words()[3], "/after")


class InitDuties(RelayTest):
    def test_exit_status_forwarded(self):
        self.start("#!/bin/sh\nexit 7\n")
        self.assertEqual(self.agent.read().start, "EXIT 7")
        self.assertEqual(self.wait_exit(), 7)

    def test_killed_function_is_128_plus_signal(self):
        self.start("#!/bin/sh\nkill -KILL $$\n")
        self.assertEqual(self.agent.read().start, "EXIT 137")
        self.assertEqual(self.wait_exit(), 137)

    def test_exec_failure(self):
        self.start("#!/nonexistent/interpreter\n")
        self.assertEqual(self.agent.read().start, "EXIT 127")
        self.assertEqual(self.wait_exit(), 127)
        self.assertIn("torpor-init: exec ", read_text(self.file("stderr")))

    def test_signals_forwarded(self):
        self.start("""\
            #!/usr/bin/env python3
            import os, signal, sys, time
            log = os.path.join(os.environ["TEST_DIR"], "signals")
            def note(sig, frame):
                with open(log, "a") as f:
                    f.write(signal.Signals(sig).name + "\\n")
                if sig == signal.SIGTERM:
                    sys.exit(42)
            for s in ("SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGTERM"):
                signal.signal(getattr(signal, s), note)
            open(log, "w").close()
            while True:
                time.sleep(1)
            """)
        log = self.file("signals")
        wait_for(lambda: os.path.exists(log), "the function's handlers")
        sent = ["SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"]
        for name in sent:
            os.kill(self.relay.pid, getattr(signal, name))
            wait_for(lambda: name in read_text(log), name)
        os.kill(self.relay.pid, signal.SIGTERM)
        self.assertEqual(self.agent.read().start, "EXIT 42")
        self.assertEqual(self.wait_exit(), 42)
        self.assertEqual(read_text(log).split(), sent + ["SIGTERM"])

    def test_sigterm_kills_default_function(self):
        self.start()
        os.kill(self.relay.pid, signal.SIGTERM)
        self.assertEqual(self.agent.read().start, "EXIT %d" % (128 + signal.SIGTERM))
        self.assertEqual(self.wait_exit(), 128 + signal.SIGTERM)

    def test_orphans_reaped(self):
        self.start("""\
            #!/bin/sh
            for i in 1 2 3; do
                sh -c 'sleep 0.5 & echo $! >> "$TEST_DIR/orphans"'
            done
            exec sleep 600
            """)
        path = self.file("orphans")
        wait_for(lambda: os.path.exists(path) and len(read_text(path).split()) == 3, "orphans")
        orphans = [int(p) for p in read_text(path).split()]
        relay = self.relay.pid
        wait_for(lambda: all(p in dict(children(relay)) or not os.path.exists(f"/proc/{p}")
                             for p in orphans), "orphans reparented to the relay")
        wait_for(lambda: not any(os.path.exists(f"/proc/{p}") for p in orphans), "orphans reaped")
        self.assertEqual([s for _, s in children(relay)], ["S"], "only the function is left")

    def test_function_inherits_env_and_no_relay_fds(self):
        self.start("""\
            #!/usr/bin/env python3
            import os
            fds = []
            for fd in os.listdir("/proc/self/fd"):
                try:
                    fds.append(os.readlink("/proc/self/fd/" + fd))
                except OSError:
                    pass  # listdir's own, already closed
            with open(os.path.join(os.environ["TEST_DIR"], "fds"), "w") as f:
                f.write(repr(fds) + "\\n" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "\\n")
            """)
        self.assertEqual(self.agent.read().start, "EXIT 0")
        fds, api = read_text(self.file("fds")).splitlines()
        self.assertNotIn("socket:", fds)
        self.assertEqual(api, f"127.0.0.1:{self.port}")

    def test_nothing_on_stdout(self):
        self.start()
        c = self.client()
        c.request("GET", "/x")
        self.agent.respond(self.agent.read())
        c.getresponse().read()
        s = self.raw()
        s.sendall(b"BAD\r\n\r\n")
        recv_until_closed(s)
        os.kill(self.relay.pid, signal.SIGTERM)
        self.wait_exit()
        self.assertEqual(self.relay.stdout.read(), b"")

    def test_idle_rss_small_after_big_invocation(self):
        self.start()
        body = random.randbytes(BODY_MAX)
        c = self.client()
        c.request("POST", "/big", body=body)
        self.agent.respond(self.agent.read(), body=body)
        self.assertEqual(c.getresponse().read(), body)
        c.request("GET", NEXT)
        self.agent.read()  # idle: the function waits for its next event
        with open(f"/proc/{self.relay.pid}/status") as f:
            rss = int(next(line for line in f if line.startswith("VmRSS:")).split()[1])
        print(f"\nidle VmRSS after a {BODY_MAX}-byte round trip: {rss} kB", file=sys.stderr)
        self.assertLess(rss, 1024)


if __name__ == "__main__":
    unittest.main(verbosity=2)
