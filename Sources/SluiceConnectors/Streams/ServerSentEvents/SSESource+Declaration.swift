import SluiceCore

extension SSESource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Reads records from a Server-Sent Events stream: a `GET` of `url` with \
            `Accept: text/event-stream` and the given `headers` (write secrets as `${env:NAME}`, \
            resolved when the job is planned). The body is parsed as it arrives by the rules of the \
            WHATWG HTML standard (`event`, multi-line `data`, `id`, `retry`, comments, a byte order \
            mark, CR, LF or CRLF line ends), and each event's `data` is JSON: an object is one \
            record, an array one record per object in it. Data that is not JSON, an element that is \
            not an object and an event larger than `maxMessageBytes` go to the dead-letter queue \
            with the event's ID and sequence number. `events` keeps only some event types, and \
            `idField`/`eventField` add each event's ID and type to its records. When the connection \
            drops (or is silent for `idleTimeoutMs`) it is reopened with `Last-Event-ID`, so the \
            server resumes after the last event received, waiting at least the server's `retry` \
            time; after `retry.maxRetries` failed attempts in a row the job fails naming the URL \
            (without its query string). A 4xx answer or a body that is not `text/event-stream` \
            fails at once; a 204 ends the read. The read ends after `maxRecords` records or \
            `maxDurationMs` (one of them is required); records go out in batches, a partial batch \
            after a short quiet spell. With `continuous: true` instead, the job reads until it is \
            stopped and commits in micro-batches; after a restart it starts at `lastEventId` \
            (events are not acknowledged to the server, so what it sent while the job was down is \
            read only if the server replays it).
            """,
        config: ObjectShape(
            [
                .required("url", .text(format: "url"), "An `http://` or `https://` URL of the event stream."),
                .optional("headers", .map("header name", .text), "Request headers, added to `Accept: text/event-stream`."),
                .optional(
                    "events", .array(.nonEmptyText, minItems: 1),
                    "The event types to keep (`message` for events without an `event` field); every type when absent."),
                .optional("idField", .fieldName, "Adds each event's ID (the last `id` sent, `null` when none) to its records as this field."),
                .optional("eventField", .fieldName, "Adds each event's type to its records as this field."),
                .optional(
                    "lastEventId", .text,
                    "Sent as `Last-Event-ID` on the first connection, to resume a stream after an event read before."),
            ] + StreamSettings.fields,
            rules: StreamSettings.rules),
        examples: [
            ComponentExample(
                "Orders with a token; heartbeats left out, the event ID kept",
                config: #"""
                    {"url": "http://localhost:{port}/orders.events", "headers": {"Authorization": "Bearer ${env:SLUICE_SECRET_SHOP_API_TOKEN}"}, "events": ["order"], "idField": "eventId", "maxRecords": 3, "maxDurationMs": 60000, "idleTimeoutMs": 30000, "retry": {"maxRetries": 5, "retryDelay": 200}}
                    """#,
                output: #"[{"id": 1, "total": 12.5, "eventId": "101"}, {"id": 2, "total": 80, "eventId": "102"}, {"id": 3, "total": 7.25, "eventId": "102"}]"#,
                files: [
                    "orders.events": """
                        : orders as they are placed
                        retry: 2000

                        event: order
                        id: 101
                        data: {"id": 1, "total": 12.5}

                        event: heartbeat
                        data: {}

                        event: order
                        id: 102
                        data: [{"id": 2, "total": 80},
                        data:  {"id": 3, "total": 7.25}]


                        """
                ]),
            ComponentExample(
                "Every event type, with the type as a field",
                config: #"""
                    {"url": "http://localhost:{port}/ticks.events", "eventField": "kind", "maxRecords": 2, "connectTimeoutMs": 5000, "maxMessageBytes": 65536}
                    """#,
                output: #"[{"symbol": "ACME", "price": 10.5, "kind": "trade"}, {"symbol": "ACME", "price": 10.75, "kind": "quote"}]"#,
                files: [
                    "ticks.events": """
                        event: trade
                        data: {"symbol": "ACME", "price": 10.5}

                        event: quote
                        data: {"symbol": "ACME", "price": 10.75}


                        """
                ]),
        ])
}
