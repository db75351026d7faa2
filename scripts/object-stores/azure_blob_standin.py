#!/usr/bin/env python3
"""A loopback stand-in for the part of the Azure Blob Storage REST API that Sluice uses.

No Azure emulator can be installed here (Azurite ships only through npm), so the tests use this stand-in, which verifies every request's SharedKey signature with the official azure-storage-blob SDK's signing code, and the official SDK talks to the same stand-in.

What it implements, kept in memory, path-style like Azurite
(http://127.0.0.1:PORT/ACCOUNT/container/blob):

  Create Container   PUT    /acct/c?restype=container   (x-ms-blob-public-access: container|blob)
  Delete Container   DELETE /acct/c?restype=container
  List Blobs         GET    /acct/c?restype=container&comp=list  (prefix, marker, maxresults)
  Get Blob Properties HEAD  /acct/c/blob
  Get Blob           GET    /acct/c/blob   (x-ms-range or Range, If-Match, If-None-Match)
  Put Blob           PUT    /acct/c/blob   (x-ms-blob-type: BlockBlob, If-None-Match: *)
  Put Block          PUT    /acct/c/blob?comp=block&blockid=…
  Put Block List     PUT    /acct/c/blob?comp=blocklist   (<BlockList><Latest|Committed|Uncommitted>)
  Delete Blob        DELETE /acct/c/blob

Authentication, checked on every request:
  * SharedKey: the Authorization header is recomputed with the SDK's own
    SharedKeyCredentialPolicy from the request as received (method, the URL made of the Host
    header and the raw path, the headers) and compared; a difference is 403
    AuthenticationFailed. x-ms-date (or Date) must be within 15 minutes of now, and
    x-ms-version must be present, as the service requires.
  * Shared access signature: only account SAS tokens (ss/srt/sp/se…, as the SDK's
    generate_account_sas makes them). The signature is recomputed with the SDK's own
    SharedAccessSignature.generate_account from the token's fields and the account key; a
    different sig is 403 AuthenticationFailed. The time window, the blob service (ss has b),
    the resource type (srt: c for container operations, o for blob operations) and the
    permission of the operation (r, l, w, d, c) are checked too. Service SAS tokens (sr=…) and
    user delegation SAS are refused with 403.
  * No credentials: allowed only on a container created with x-ms-blob-public-access
    (container: reads and listing; blob: reads); otherwise 404 ResourceNotFound, as the service
    answers.

Test controls (not part of the Blob API, not authenticated; loopback only):
  GET  /__control/health                 200 "ok"
  POST /__control  {"container": C, "op": OP, "count": N, "status": S}
                                         the next N OP requests on container C answer S
  POST /__control  {"container": C, "op": OP, "count": N, "stall": SECONDS}
                                         the next N OP requests wait SECONDS before answering
  POST /__control  {"container": C, "op": "GetBlob", "count": N, "short": true}
                                         the next N ranged reads answer one byte short
  GET  /__control/counts?container=C     {"PutBlock": 3, …}: requests seen per operation,
                                         authenticated or not
OP is one of CreateContainer, DeleteContainer, ListBlobs, GetBlobProperties, GetBlob,
PutBlob, PutBlock, PutBlockList, DeleteBlob.

Usage: azure_blob_standin.py --port 10000 [--account devstoreaccount1] [--key BASE64] [--verbose]
Needs: pip install azure-storage-blob
"""

import argparse
import base64
import binascii
import datetime
import email.utils
import hashlib
import hmac
import json
import sys
import threading
import time
import traceback
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote
from xml.sax.saxutils import escape

from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.pipeline.transport import HttpRequest
from azure.storage.blob._shared.authentication import SharedKeyCredentialPolicy
from azure.storage.blob._shared.shared_access_signature import SharedAccessSignature

# Azurite's well-known development account and key (public, documented by Microsoft).
DEFAULT_ACCOUNT = "devstoreaccount1"
DEFAULT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
DEFAULT_VERSION = "2021-08-06"
MAX_CLOCK_SKEW = datetime.timedelta(minutes=15)


