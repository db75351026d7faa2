import SluiceCore

extension NATSJetStreamTarget {
    public static let declaration = ComponentDeclaration(
        summary: """
            Publishes each record as a JSON message to `subject` (or to `subject.<value>` with \
            `subjectField`) and waits for the JetStream stream's acknowledgement of every one; \
            up to `maxInFlight` publishes go out before their acknowledgements are awaited, and an \
            error answer fails the job naming the message and the server's reason. A subject no \
            stream takes fails the job (nothing answers it); with `stream` the stream must exist \
            when the job starts and every message must land in it. Each message carries a \
            `Nats-Msg-Id` header, the record's `idField` or else the SHA-256 of its subject and \
            JSON in hex, and the server stores each ID once within the stream's duplicate window \
            (two minutes by default): a micro-batch published again after a failure is not \
            stored twice, and without `idField` neither is an identical record within the window. \
            A record without its `idField` (or whose `subjectField` does not make a subject) goes \
            to the dead-letter queue. A stream cannot take messages back: a job that fails leaves \
            what was acknowledged (at-least-once delivery, de-duplicated by the server). \
            `nats://` only (no TLS).
            """,
        config: ObjectShape([
            .required("url", .text(format: "url"), "`nats://[user:password@]host[:port]`, or `nats://token@host[:port]`."),
            .required("subject", .nonEmptyText, "The subject published to (no wildcards)."),
            .optional("subjectField", .nonEmptyText, "A field whose text (or whole number) is added to `subject` as its last token(s)."),
            .optional("idField", .nonEmptyText, "The field whose value is each message's `Nats-Msg-Id` (without it: a hash of subject and message)."),
            .optional("stream", .nonEmptyText, "The stream the messages must land in (checked at the start and by every acknowledgement)."),
            .optional("maxInFlight", .integer(1, 100_000), default: 1000, "Publishes sent before their acknowledgements are awaited."),
            .optional("connectTimeoutMs", .integer(1, 3_600_000), default: 10_000, "Milliseconds connecting and signing in may take."),
            .optional("timeoutMs", .integer(1, 3_600_000), default: 30_000, "Milliseconds the acknowledgements of a window of publishes may take."),
        ]),
        examples: [
            ComponentExample(
                "Orders de-duplicated by their id, into a stream that must exist",
                config: #"{"url": "nats://localhost:{port}", "subject": "orders.new", "idField": "id", "stream": "ORDERS"}"#,
                input: #"[{"id": 1, "total": 12.5}, {"id": 2, "total": 80}, {"id": 1, "total": 12.5}]"#,
                output: #"[{"subject": "orders.new", "msgId": "1", "data": {"id": 1, "total": 12.5}}, {"subject": "orders.new", "msgId": "2", "data": {"id": 2, "total": 80}}]"#),
            ComponentExample(
                "A subject per kind of event, signed in with a password",
                config: #"{"url": "nats://loader:${env:SLUICE_SECRET_NATS_PASSWORD}@localhost:{port}", "subject": "events", "subjectField": "kind", "maxInFlight": 100}"#,
                input: #"[{"kind": "click", "page": "/home"}, {"kind": "view", "page": "/cart"}]"#,
                output: #"[{"subject": "events.click", "msgId": "80cf219e80149bc5f6b8126b61a37a5f44d77753d25aa2c62a330c8a40bb90a1", "data": {"kind": "click", "page": "/home"}}, {"subject": "events.view", "msgId": "d13e6374934d269afddf751bd475d917bc0e076c02fe6b67fc5781bcdf2ae22a", "data": {"kind": "view", "page": "/cart"}}]"#),
        ])
}
