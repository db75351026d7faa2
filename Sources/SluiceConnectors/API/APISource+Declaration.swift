import SluiceCore

extension APISource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Reads records from an HTTP API: a `GET` of `url`, or a `POST` of the JSON `body`, sent \
            with `Accept: application/json` and the given `headers` (write secrets as \
            `${env:NAME}`, resolved from the server's environment when the job is planned; a \
            literal value under a secret-looking header such as `Authorization` is shown as `***`). \
            An answer must hold a JSON array of records or an object holding one (at \
            `recordsPath`, else its only member that is an array of objects); an element that is \
            not an object goes to the dead-letter queue. `auth` signs requests in (bearer, basic, an \
            API key, or OAuth2 client credentials with the token cached, refreshed before it \
            expires and once more after a 401). `pagination` reads every page (page numbers, \
            offset/limit, a cursor or next URL from the body, or the `Link` header), each page \
            whole (up to `maxResponseBytes`) while the next is fetched; without it the one answer \
            is streamed into the parser as it arrives. Requests are paced by the host's shared \
            `rateLimit`, honour `Retry-After` and `X-RateLimit-Reset`, are retried with backoff on \
            connection errors, timeouts, 408, 429 and 5xx (`retry`), and go through the endpoint's \
            `circuitBreaker`; any other status fails the job with the server's message. \
            `timeoutMs` bounds the wait for an answer and any silence within it. With \
            `incremental`, `since` sends the stored watermark as a query parameter. Lineage and \
            messages name the URL without its query string, which may carry credentials.
            """,
        config: ObjectShape([
            .required("url", .text(format: "url"), "An `http://` or `https://` URL."),
            .optional("method", .choice(["GET", "POST"]), default: "GET", "The request method."),
            .optional("headers", .map("header name", .text), "Request headers, added to `Accept: application/json`."),
            .optional("body", .anyValue, "POST: the JSON body (sent with `Content-Type: application/json`); not sent with GET."),
            .optional("recordsPath", .nonEmptyText, "Dotted path of the records array inside the answer's object (`data.items`)."),
            .optional("timeoutMs", .integer(1, 3_600_000), default: 30_000, "Milliseconds an answer may take to start, and the longest silence while it arrives; an attempt past it fails (and is retried)."),
            HTTPAuth.field,
            .optional(
                "pagination",
                .object([
                    .required("type", .choice(["page", "offset", "cursor", "link", "nextUrl"]), "The pagination style."),
                    .optional("pageParam", .nonEmptyText, default: "page", "page: the page-number parameter."),
                    .optional("startPage", .integer(0, 1_000_000), default: 1, "page: the first page's number."),
                    .optional("pageSizeParam", .nonEmptyText, "page: the page-size parameter, sent with `pageSize`."),
                    .optional("pageSize", .integer(1, 1_000_000), "page: records per page (a shorter page is the last)."),
                    .optional("offsetParam", .nonEmptyText, default: "offset", "offset: the offset parameter."),
                    .optional("startOffset", .integer(0, 1_000_000_000), default: 0, "offset: the first offset."),
                    .optional("limitParam", .nonEmptyText, default: "limit", "offset: the limit parameter."),
                    .optional("limit", .integer(1, 1_000_000), "offset: records per request (required for offset)."),
                    .optional("cursorParam", .nonEmptyText, "cursor: the parameter the next cursor is sent as."),
                    .optional("cursorPath", .nonEmptyText, "cursor: dotted path of the next cursor in the body; absent, null or empty ends the read."),
                    .optional("nextUrlPath", .nonEmptyText, "nextUrl: dotted path of the next page's URL (absolute or relative) in the body."),
                    .optional("totalPath", .nonEmptyText, "page, offset: dotted path of the total number of records; the read ends once that many are read."),
                    .optional("stopOnShortPage", .boolean, default: true, "page, offset: a page with fewer records than the page size is the last."),
                    .optional("maxPages", .integer(1, 10_000_000), "The most pages read; the read ends there (without error)."),
                    .optional("followOtherHosts", .boolean, default: false, "link, nextUrl: follow a next page on another host (the request's credentials go with it)."),
                    .optional(
                        "prefetch", .integer(0, 8), default: .int(Pagination.defaultPrefetch),
                        "page, offset: pages requested ahead of the one being read, guessing that each page is full (a wrong guess is dropped; up to this many requests go past the last page). 0 sends one request at a time."),
                ]),
                "Reads every page. Every style also stops at an empty page, and a page that leads back to one already read fails the job."),
            NetworkRetryPolicy.field,
            RateLimiter.Settings.field,
            CircuitBreaker.Settings.field,
            SinceParameter.field,
            .optional("maxResponseBytes", .integer(1024, 4 << 30), default: .int(256 << 20), "With pagination: the largest page read whole, in bytes; a larger one fails the job naming this key."),
        ]),
        examples: [
            ComponentExample(
                "GET with a token; the records inside the answer",
                config:
                    #"{"url": "http://localhost:{port}/orders.json", "headers": {"Authorization": "Bearer ${env:SLUICE_SECRET_SHOP_API_TOKEN}"}, "recordsPath": "data.orders", "timeoutMs": 10000}"#,
                output: #"[{"id": 1, "total": 12.5, "status": "paid"}, {"id": 2, "total": 80, "status": "open"}]"#,
                files: [
                    "orders.json": #"{"data": {"orders": [{"id": 1, "total": 12.5, "status": "paid"}, {"id": 2, "total": 80, "status": "open"}]}, "next": null}"#
                        + "\n"
                ]),
            ComponentExample(
                "POST a JSON body; the answer is an array",
                config: #"{"url": "http://localhost:{port}/search.json", "method": "POST", "body": {"status": "paid", "limit": 100}}"#,
                output: #"[{"id": 1, "status": "paid"}, {"id": 3, "status": "paid"}]"#,
                files: ["search.json": #"[{"id": 1, "status": "paid"}, {"id": 3, "status": "paid"}]"# + "\n"]),
            ComponentExample(
                "Every page, by the next URL in each answer; signed in, paced, retried, incremental",
                config: #"""
                    {"url": "http://localhost:{port}/customers.json", "recordsPath": "items",
                     "auth": {"type": "bearer", "token": "${env:SLUICE_SECRET_SHOP_API_TOKEN}"},
                     "pagination": {"type": "nextUrl", "nextUrlPath": "links.next", "maxPages": 100},
                     "rateLimit": {"requestsPerSecond": 10, "burst": 5, "maxConcurrent": 2},
                     "retry": {"maxRetries": 5, "retryDelay": 200, "maxDelay": 10000},
                     "circuitBreaker": {"failureThreshold": 5, "cooldownMs": 60000},
                     "since": {"param": "updated_since"}, "maxResponseBytes": 16777216}
                    """#,
                output: #"[{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace"}, {"id": 3, "name": "Edsger"}]"#,
                files: [
                    "customers.json": #"{"items": [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Grace"}], "links": {"next": "customers-2.json"}}"# + "\n",
                    "customers-2.json": #"{"items": [{"id": 3, "name": "Edsger"}], "links": {"next": null}}"# + "\n",
                ]),
        ])
}