class ServiceError(Exception):
    """An error answer: status, error code and message, as the service sends them."""

    def __init__(self, status, code, message, detail=None, headers=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.headers = headers or {}


class Blob:
    """A committed block blob."""

    def __init__(self, data, content_type, blocks):
        self.data = data
        self.content_type = content_type or "application/octet-stream"
        self.blocks = blocks  # [(block id, bytes)], for Put Block List's Committed/Latest
        now = datetime.datetime.now(datetime.timezone.utc)
        self.created = now
        self.modified = now
        self.etag_value = "0x8D%08X%07X" % (int(time.time()), next_etag_counter())

    @property
    def etag(self):
        """The ETag as headers carry it (quoted); listings carry it bare."""
        return '"' + self.etag_value + '"'


_counter_lock = threading.Lock()
_counter = [0]


def next_etag_counter():
    with _counter_lock:
        _counter[0] += 1
        return _counter[0]


def http_date(moment):
    return email.utils.format_datetime(moment.astimezone(datetime.timezone.utc), usegmt=True)


class State:
    """Containers, blobs, uncommitted blocks, test faults and request counts, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.containers = {}  # name -> {"public": None|"blob"|"container", "blobs": {name: Blob}}
        self.uncommitted = {}  # (container, blob) -> {block id: bytes}
        self.faults = []  # dicts from /__control
        self.counts = {}  # container -> {op: n}

    def count(self, container, op):
        with self.lock:
            ops = self.counts.setdefault(container, {})
            ops[op] = ops.get(op, 0) + 1

    def take_fault(self, container, op):
        with self.lock:
            for fault in self.faults:
                if fault.get("container") == container and fault.get("op") == op and fault.get("count", 0) > 0:
                    fault["count"] -= 1
                    return dict(fault)
        return None


def expected_authorization(account, key, method, url, headers):
    """The Authorization header the SDK would send for this request (its own signing code)."""
    lowered = {name.lower(): value for name, value in headers.items() if name.lower() != "authorization"}
    request = HttpRequest(method, url, headers=lowered)
    SharedKeyCredentialPolicy(account, key).on_request(PipelineRequest(request, PipelineContext(None)))
    return request.headers["Authorization"]


def parse_query(raw):
    """Query pairs of a raw query string, names and values percent-decoded ('+' stays '+')."""
    pairs = {}
    if raw:
        for part in raw.split("&"):
            if not part:
                continue
            name, _, value = part.partition("=")
            pairs[unquote(name)] = unquote(value)
    return pairs


def parse_time(text):
    """An ISO 8601 time as SAS tokens carry it (2024-01-01T00:00:00Z or with fractions)."""
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment


OPERATION_PERMISSION = {
    "CreateContainer": "c",
    "DeleteContainer": "d",
    "ListBlobs": "l",
    "GetBlobProperties": "r",
    "GetBlob": "r",
    "PutBlob": "w",
    "PutBlock": "w",
    "PutBlockList": "w",
    "DeleteBlob": "d",
}
CONTAINER_OPERATIONS = {"CreateContainer", "DeleteContainer", "ListBlobs"}


def make_handler(state, account, key, verbose):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "AzureBlobStandIn/1.0"

        def log_message(self, fmt, *args):
            if verbose:
                sys.stderr.write("azure-standin: " + (fmt % args) + "\n")

        # --- plumbing -----------------------------------------------------------------

        def do_GET(self):
            self.handle_any("GET")

        def do_HEAD(self):
            self.handle_any("HEAD")

        def do_PUT(self):
            self.handle_any("PUT")

        def do_DELETE(self):
            self.handle_any("DELETE")

        def do_POST(self):
            self.handle_any("POST")

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        break
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
                return b"".join(chunks)
            length = self.headers.get("Content-Length")
            if length is None:
                return None
            return self.rfile.read(int(length))

        def send(self, status, body=b"", headers=None, method="GET"):
            self.send_response(status)
            request_version = self.headers.get("x-ms-version") or DEFAULT_VERSION
            base = {
                "x-ms-request-id": str(uuid.uuid4()),
                "x-ms-version": request_version,
                "Date": http_date(datetime.datetime.now(datetime.timezone.utc)),
            }
            base.update(headers or {})
            if "Content-Length" not in base:
                base["Content-Length"] = str(len(body))
            for name, value in base.items():
                self.send_header(name, value)
            self.end_headers()
            if method != "HEAD" and body:
                self.wfile.write(body)

        def send_error_answer(self, error, method):
            headers = {"x-ms-error-code": error.code, "Content-Type": "application/xml"}
            headers.update(error.headers)
            body = b""
            if method != "HEAD" and error.status != 304:
                text = '<?xml version="1.0" encoding="utf-8"?><Error><Code>%s</Code><Message>%s\nRequestId:%s\nTime:%s</Message>' % (
                    escape(error.code),
                    escape(error.message),
                    uuid.uuid4(),
                    datetime.datetime.now(datetime.timezone.utc).isoformat(),
                )
                if error.detail:
                    text += "<AuthenticationErrorDetail>%s</AuthenticationErrorDetail>" % escape(error.detail)
                text += "</Error>"
                body = text.encode("utf-8")
            self.send(error.status, body, headers, method)

        def handle_any(self, method):
            try:
                body = self.read_body()
                raw_path, _, raw_query = self.path.partition("?")
                if raw_path.startswith("/__control"):
                    return self.control(method, raw_path, raw_query, body)
                self.blob_api(method, raw_path, raw_query, body)
            except ServiceError as error:
                self.send_error_answer(error, method)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            except Exception as error:  # a bug here: answer 500 and say why on stderr
                traceback.print_exc()
                try:
                    self.send_error_answer(ServiceError(500, "InternalError", "stand-in failure: %r" % error), method)
                except Exception:
                    self.close_connection = True

        # --- test controls --------------------------------------------------------------

        def control(self, method, raw_path, raw_query, body):
            if raw_path == "/__control/health":
                return self.send(200, b"ok", {"Content-Type": "text/plain"}, method)
            if raw_path == "/__control/counts" and method == "GET":
                container = parse_query(raw_query).get("container", "")
                with state.lock:
                    counts = dict(state.counts.get(container, {}))
                return self.send(200, json.dumps(counts, sort_keys=True).encode(), {"Content-Type": "application/json"}, method)
            if raw_path == "/__control" and method == "POST":
                fault = json.loads(body or b"{}")
                if fault.get("op") not in OPERATION_PERMISSION or not fault.get("container"):
                    raise ServiceError(400, "InvalidInput", "a fault needs a container and a known op")
                fault.setdefault("count", 1)
                with state.lock:
                    state.faults.append(fault)
                return self.send(204, b"", {}, method)
            raise ServiceError(404, "ResourceNotFound", "unknown control endpoint")

        # --- the Blob API ---------------------------------------------------------------

        def blob_api(self, method, raw_path, raw_query, body):
            query = parse_query(raw_query)
            segments = raw_path.split("/", 3)  # "", account, container, blob
            if len(segments) < 3 or segments[1] != account or not segments[2]:
                raise ServiceError(400, "InvalidUri", "The requested URI does not represent any resource on the server.")
            container = unquote(segments[2])
            blob = None
            if len(segments) == 4 and segments[3]:
                try:
                    blob = unquote(segments[3], errors="strict")
                except UnicodeDecodeError:
                    raise ServiceError(400, "InvalidUri", "The blob name is not valid UTF-8.")
            op = self.operation(method, query, blob)
            state.count(container, op)
            self.authenticate(method, raw_path, raw_query, query, op, container)
            fault = state.take_fault(container, op)
            if fault and fault.get("stall"):
                time.sleep(float(fault["stall"]))
            if fault and fault.get("status"):
                raise ServiceError(int(fault["status"]), "InternalError" if int(fault["status"]) >= 500 else "InjectedFault",
                                   "fault injected by the test")
            if body and self.headers.get("Content-MD5"):
                if base64.b64encode(hashlib.md5(body).digest()).decode() != self.headers["Content-MD5"]:
                    raise ServiceError(400, "Md5Mismatch", "The MD5 value specified in the request did not match with the MD5 value calculated by the server.")
            getattr(self, "op_" + op)(method, container, blob, query, body or b"", fault)

        def operation(self, method, query, blob):
            if blob is None:
                if query.get("restype") != "container":
                    raise ServiceError(400, "InvalidQueryParameterValue", "restype=container is required on a container")
                if method == "PUT" and "comp" not in query:
                    return "CreateContainer"
                if method == "DELETE" and "comp" not in query:
                    return "DeleteContainer"
                if method == "GET" and query.get("comp") == "list":
                    return "ListBlobs"
            else:
                comp = query.get("comp")
                if method == "HEAD" and comp is None:
                    return "GetBlobProperties"
                if method == "GET" and comp is None:
                    return "GetBlob"
                if method == "PUT" and comp is None:
                    return "PutBlob"
                if method == "PUT" and comp == "block":
                    return "PutBlock"
                if method == "PUT" and comp == "blocklist":
                    return "PutBlockList"
                if method == "DELETE" and comp is None:
                    return "DeleteBlob"
            raise ServiceError(400, "UnsupportedOperation", "The stand-in does not implement %s with this query." % method)

        def authenticate(self, method, raw_path, raw_query, query, op, container):
            authorization = self.headers.get("Authorization")
            if authorization is not None:
                return self.check_shared_key(method, authorization)
            if "sig" in query:
                return self.check_sas(query, op)
            with state.lock:
                public = state.containers.get(container, {}).get("public")
            if public == "container" and op in ("ListBlobs", "GetBlob", "GetBlobProperties"):
                return
            if public == "blob" and op in ("GetBlob", "GetBlobProperties"):
                return
            raise ServiceError(404, "ResourceNotFound", "The specified resource does not exist.")

        def check_shared_key(self, method, authorization):
            if "x-ms-version" not in self.headers:
                raise ServiceError(400, "MissingRequiredHeader", "An HTTP header that's mandatory for this request is not specified.")
            date_text = self.headers.get("x-ms-date") or self.headers.get("Date")
            try:
                sent = email.utils.parsedate_to_datetime(date_text)
            except (TypeError, ValueError):
                sent = None
            if sent is None or sent.tzinfo is None:
                raise ServiceError(403, "AuthenticationFailed", "Server failed to authenticate the request. The x-ms-date header is missing or malformed.")
            if abs(datetime.datetime.now(datetime.timezone.utc) - sent) > MAX_CLOCK_SKEW:
                raise ServiceError(403, "AuthenticationFailed", "Server failed to authenticate the request. Request date header too old or in the future.")
            host = self.headers.get("Host", "")
            expected = expected_authorization(account, key, method, "http://" + host + self.path, dict(self.headers.items()))
            if not hmac.compare_digest(authorization.encode(), expected.encode()):
                found = authorization.rpartition(":")[2]
                raise ServiceError(
                    403,
                    "AuthenticationFailed",
                    "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
                    detail="The MAC signature found in the HTTP request '%s' is not the same as any computed signature." % found,
                )

        def check_sas(self, query, op):
            if "sr" in query or "skoid" in query:
                raise ServiceError(403, "AuthenticationFailed", "Server failed to authenticate the request. This stand-in accepts account SAS tokens only.")
            fields = {name: query.get(name) for name in ("sv", "ss", "srt", "sp", "se", "st", "sip", "spr", "ses")}
            if not all(fields[name] for name in ("sv", "ss", "srt", "sp", "se")):
                raise ServiceError(403, "AuthenticationFailed", "Server failed to authenticate the request. The SAS token is incomplete.")
            token = SharedAccessSignature(account, key, x_ms_version=fields["sv"]).generate_account(
                services=fields["ss"],
                resource_types=fields["srt"],
                permission=fields["sp"],
                expiry=fields["se"],
                start=fields["st"],
                ip=fields["sip"],
                protocol=fields["spr"],
                encryption_scope=fields["ses"],
            )
            expected = parse_query(token).get("sig", "")
            if not hmac.compare_digest(expected.encode(), query["sig"].encode()):
                raise ServiceError(403, "AuthenticationFailed", "Server failed to authenticate the request. Signature did not match.")
            now = datetime.datetime.now(datetime.timezone.utc)
            try:
                if parse_time(fields["se"]) < now or (fields["st"] and parse_time(fields["st"]) > now):
                    raise ServiceError(403, "AuthenticationFailed", "Signature not valid in the specified time frame.")
            except ValueError:
                raise ServiceError(403, "AuthenticationFailed", "The SAS start or expiry time is malformed.")
            if "b" not in fields["ss"]:
                raise ServiceError(403, "AuthorizationServiceMismatch", "This request is not authorized to perform this operation using this service.")
            if ("c" if op in CONTAINER_OPERATIONS else "o") not in fields["srt"]:
                raise ServiceError(403, "AuthorizationResourceTypeMismatch", "This request is not authorized to perform this operation using this resource type.")
            if OPERATION_PERMISSION[op] not in fields["sp"]:
                raise ServiceError(403, "AuthorizationPermissionMismatch", "This request is not authorized to perform this operation using this permission.")

        # --- operations -----------------------------------------------------------------

        def container_blobs(self, container):
            entry = state.containers.get(container)
            if entry is None:
                raise ServiceError(404, "ContainerNotFound", "The specified container does not exist.")
            return entry["blobs"]

        def blob_headers(self, blob):
            return {
                "ETag": blob.etag,
                "Last-Modified": http_date(blob.modified),
                "x-ms-creation-time": http_date(blob.created),
                "x-ms-blob-type": "BlockBlob",
                "x-ms-lease-status": "unlocked",
                "x-ms-lease-state": "available",
                "x-ms-server-encrypted": "true",
                "Accept-Ranges": "bytes",
                "Content-Type": blob.content_type,
            }

        def op_CreateContainer(self, method, container, blob, query, body, fault):
            public = self.headers.get("x-ms-blob-public-access")
            with state.lock:
                if container in state.containers:
                    raise ServiceError(409, "ContainerAlreadyExists", "The specified container already exists.")
                state.containers[container] = {"public": public, "blobs": {}}
            self.send(201, b"", {"ETag": '"0x8D%08X%07X"' % (int(time.time()), next_etag_counter()), "Last-Modified": http_date(datetime.datetime.now(datetime.timezone.utc))})

        def op_DeleteContainer(self, method, container, blob, query, body, fault):
            with state.lock:
                if state.containers.pop(container, None) is None:
                    raise ServiceError(404, "ContainerNotFound", "The specified container does not exist.")
                for pending in [k for k in state.uncommitted if k[0] == container]:
                    del state.uncommitted[pending]
            self.send(202)

        def op_ListBlobs(self, method, container, blob, query, body, fault):
            prefix = query.get("prefix", "")
            marker = query.get("marker", "")
            try:
                page_size = int(query.get("maxresults", "5000"))
            except ValueError:
                page_size = 0
            if not 1 <= page_size <= 5000:
                raise ServiceError(400, "OutOfRangeQueryParameterValue", "maxresults must be between 1 and 5000.")
            start_name = ""
            if marker:
                if not marker.startswith("2!"):
                    raise ServiceError(400, "InvalidQueryParameterValue", "The marker is not valid.")
                try:
                    start_name = base64.b64decode(marker[2:], validate=True).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError):
                    raise ServiceError(400, "InvalidQueryParameterValue", "The marker is not valid.")
            with state.lock:
                blobs = self.container_blobs(container)
                names = sorted(name for name in blobs if name.startswith(prefix) and name >= start_name)
                page = [(name, blobs[name]) for name in names[:page_size]]
            next_marker = "2!" + base64.b64encode(names[page_size].encode("utf-8")).decode() if len(names) > page_size else ""
            origin = "http://" + self.headers.get("Host", "127.0.0.1")
            out = ['<?xml version="1.0" encoding="utf-8"?>']
            out.append('<EnumerationResults ServiceEndpoint="%s/%s/" ContainerName="%s">' % (escape(origin), account, escape(container)))
            if prefix:
                out.append("<Prefix>%s</Prefix>" % escape(prefix))
            if marker:
                out.append("<Marker>%s</Marker>" % escape(marker))
            if "maxresults" in query:
                out.append("<MaxResults>%d</MaxResults>" % page_size)
            out.append("<Blobs>")
            for name, item in page:
                if all(ch in "\t\n" or (0x20 <= ord(ch) < 0xD800) or (0xE000 <= ord(ch) <= 0xFFFD) or ord(ch) > 0xFFFF for ch in name):
                    out.append("<Blob><Name>%s</Name>" % escape(name))
                else:
                    out.append('<Blob><Name Encoded="true">%s</Name>' % quote(name, safe="/"))
                out.append(
                    "<Properties><Creation-Time>%s</Creation-Time><Last-Modified>%s</Last-Modified><Etag>%s</Etag>"
                    "<Content-Length>%d</Content-Length><Content-Type>%s</Content-Type><Content-Encoding /><Content-Language />"
                    "<Content-CRC64 /><Content-MD5>%s</Content-MD5><Cache-Control /><Content-Disposition /><BlobType>BlockBlob</BlobType>"
                    "<AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred><LeaseStatus>unlocked</LeaseStatus>"
                    "<LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted></Properties><Metadata /></Blob>"
                    % (
                        http_date(item.created),
                        http_date(item.modified),
                        item.etag_value,
                        len(item.data),
                        escape(item.content_type),
                        base64.b64encode(hashlib.md5(item.data).digest()).decode(),
                    )
                )
            out.append("</Blobs>")
            out.append("<NextMarker>%s</NextMarker>" % escape(next_marker) if next_marker else "<NextMarker />")
            out.append("</EnumerationResults>")
            self.send(200, "".join(out).encode("utf-8"), {"Content-Type": "application/xml"}, method)

        def find_blob(self, container, name):
            with state.lock:
                item = self.container_blobs(container).get(name)
            if item is None:
                raise ServiceError(404, "BlobNotFound", "The specified blob does not exist.")
            return item

        def check_conditions(self, item, method):
            if_match = self.headers.get("If-Match")
            if if_match is not None and if_match != "*" and item.etag not in [v.strip() for v in if_match.split(",")]:
                raise ServiceError(412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) is not met.")
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match is not None and (if_none_match == "*" or item.etag in [v.strip() for v in if_none_match.split(",")]):
                if method in ("GET", "HEAD"):
                    raise ServiceError(304, "ConditionNotMet", "The condition specified using HTTP conditional header(s) is not met.")
                raise ServiceError(409, "BlobAlreadyExists", "The specified blob already exists.")

        def op_GetBlobProperties(self, method, container, blob, query, body, fault):
            item = self.find_blob(container, blob)
            self.check_conditions(item, method)
            headers = self.blob_headers(item)
            headers["Content-Length"] = str(len(item.data))
            self.send(200, b"", headers, "HEAD")

        def op_GetBlob(self, method, container, blob, query, body, fault):
            item = self.find_blob(container, blob)
            self.check_conditions(item, method)
            data = item.data
            headers = self.blob_headers(item)
            range_text = self.headers.get("x-ms-range") or self.headers.get("Range")
            if not range_text:
                headers["Content-MD5"] = base64.b64encode(hashlib.md5(data).digest()).decode()
                return self.send(200, data, headers, method)
            try:
                unit, _, spec = range_text.partition("=")
                first_text, _, last_text = spec.partition("-")
                first = int(first_text)
                last = int(last_text) if last_text else len(data) - 1
                if unit.strip() != "bytes" or first < 0 or last < first:
                    raise ValueError
            except ValueError:
                raise ServiceError(416, "InvalidRange", "The range specified is invalid for the current size of the resource.",
                                   headers={"Content-Range": "bytes */%d" % len(data)})
            if first >= len(data):
                raise ServiceError(416, "InvalidRange", "The range specified is invalid for the current size of the resource.",
                                   headers={"Content-Range": "bytes */%d" % len(data)})
            last = min(last, len(data) - 1)
            if fault and fault.get("short") and last > first:
                last -= 1
            headers["Content-Range"] = "bytes %d-%d/%d" % (first, last, len(data))
            self.send(206, data[first : last + 1], headers, method)

        def op_PutBlob(self, method, container, blob, query, body, fault):
            if self.headers.get("x-ms-blob-type") != "BlockBlob":
                raise ServiceError(400, "InvalidHeaderValue", "The value for one of the HTTP headers is not in the correct format (x-ms-blob-type must be BlockBlob).")
            content_type = self.headers.get("x-ms-blob-content-type") or self.headers.get("Content-Type")
            with state.lock:
                blobs = self.container_blobs(container)
                if blob in blobs:
                    self.check_conditions(blobs[blob], method)
                elif self.headers.get("If-Match") is not None:
                    raise ServiceError(412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) is not met.")
                item = Blob(body, content_type, [])
                blobs[blob] = item
                state.uncommitted.pop((container, blob), None)
            self.send(201, b"", {"ETag": item.etag, "Last-Modified": http_date(item.modified),
                                 "Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode(),
                                 "x-ms-request-server-encrypted": "true"})

        def op_PutBlock(self, method, container, blob, query, body, fault):
            block_id = query.get("blockid", "")
            try:
                raw_id = base64.b64decode(block_id, validate=True)
            except binascii.Error:
                raw_id = b""
            if not block_id or not raw_id or len(raw_id) > 64:
                raise ServiceError(400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in the request URI is invalid (blockid).")
            with state.lock:
                self.container_blobs(container)
                pending = state.uncommitted.setdefault((container, blob), {})
                if any(len(other) != len(block_id) for other in pending):
                    raise ServiceError(400, "InvalidBlobOrBlock", "The specified blob or block content is invalid (block ids of one blob must have one length).")
                pending[block_id] = body
            self.send(201, b"", {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode(),
                                 "x-ms-request-server-encrypted": "true"})

        def op_PutBlockList(self, method, container, blob, query, body, fault):
            try:
                root = ET.fromstring(body)
            except ET.ParseError:
                raise ServiceError(400, "InvalidXmlDocument", "XML specified is not syntactically valid.")
            if root.tag != "BlockList":
                raise ServiceError(400, "InvalidXmlDocument", "XML specified is not syntactically valid (no BlockList).")
            content_type = self.headers.get("x-ms-blob-content-type")
            with state.lock:
                blobs = self.container_blobs(container)
                if blob in blobs:
                    self.check_conditions(blobs[blob], method)
                pending = state.uncommitted.get((container, blob), {})
                committed = dict(blobs[blob].blocks) if blob in blobs else {}
                chosen = []
                for element in root:
                    block_id = (element.text or "").strip()
                    if element.tag == "Uncommitted":
                        data = pending.get(block_id)
                    elif element.tag == "Committed":
                        data = committed.get(block_id)
                    elif element.tag == "Latest":
                        data = pending.get(block_id, committed.get(block_id))
                    else:
                        raise ServiceError(400, "InvalidXmlDocument", "Unknown element <%s> in the block list." % element.tag)
                    if data is None:
                        raise ServiceError(400, "InvalidBlockList", "The specified block list is invalid.")
                    chosen.append((block_id, data))
                item = Blob(b"".join(data for _, data in chosen), content_type, chosen)
                blobs[blob] = item
                state.uncommitted.pop((container, blob), None)
            self.send(201, b"", {"ETag": item.etag, "Last-Modified": http_date(item.modified),
                                 "x-ms-request-server-encrypted": "true"})

        def op_DeleteBlob(self, method, container, blob, query, body, fault):
            with state.lock:
                blobs = self.container_blobs(container)
                if blobs.pop(blob, None) is None:
                    raise ServiceError(404, "BlobNotFound", "The specified blob does not exist.")
                state.uncommitted.pop((container, blob), None)
            self.send(202)

    return Handler


def main():
    parser = argparse.ArgumentParser(description="Loopback stand-in for the Azure Blob Storage REST API (the part Sluice uses).")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--account", default=DEFAULT_ACCOUNT)
    parser.add_argument("--key", default=DEFAULT_KEY, help="the account key, base64")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args()
    base64.b64decode(args.key, validate=True)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(State(), args.account, args.key, args.verbose))
    server.daemon_threads = True
    print("azure blob stand-in: http://127.0.0.1:%d/%s" % (args.port, args.account), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
