#!/usr/bin/env python3
"""A loopback reverse proxy in front of an S3 endpoint (moto in the tests) that injects the
faults a real S3 implementation cannot be made to produce: error answers, stalls and
truncated bodies.

    python3 s3_fault_proxy.py PORT UPSTREAM      # PORT 0: any free port

It prints the port it listens on (one line) once it accepts connections. Every request is
forwarded unchanged to UPSTREAM (method, path and query, headers including Host, which S3
signs; hop-by-hop headers aside, body) and the answer is streamed back, unless a fault armed
for it says otherwise.

Control endpoints (never forwarded):

    POST /__fault          arms a fault (JSON, see below); answers {"armed": N}
    POST /__fault/clear    removes every armed fault
    POST /__fault/release  lets every request a "hold" fault holds go on
    GET  /__fault/counts   {"GET GetObject": 2, "PUT UploadPart": 4, ...}: requests seen per
                           method and S3 operation, faulted or not
    GET  /__fault/log      [{"method", "kind", "path", "fault", "time"}, ...] in arrival order
                           (time: seconds on a monotonic clock)

A fault is {"method": "GET", "count": 1, "action": ..., plus optional matchers "query" (a
query parameter name the request has), "path" (a substring of the raw path), "kind" (the S3
operation, as in the counts) and "accessKey" (the key id of the Authorization header's
Credential=)}; without "method" it matches any method. "skip" lets that many matching
requests through first; "count" is how many matching requests it then applies to (-1: all).
Faults are tried in the order they were armed. Actions:

    {"action": "status", "status": 503, "code": "SlowDown", "message": "...", "retryAfter": "1"}
        answers that status with an S3 error document, without forwarding;
    {"action": "stall", "seconds": S}
        waits S seconds before forwarding (gives up, forwarding nothing, if the client leaves);
    {"action": "hold", "seconds": S}
        waits until POST /__fault/release (at most S seconds, default 600) before forwarding
        (gives up, forwarding nothing, if the client leaves);
    {"action": "stallBody", "seconds": S}
        forwards, sends the head and half the body, waits S seconds, then sends the rest (if the
        client is still there);
    {"action": "truncate"}
        forwards, sends the head (with the full Content-Length) and half the body, then closes
        the connection;
    {"action": "slowUpload", "bytesPerSecond": R}
        reads the request's body at R bytes per second (a slow link), then forwards it.

A request whose body does not arrive whole is not forwarded.

Every connection has a small receive buffer, so a body read slowly backs up to the client
rather than into this side's kernel buffers.

The process ends on its own when the process that started it ends.
"""

import http.client
import json
import os
import select
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "expect"}


