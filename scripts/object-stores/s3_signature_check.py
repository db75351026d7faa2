#!/usr/bin/env python3
"""A loopback S3 endpoint that checks each request's Signature Version 4 as it arrives on the
wire, with botocore's own signer (the one boto3 and the AWS CLI use), and answers just enough
of S3's API for a client to go on. moto, the S3 server the tests use, does not check
signatures; this does, so the requests Sluice really sends (path and query encoding, Host,
headers, payload hash) are proven to carry the signature AWS would compute.

  python3 scripts/object-stores/s3_signature_check.py PORT ACCESS_KEY SECRET [SESSION_TOKEN]   # PORT 0: any; printed

A request whose signature, payload hash or session token is wrong gets 403
SignatureDoesNotMatch. GET /__counts answers {"ok": N, "bad": M, "bad_requests": [...]}.
"""
import hashlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

PORT, KEY, SECRET = int(sys.argv[1]), sys.argv[2], sys.argv[3]
TOKEN = sys.argv[4] if len(sys.argv) > 4 else None
lock = threading.Lock()
counts = {"ok": 0, "bad": 0, "bad_requests": []}


def verify(method, raw_path, headers, body):
    """Why the request's signature is wrong, or None when it is right."""
    auth = headers.get("authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "no Signature Version 4 authorization"
    fields = dict(part.strip().split("=", 1) for part in auth[len("AWS4-HMAC-SHA256 "):].split(","))
    key, day, region, service, _ = fields["Credential"].split("/")
    if key != KEY or service != "s3":
        return "wrong key or service"
    if headers.get("x-amz-content-sha256") != hashlib.sha256(body).hexdigest():
        return "the payload hash does not match the body"
    if TOKEN is not None and headers.get("x-amz-security-token") != TOKEN:
        return "missing or wrong session token"
    signed = fields["SignedHeaders"].split(";")
    for required in ("host", "x-amz-date", "x-amz-content-sha256"):
        if required not in signed:
            return f"{required} is not signed"
    split = urlsplit(raw_path)
    request = AWSRequest(
        method=method, url="http://" + headers["host"] + split.path,
        headers={name: headers[name] for name in signed if name != "host"},
        params=parse_qsl(split.query, keep_blank_values=True))
    signer = S3SigV4Auth(Credentials(KEY, SECRET, TOKEN), "s3", region)
    request.context["timestamp"] = headers["x-amz-date"]
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if expected != fields["Signature"]:
        return f"signature mismatch; botocore's canonical request:\n{canonical}"
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/__counts":
            with lock:
                return self.answer(200, json.dumps(counts).encode())
        headers = {name.lower(): value for name, value in self.headers.items()}
        problem = verify(self.command, self.path, headers, body)
        with lock:
            if problem:
                counts["bad"] += 1
                counts["bad_requests"].append(f"{self.command} {self.path}: {problem}")
            else:
                counts["ok"] += 1
        if problem:
            return self.answer(403, b"<Error><Code>SignatureDoesNotMatch</Code><Message>checked with botocore</Message></Error>")
        query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        if self.command == "HEAD":
            return self.answer(200, headers=[("ETag", '"abc"'), ("Last-Modified", "Mon, 07 Dec 2026 14:00:00 GMT"), ("Content-Length-Hint", "100")])
        if self.command == "GET" and "list-type" in query:
            xml = ("<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key><Size>1</Size>"
                   "<ETag>&quot;e&quot;</ETag><LastModified>2026-12-07T14:00:00.000Z</LastModified></Contents></ListBucketResult>")
            return self.answer(200, xml.encode())
        if self.command == "GET":
            first, last = headers["range"].split("=")[1].split("-")
            return self.answer(206, bytes(int(last) - int(first) + 1))
        if self.command == "POST" and "uploads" in query:
            return self.answer(200, b"<InitiateMultipartUploadResult><UploadId>up-1</UploadId></InitiateMultipartUploadResult>")
        if self.command == "POST":
            return self.answer(200, b"<CompleteMultipartUploadResult><ETag>&quot;x-2&quot;</ETag></CompleteMultipartUploadResult>")
        if self.command == "PUT":
            return self.answer(200, headers=[("ETag", '"part"')])
        return self.answer(204)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = handle_any


server = ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
print(server.server_address[1], flush=True)  # the port, when PORT is 0
server.serve_forever()
