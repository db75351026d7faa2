#!/usr/bin/env python3
"""A stand-in REST API for Sluice's HTTP connector tests and benchmark.

Serves deterministic records (record i is {"id": i, "name": "item-i", "value": i * 1.5}) through
every pagination style, an OAuth2 token endpoint with expiring tokens, 429s with Retry-After,
flaky 5xx answers, stalls, and an ingest endpoint for the http target. Every request is logged;
GET /_log answers the log (path, query, headers that matter, arrival time) and POST /_reset
clears it and the per-route counters.

Usage: api_server.py [--records N] [--bench-pages P --bench-page-size S]
Prints the port it listens on (127.0.0.1, a free port) on its first line.
"""
import argparse
import base64
import json
import socket
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--records", type=int, default=95)
parser.add_argument("--bench-pages", type=int, default=0)
parser.add_argument("--bench-page-size", type=int, default=1000)
parser.add_argument("--exit-after", type=float, default=1800, help="seconds before the server stops by itself")
args = parser.parse_args()

lock = threading.Lock()
gate = threading.Condition()
asked = set()  # the pages of /gated asked for
log = []
counters = {}
tokens = {}  # token -> [expires_at, uses]
received = []  # bodies the ingest endpoint accepted
seen_keys = {}  # idempotency key -> times seen
token_serial = [0]
crm = {"total": 25, "touched": []}  # the customers route's records, and those updated since


def record(i):
    return {"id": i, "name": f"item-{i}", "value": i * 1.5}


def records(start, count, total):
    return [record(i) for i in range(start + 1, min(total, start + count) + 1)]


BENCH = []
if args.bench_pages:
    size = args.bench_page_size
    for p in range(args.bench_pages):
        rows = [{"id": p * size + i, "name": f"item-{p * size + i}", "value": (p * size + i) * 1.5, "ok": i % 3 == 0}
                for i in range(1, size + 1)]
        BENCH.append(json.dumps({"data": rows}).encode())