class State:
    """The armed faults and what was seen, shared by the handler threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.faults = []
        self.counts = {}
        self.log = []
        self.released = threading.Event()

    def arm(self, fault):
        with self.lock:
            self.faults.append(dict(fault))
            return len(self.faults)

    def clear(self):
        with self.lock:
            self.faults = []

    def record(self, method, kind, path, headers, query):
        """Counts the request and takes the first armed fault that matches it, if any."""
        with self.lock:
            key = "%s %s" % (method, kind)
            self.counts[key] = self.counts.get(key, 0) + 1
            chosen = None
            for fault in self.faults:
                if fault.get("count", 1) == 0 or not matches(fault, method, kind, path, headers, query):
                    continue
                if fault.get("skip", 0) > 0:
                    fault["skip"] -= 1
                    continue
                if fault.get("count", 1) > 0:
                    fault["count"] = fault.get("count", 1) - 1
                chosen = fault
                break
            self.log.append({"method": method, "kind": kind, "path": path, "fault": chosen["action"] if chosen else None, "time": time.monotonic()})
            return dict(chosen) if chosen else None


def access_key(headers):
    """The key id in `Authorization: AWS4-HMAC-SHA256 Credential=KEY/date/region/s3/aws4_request, ...`."""
    value = headers.get("Authorization") or ""
    at = value.find("Credential=")
    if at < 0:
        return None
    return value[at + len("Credential="):].split("/", 1)[0]


def matches(fault, method, kind, path, headers, query):
    """Whether the request fits every matcher the fault gives."""
    if fault.get("method") not in (None, method):
        return False
    if "query" in fault and fault["query"] not in query:
        return False
    if "path" in fault and fault["path"] not in path:
        return False
    if "kind" in fault and fault["kind"] != kind:
        return False
    if "accessKey" in fault and access_key(headers) != fault["accessKey"]:
        return False
    return True


def operation(method, path, query):
    """The S3 operation of a path-style request, for the counts."""
    key = path.lstrip("/").partition("/")[2]
    if "uploadId" in query:
        return {"PUT": "UploadPart", "POST": "CompleteMultipartUpload", "DELETE": "AbortMultipartUpload", "GET": "ListParts"}.get(method, "Multipart")
    if "uploads" in query:
        return "CreateMultipartUpload" if method == "POST" else "ListMultipartUploads"
    if "list-type" in query:
        return "ListObjectsV2"
    if not key:
        return {"PUT": "CreateBucket", "GET": "ListObjects", "HEAD": "HeadBucket", "DELETE": "DeleteBucket"}.get(method, "Bucket")
    return {"GET": "GetObject", "HEAD": "HeadObject", "PUT": "PutObject", "DELETE": "DeleteObject"}.get(method, "Object")


def error_document(code, message):
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>%s</Code><Message>%s</Message><RequestId>fault-proxy</RequestId></Error>"
            % (escape(code), escape(message))).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None  # (host, port)
    state = None

    def log_message(self, format, *args):
        pass

    def handle(self):
        # A client that goes away mid-answer ends its thread quietly.
        try:
            super().handle()
        except (ConnectionError, BrokenPipeError, socket.timeout, OSError):
            pass

    def do_GET(self):
        self.dispatch()

    do_HEAD = do_PUT = do_POST = do_DELETE = do_GET

    def read_body(self, rate=None):
        """The request's body; read at `rate` bytes per second when given (a slow link)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if rate is None:
            return self.rfile.read(length) if length > 0 else b""
        body = bytearray()
        try:
            while len(body) < length:
                chunk = self.rfile.read(min(1 << 16, length - len(body)))
                if not chunk:
                    break
                body += chunk
                time.sleep(len(chunk) / rate)
        except OSError:
            pass
        return bytes(body)

    def reply(self, status, body, content_type="application/json", extra=()):
        self.send_response_only(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(0 if self.command == "HEAD" else len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def control(self, path, body):
        if self.command == "POST" and path == "/__fault":
            self.reply(200, json.dumps({"armed": self.state.arm(json.loads(body or b"{}"))}).encode())
        elif self.command == "POST" and path == "/__fault/clear":
            self.state.clear()
            self.reply(200, b"{}")
        elif self.command == "POST" and path == "/__fault/release":
            self.state.released.set()
            self.reply(200, b"{}")
        elif self.command == "GET" and path == "/__fault/counts":
            with self.state.lock:
                self.reply(200, json.dumps(self.state.counts, sort_keys=True).encode())
        elif self.command == "GET" and path == "/__fault/log":
            with self.state.lock:
                self.reply(200, json.dumps(self.state.log).encode())
        else:
            self.reply(404, b'{"error": "unknown control endpoint"}')

    def dispatch(self):
        path, _, query_text = self.path.partition("?")
        if path.startswith("/__fault"):
            return self.control(path, self.read_body())
        query = {name for name, _ in urllib.parse.parse_qsl(query_text, keep_blank_values=True)}
        fault = self.state.record(self.command, operation(self.command, path, query), path, self.headers, query)
        action = fault["action"] if fault else None
        body = self.read_body(rate=float(fault["bytesPerSecond"]) if action == "slowUpload" else None)
        if len(body) < int(self.headers.get("Content-Length") or 0):
            # The client gave up partway: what arrived is not the request, and is dropped.
            self.close_connection = True
            return
        if action == "status":
            extra = [("Retry-After", str(fault["retryAfter"]))] if "retryAfter" in fault else []
            self.reply(int(fault["status"]), error_document(fault.get("code", "InternalError"), fault.get("message", "")),
                       content_type="application/xml", extra=extra)
            return
        if action == "stall" and not self.wait(float(fault.get("seconds", 600))):
            self.close_connection = True
            return
        if action == "hold" and not self.wait(float(fault.get("seconds", 600)), until=self.state.released):
            self.close_connection = True
            return
        self.forward(body, action, float((fault or {}).get("seconds", 0)))

    def client_gone(self):
        """Whether the client closed its side (it sends nothing while it waits for an answer)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def wait(self, seconds, until=None):
        """Sleeps up to `seconds` (or until the event `until` is set); false as soon as the
        client has gone."""
        end = time.monotonic() + seconds
        while time.monotonic() < end and not (until is not None and until.is_set()):
            if self.client_gone():
                return False
            time.sleep(0.05)
        return not self.client_gone()

    def forward(self, body, action, seconds):
        upstream = http.client.HTTPConnection(*self.upstream, timeout=120)
        try:
            upstream.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    upstream.putheader(name, value)
            if body or self.command in ("PUT", "POST"):
                upstream.putheader("Content-Length", str(len(body)))
            upstream.endheaders(body if body else None)
            answer = upstream.getresponse()
            declared = answer.getheader("Content-Length")
            if self.command == "HEAD" or answer.status in (204, 304):
                source, length = None, declared
            elif declared is None:
                # A chunked answer: read whole, sent with its length.
                content = answer.read()
                source, length = iter([content]), str(len(content))
            else:
                source, length = iter(lambda: answer.read(1 << 16), b""), declared
            self.send_response_only(answer.status, answer.reason)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            if length is not None:
                self.send_header("Content-Length", length)
            self.end_headers()
            if source is None:
                self.wfile.flush()
                return
            total = int(length)
            # Streams the answer; a truncating or stalling fault stops after half of it.
            stop = total // 2 if action in ("truncate", "stallBody") and total > 1 else total
            sent = 0
            pending = b""
            for chunk in source:
                pending += chunk
                if sent < stop:
                    part = pending[:stop - sent]
                    pending = pending[len(part):]
                    self.wfile.write(part)
                    sent += len(part)
                if sent == stop and stop < total:
                    break
            self.wfile.flush()
            if stop < total:
                if action == "truncate" or not self.wait(seconds):
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.wfile.write(pending)
                for chunk in source:
                    self.wfile.write(chunk)
                self.wfile.flush()
        finally:
            upstream.close()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self):
        # Inherited by every accepted connection (and set before listening, so it holds).
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 256 << 10)
        super().server_bind()


def main():
    port = int(sys.argv[1])
    target = urllib.parse.urlsplit(sys.argv[2])
    Handler.upstream = (target.hostname, target.port or 80)
    Handler.state = State()
    server = Server(("127.0.0.1", port), Handler)
    parent = os.getppid()

    def watch_parent():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch_parent, daemon=True).start()
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
