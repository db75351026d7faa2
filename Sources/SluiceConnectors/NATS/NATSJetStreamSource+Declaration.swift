import SluiceCore

extension NATSJetStreamSource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Reads a NATS JetStream stream through a durable pull consumer, created when the read \
            opens (acknowledgements explicit, `ackWaitMs`, `maxAckPending`, the `subject` filter) \
            or, when it exists, given those settings and going on from where it was. Messages are \
            fetched in batches: a fetch is answered at once with what is there, or after up to \
            `fetchWaitMs` when nothing is, and the read ends at the first fetch that finds \
            nothing, or at `maxRecords`. Each payload's JSON object is a record (with \
            `valueField`, its JSON value goes in that one field); `subjectField` and \
            `sequenceField` add the message's subject and stream sequence. A payload that is not \
            a JSON object goes to the dead-letter queue naming its stream sequence and subject. \
            Messages are acknowledged only after the target committed: a failed or killed run \
            leaves them unacknowledged, and the server delivers them again once `ackWaitMs` has \
            passed (at-least-once; exactly once in effect with an upsert target); a message \
            delivered again during the same read is handed on once. A batch read takes at most \
            `maxAckPending` messages before its commit; the next run goes on. Needs nats-server \
            2.9 or later with JetStream; `nats://` only (no TLS). Write the password in the URL \
            as `${env:NAME}`.

            With `continuous: true` the job never ends by itself: it reads until it is stopped \
            (`POST /jobs/:id/stop`), commits in micro-batches and acknowledges each after its \
            commit, and when the connection is lost (the server restarted) it connects again for \
            up to `reconnectTimeoutMs` and goes on; what the lost connection had not brought is \
            delivered again by the server after `ackWaitMs`, so nothing the stream kept is lost.
            """,
        config: ObjectShape([
            .required("url", .text(format: "url"), "`nats://[user:password@]host[:port]`, or `nats://token@host[:port]`."),
            .required("stream", .nonEmptyText, "The JetStream stream."),
            .required("durable", .nonEmptyText, "The durable consumer's name: it keeps what was delivered and acknowledged between runs."),
            .optional("subject", .nonEmptyText, "Only messages on this subject (wildcards `*` and `>` allowed): the consumer's filter."),
            .optional("valueField", .nonEmptyText, "Put each payload's JSON value (of any kind) in this one field, instead of taking its object as the record."),
            .optional("subjectField", .nonEmptyText, "A field added to each record with its message's subject."),
            .optional("sequenceField", .nonEmptyText, "A field added to each record with its message's stream sequence."),
            .optional("maxRecords", .integer(1, Int(Int32.max)), "The read ends after this many messages."),
            .optional("continuous", .boolean, default: false, "Read until the job is stopped, committing in micro-batches (see the job's `commitEvery`)."),
            .optional("fetchWaitMs", .integer(1, 3_600_000), "How long a fetch waits when no message is there: the read ends then (default 1000); continuous: how long one wait lasts (default 100). Shorter than ackWaitMs."),
            .optional("ackWaitMs", .integer(100, 86_400_000), default: 30_000, "Messages delivered and not acknowledged this long are delivered again (the consumer's `ack_wait`)."),
            .optional("maxAckPending", .integer(1, Int(Int32.max)), default: 100_000, "At most this many messages delivered and not yet acknowledged (the consumer's `max_ack_pending`)."),
            .optional("reconnectTimeoutMs", .integer(0, 86_400_000), default: 60_000, "Continuous only: how long the reader keeps trying to connect again after the connection was lost."),
            .optional("connectTimeoutMs", .integer(1, 3_600_000), default: 10_000, "Milliseconds connecting and signing in may take."),
            .optional("timeoutMs", .integer(1, 3_600_000), default: 30_000, "Milliseconds a request may wait for its answer (besides fetchWaitMs)."),
        ]),
        examples: [
            ComponentExample(
                "New orders with their subject and stream sequence",
                config: #"{"url": "nats://localhost:{port}", "stream": "ORDERS", "durable": "warehouse", "subject": "orders.new", "subjectField": "subject", "sequenceField": "seq", "fetchWaitMs": 200}"#,
                output: #"[{"id": 1, "total": 12.5, "subject": "orders.new", "seq": 2}, {"id": 2, "total": 80, "subject": "orders.new", "seq": 3}]"#,
                files: [
                    "orders.cancelled": #"{"id": 7}"# + "\n",
                    "orders.new": #"{"id": 1, "total": 12.5}"# + "\n" + #"{"id": 2, "total": 80}"# + "\n",
                ]),
            ComponentExample(
                "Readings of any JSON kind in one field, signed in with a password",
                config: #"{"url": "nats://loader:${env:SLUICE_SECRET_NATS_PASSWORD}@localhost:{port}", "stream": "SENSORS", "durable": "etl", "valueField": "reading", "maxRecords": 100, "ackWaitMs": 60000, "fetchWaitMs": 200}"#,
                output: #"[{"reading": 21.5}, {"reading": {"celsius": 22}}, {"reading": [20, 21]}]"#,
                files: ["sensors.kitchen": "21.5\n" + #"{"celsius": 22}"# + "\n" + "[20, 21]\n"]),
        ])
}