def bump(name):
    with lock:
        counters[name] = counters.get(name, 0) + 1
        return counters[name]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # The head and the body go out as separate writes: without this, Nagle's algorithm
        # holds a small body until the head is acknowledged (40 ms of delayed ACK a request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *a):
        pass

    def send(self, code, body, headers=None, content_type="application/json"):
        data = body if isinstance(body, (bytes, bytearray)) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def parsed(self):
        url = urllib.parse.urlsplit(self.path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(url.query, keep_blank_values=True).items()}
        return url.path, query

    def note(self, path, query, body=None):
        if path.startswith("/_") or path == "/bench":
            return
        entry = {"method": self.command, "path": path, "query": query, "time": time.time(),
                 "authorization": self.headers.get("Authorization"), "apiKey": self.headers.get("X-API-Key"),
                 "idempotencyKey": self.headers.get("Idempotency-Key"), "contentType": self.headers.get("Content-Type")}
        if body is not None:
            entry["body"] = body.decode("utf-8", "replace")
        with lock:
            log.append(entry)

    def do_GET(self):
        self.handle_request(None)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.handle_request(self.rfile.read(length))

    def do_PUT(self):
        self.do_POST()

    def handle_request(self, body):
        path, q = self.parsed()
        self.note(path, q, body)
        total = int(q.get("n", args.records))
        route = getattr(self, "route_" + path.strip("/").replace("/", "_").replace("-", "_"), None)
        if route is None:
            return self.send(404, {"error": f"no route {path}"})
        return route(q, total, body)

    # --- test control -------------------------------------------------------
    def route__log(self, q, total, body):
        with lock:
            self.send(200, {"log": log, "received": received})

    def route__reset(self, q, total, body):
        with lock:
            log.clear(); counters.clear(); tokens.clear(); received.clear(); seen_keys.clear()
            with gate:
                asked.clear()
            token_serial[0] = 0
            crm.update(total=25, touched=[])
        self.send(200, {})

    # --- pagination styles --------------------------------------------------
    def route_page(self, q, total, body):
        page, size = int(q.get("page", "1")), int(q.get("per_page", "10"))
        self.send(200, {"data": records((page - 1) * size, size, total), "meta": {"total": total, "page": page}})

    def route_offset(self, q, total, body):
        # cap: the server gives at most this many records whatever the limit asks.
        offset, limit = int(q.get("offset", "0")), min(int(q.get("limit", "10")), int(q.get("cap", "1000000")))
        self.send(200, {"items": records(offset, limit, total)})

    def route_gated(self, q, total, body):
        # Pages of 10. From page 2 on, a page is answered only once the next page has been asked
        # for (or after `gate` seconds, logged as /gated-timeout): only a client that
        # requests pages ahead reads it without waiting.
        page = int(q.get("page", "1"))
        with gate:
            asked.add(page)
            gate.notify_all()
            if page >= 2 and not gate.wait_for(lambda: page + 1 in asked, timeout=float(q.get("gate", "30"))):
                self.note("/gated-timeout", {"page": str(page)})
        self.send(200, {"data": records((page - 1) * 10, 10, total)})

    def route_cursor(self, q, total, body):
        start = int(base64.urlsafe_b64decode(q["cursor"]).decode()) if q.get("cursor") else 0
        rows = records(start, 10, total)
        following = base64.urlsafe_b64encode(str(start + 10).encode()).decode() if start + 10 < total else None
        self.send(200, {"results": rows, "paging": {"next": following}})

    def route_link(self, q, total, body):
        page = int(q.get("page", "1"))
        last = (total + 9) // 10
        links = [f'</link?page={last}&n={total}>; rel="last"', f'<http://127.0.0.1:{self.server.server_port}/link?page=1&n={total}>; rel=first']
        if page < last:
            links.insert(0, f'</link?page={page + 1}&n={total}>; rel="next"')
        if page > 1:
            links.append(f'</link?page={page - 1}&n={total}>; rel="prev"')
        self.send(200, records((page - 1) * 10, 10, total), {"Link": ", ".join(links)})

    def route_nexturl(self, q, total, body):
        page = int(q.get("page", "1"))
        following = f"nexturl?page={page + 1}&n={total}" if page * 10 < total else None
        self.send(200, {"data": records((page - 1) * 10, 10, total), "links": {"next": following}})

    def route_loop(self, q, total, body):
        page = int(q.get("page", "1"))
        self.send(200, {"data": records((page - 1) * 10, 10, 1000), "links": {"next": "/loop?page=2" if page >= 2 else f"/loop?page={page + 1}"}})

    def route_elsewhere(self, q, total, body):
        self.send(200, {"data": records(0, 10, 100), "links": {"next": "http://169.254.169.254/latest/meta-data/"}})

    def route_mixed(self, q, total, body):
        # Page 2's third element is not an object.
        page = int(q.get("page", "1"))
        rows = records((page - 1) * 5, 5, 15)
        if page == 2:
            rows[2] = "not a record"
        self.send(200, {"data": rows})

    # --- auth ----------------------------------------------------------------
    def route_oauth_token(self, q, total, body):
        form = {k: v[-1] for k, v in urllib.parse.parse_qs((body or b"").decode()).items()}
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            client_id, secret = urllib.parse.unquote_plus(client_id), urllib.parse.unquote_plus(secret)
        if form.get("grant_type") != "client_credentials" or client_id != "sluice" or secret != "s3cret/+=":
            return self.send(401, {"error": "invalid_client"})
        lifetime = int(q.get("expires_in", "3600"))
        with lock:
            token_serial[0] += 1
            token = f"tok-{token_serial[0]}"
            tokens[token] = [time.time() + lifetime, 0]
        self.send(200, {"access_token": token, "token_type": "Bearer", "expires_in": lifetime, "scope": form.get("scope", "")})

    def route_secure(self, q, total, body):
        auth = self.headers.get("Authorization", "")
        revoke_after = int(q.get("revoke_after", "0"))
        with lock:
            entry = tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
            if entry is not None:
                entry[1] += 1
            valid = entry is not None and entry[0] > time.time() and (revoke_after == 0 or entry[1] <= revoke_after)
        if not valid:
            return self.send(401, {"error": "invalid_token"})
        page, size = int(q.get("page", "1")), 10
        self.send(200, {"data": records((page - 1) * size, size, total)})

    def route_keyed(self, q, total, body):
        if self.headers.get("X-API-Key") != "k-123" and q.get("api_key") != "k-123":
            return self.send(403, {"error": "forbidden: bad API key"})
        self.send(200, records(0, 3, 3))

    def route_basic(self, q, total, body):
        if self.headers.get("Authorization") != "Basic " + base64.b64encode(b"ada:l0velace").decode():
            return self.send(401, {"error": "who are you"})
        self.send(200, records(0, 2, 2))

    # --- failures --------------------------------------------------------------
    def route_ratelimited(self, q, total, body):
        # Every page is refused once with a 429, then served.
        page = int(q.get("page", "1"))
        if bump(f"ratelimited-{page}") == 1:
            wait = q.get("retry_after", "1")
            if wait == "date":
                wait = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 2))
            return self.send(429, {"error": "slow down"}, {"Retry-After": wait})
        self.send(200, {"data": records((page - 1) * 10, 10, total)})

    def route_window(self, q, total, body):
        # The rate-limit headers of a fixed window: the last request of a window says 0 remain.
        page = int(q.get("page", "1"))
        headers = {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"} if page % 3 == 0 else {"X-RateLimit-Remaining": "5"}
        self.send(200, {"data": records((page - 1) * 10, 10, total)}, headers)

    def route_flaky(self, q, total, body):
        page = int(q.get("page", "1"))
        failures = int(q.get("fail", "2"))
        if bump(f"flaky-{page}") <= failures:
            return self.send(503, {"error": "try again"})
        self.send(200, {"data": records((page - 1) * 10, 10, total)})

    def route_down(self, q, total, body):
        bump("down")
        self.send(int(q.get("status", "500")), {"error": "the database is on fire"})

    def route_notfound(self, q, total, body):
        self.send(404, {"error": "no such collection"})

    def route_stall(self, q, total, body):
        # The head and half the body, then silence.
        data = json.dumps(records(0, 10, 10)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        if bump("stall") <= int(q.get("stalls", "100")):
            time.sleep(float(q.get("seconds", "5")))
            self.close_connection = True
            return
        self.wfile.write(data[len(data) // 2:])

    def route_slow(self, q, total, body):
        if bump("slow") <= int(q.get("slow", "1")):
            time.sleep(float(q.get("seconds", "3")))
        self.send(200, records(0, 4, 4))

    def route_cut(self, q, total, body):
        # Declares more than it sends, then closes: a body cut short.
        data = json.dumps({"data": records(0, 10, 10)}).encode()
        if bump("cut") <= int(q.get("cuts", "1")):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data) + 100))
            self.end_headers()
            self.wfile.write(data)
            self.close_connection = True
            return
        self.send(200, data)

    def route_since(self, q, total, body):
        since = q.get("updated_since")
        rows = [dict(record(i), updated_at=f"2024-05-{i:02d}T00:00:00Z") for i in range(1, 11)]
        if since:
            rows = [r for r in rows if r["updated_at"] >= since]
        self.send(200, rows)

    def route__grow(self, q, total, body):
        with lock:
            crm["total"] = int(q.get("total", crm["total"]))
            crm["touched"] += [int(i) for i in q.get("touch", "").split(",") if i]
        self.send(200, crm)

    def route_v2_customers(self, q, total, body):
        # A CRM's customers: OAuth2 only, cursor pages of 10 ordered by update time, and
        # `updated_since` to ask for the changes alone.
        auth = self.headers.get("Authorization", "")
        with lock:
            valid = auth.startswith("Bearer ") and auth[7:] in tokens
            count, touched = crm["total"], list(crm["touched"])
        if not valid:
            return self.send(401, {"error": "invalid_token"})
        rows = []
        for i in range(1, count + 1):
            stamp = f"2024-07-{touched.index(i) + 1:02d}T00:00:00Z" if i in touched else f"2024-06-{i:02d}T00:00:00Z"
            rows.append({"id": i, "name": f"customer {i}", "tier": "gold" if i % 4 == 0 else "basic", "updated_at": stamp})
        rows.sort(key=lambda r: (r["updated_at"], r["id"]))
        if q.get("updated_since"):
            rows = [r for r in rows if r["updated_at"] >= q["updated_since"]]
        start = int(q.get("cursor", "0") or "0")
        following = str(start + 10) if start + 10 < len(rows) else None
        self.send(200, {"data": rows[start:start + 10], "paging": {"next": following}})

    # --- the http target's endpoint -------------------------------------------
    def route_ingest(self, q, total, body):
        key = self.headers.get("Idempotency-Key")
        with lock:
            seen = seen_keys.get(key, 0) + 1 if key else 1
            if key:
                seen_keys[key] = seen
        if q.get("flaky") and seen == 1:
            return self.send(503, {"error": "busy"})
        text = (body or b"").decode()
        if self.headers.get("Content-Type") == "application/x-ndjson":
            items = [json.loads(line) for line in text.splitlines() if line]
        else:
            value = json.loads(text)
            items = value if isinstance(value, list) else [value]
        if any(item.get("bad") for item in items):
            return self.send(422, {"error": "bad record", "ids": [i.get("id") for i in items if i.get("bad")]})
        with lock:
            if not (key and seen > 1 and q.get("dedupe")):
                received.append(items)
        self.send(200, {"accepted": len(items)})

    # --- the benchmark's pages -------------------------------------------------
    def route_bench(self, q, total, body):
        page = int(q.get("page", "1"))
        data = BENCH[page - 1] if 1 <= page <= len(BENCH) else b'{"data": []}'
        self.send(200, data)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Timer(args.exit_after, server.shutdown).start()
server.serve_forever()
