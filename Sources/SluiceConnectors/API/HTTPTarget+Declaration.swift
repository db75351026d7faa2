import SluiceCore

extension HTTPTarget {
    public static let declaration = ComponentDeclaration(
        summary: """
            Sends records to an HTTP endpoint with `POST` (or `PUT`, `PATCH`): a JSON array of up \
            to `batchSize` records per request (`format: "json"`), the same as NDJSON \
            (`"ndjson"`), or one request per record (`"record"`). Requests carry `headers` and \
            `auth` like the `api` source's, are paced by the host's shared `rateLimit`, retried \
            with backoff on connection errors, timeouts, 408, 429 and 5xx (`retry`, honouring \
            `Retry-After`), and go through the endpoint's `circuitBreaker`. A retry resends the \
            same body with the same `idempotencyHeader` key (`<job id>-<request number>`), so an \
            endpoint that honours it applies each request once. Any other 4xx answer sends that \
            request's records to the dead-letter queue with the status and the answer's body, and \
            the job goes on; a request that still fails after its retries fails the job. An \
            endpoint cannot take records back: requests go out as the job runs, so a job that \
            fails leaves what the endpoint already accepted (at-least-once delivery).
            """,
        config: ObjectShape([
            .required("url", .text(format: "url"), "An `http://` or `https://` URL."),
            .optional("method", .choice(["POST", "PUT", "PATCH"]), default: "POST", "The request method."),
            .optional("format", .choice(Format.self), default: "json", "A JSON array per request, NDJSON, or one JSON object per request."),
            .optional("batchSize", .integer(1, 100_000), "Records per request for `json` and `ndjson` (default the target's `batchSize`, else 500)."),
            .optional("headers", .map("header name", .text), "Request headers, added to the content type."),
            HTTPAuth.field,
            .optional("idempotencyHeader", .nonEmptyText, "A header (`Idempotency-Key`) that carries `<job id>-<request number>`, the same on every retry of a request."),
            .optional("timeoutMs", .integer(1, 3_600_000), default: 30_000, "Milliseconds an answer may take to start, and the longest silence while it arrives."),
            NetworkRetryPolicy.field,
            RateLimiter.Settings.field,
            CircuitBreaker.Settings.field,
        ]),
        examples: [
            ComponentExample(
                "Batches of two as JSON arrays, signed in, with an idempotency key",
                config: #"""
                    {"url": "http://localhost:{port}/ingest", "batchSize": 2, "idempotencyHeader": "Idempotency-Key",
                     "auth": {"type": "bearer", "token": "${env:SLUICE_SECRET_SHOP_API_TOKEN}"},
                     "retry": {"maxRetries": 5, "retryDelay": 200, "maxDelay": 5000},
                     "rateLimit": {"requestsPerSecond": 20, "burst": 2}, "circuitBreaker": {"failureThreshold": 3}}
                    """#,
                input: #"[{"id": 1, "total": 12.5}, {"id": 2, "total": 80}, {"id": 3, "total": 7}]"#,
                output: #"[[{"id": 1, "total": 12.5}, {"id": 2, "total": 80}], [{"id": 3, "total": 7}]]"#),
            ComponentExample(
                "One PUT per record",
                config: #"{"url": "http://localhost:{port}/customers", "method": "PUT", "format": "record", "headers": {"X-Source": "sluice"}}"#,
                input: #"[{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace"}]"#,
                output: #"[{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace"}]"#),
        ])
}
