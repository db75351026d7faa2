#!/usr/bin/env python3
"""A tiny local REST API for the examples (stdlib only, deterministic).

  python3 examples/sample_api.py --port 8002 [--token SECRET] [--quiet]

GET /customers  JSON array built from sample-data.json: id as a string (null stays
                null, a missing id stays missing), email, age, status, region,
                full_name, created_at. With --token, requires
                `Authorization: Bearer <token>` and answers 401 otherwise.
GET /sales      JSON array of 240 sales: id, region, product, amount, quantity,
                sold_at; about a third have amount <= 100.
GET /health     {"status": "ok"}

`--dump customers|sales` prints a body to stdout and exits (for computing expectations).
"""
import argparse
import json
import random
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SALES_SEED = 8002
SALES_COUNT = 240
SALES_REGIONS = ["north", "south", "east", "west"]
SALES_PRODUCTS = ["widget", "gadget", "gizmo", "doohickey", "sprocket"]
CUSTOMER_FIELDS = ["id", "email", "age", "status", "region", "full_name", "created_at"]


def customers(data_path):
    with open(data_path, encoding="utf-8") as f:
        records = json.load(f)
    out = []
    for record in records:
        customer = {}
        for field in CUSTOMER_FIELDS:
            if field not in record:
                continue
            value = record[field]
            if field == "id" and value is not None:
                value = str(value)
            customer[field] = value
        out.append(customer)
    return out


def sales():
    rng = random.Random(SALES_SEED)
    out = []
    for i in range(SALES_COUNT):
        # Mix cheap and expensive sales so the "amount gt 100" filter drops a real share.
        if rng.random() < 0.35:
            cents = rng.randint(500, 10000)  # 5.00 .. 100.00 (100.00 itself is not > 100)
        else:
            cents = rng.randint(10001, 250000)
        out.append({
            "id": i + 1,
            "region": rng.choice(SALES_REGIONS),
            "product": rng.choice(SALES_PRODUCTS),
            "amount": cents / 100,
            "quantity": rng.randint(1, 12),
            "sold_at": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T12:00:00Z",
        })
    # A few sales at exactly 100.00 pin down "gt" versus "gte".
    for index in (10, 120, 230):
        out[index]["amount"] = 100.0
    return out


def make_handler(bodies, token, quiet):
    class Handler(BaseHTTPRequestHandler):
        server_version = "SluiceSampleAPI/1.0"

        def do_GET(self):
            path = self.path.split("?", 1)[0].rstrip("/") or "/"
            if path == "/health":
                return self.reply(200, {"status": "ok"})
            if path not in bodies:
                return self.reply(404, {"error": f"no such resource: {path}"})
            if path == "/customers" and token is not None:
                if self.headers.get("Authorization") != f"Bearer {token}":
                    return self.reply(401, {"error": "missing or invalid bearer token"})
            return self.reply(200, bodies[path])

        def reply(self, status, body):
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, fmt, *args):
            if not quiet:
                sys.stderr.write("sample_api: " + (fmt % args) + "\n")

    return Handler


def main():
    parser = argparse.ArgumentParser(description="Local sample REST API for Sluice's examples.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument("--token", help="require 'Authorization: Bearer TOKEN' on /customers")
    parser.add_argument("--data", default=str(REPO_ROOT / "sample-data.json"))
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    parser.add_argument("--dump", choices=["customers", "sales"], help="print a body and exit")
    args = parser.parse_args()

    if args.dump == "customers":
        json.dump(customers(args.data), sys.stdout, indent=1)
        return 0
    if args.dump == "sales":
        json.dump(sales(), sys.stdout, indent=1)
        return 0

    bodies = {
        "/customers": json.dumps(customers(args.data)).encode(),
        "/sales": json.dumps(sales()).encode(),
    }
    server = ThreadingHTTPServer((args.host, args.port), make_handler(bodies, args.token, args.quiet))
    print(f"sample API on http://{args.host}:{server.server_port} "
          f"(/customers{' with bearer token' if args.token else ''}, /sales)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
