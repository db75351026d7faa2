import SluiceCore

extension RedisStreamSource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Reads a Redis stream through a consumer group (created at `start` with the stream when \
            missing): first the entries this `consumer` was given but never acknowledged (a run \
            that failed), then entries other consumers left pending for `claimIdleMs` (taken over \
            with `XAUTOCLAIM`), then new ones, until `maxRecords` or until no new entry arrives \
            within `blockMs`. An entry's fields become the record's text fields, or with \
            `valueField` the JSON object in that field is the record; an entry that is not goes to \
            the dead-letter queue naming its ID. Entries are acknowledged (`XACK`) only after the \
            target committed: a failed or killed run leaves them pending, and the next run reads \
            them again (at-least-once; exactly once in effect with an upsert target). Write the \
            password in the URL as `${env:NAME}`.

            With `continuous: true` the job never ends by itself: it reads until it is stopped \
            (`POST /jobs/:id/stop`), commits in micro-batches and acknowledges each after its \
            commit, takes over other consumers' stale entries every `claimIdleMs`, and when the \
            connection is lost (the server restarted) it connects again for up to \
            `reconnectTimeoutMs` and reads its own pending entries first, so nothing the server \
            kept is lost.
            """,
        config: ObjectShape([
            .required("url", .text(format: "url"), "`redis://[user[:password]@]host[:port][/database]`."),
            .required("stream", .nonEmptyText, "The stream's key."),
            .required("group", .nonEmptyText, "The consumer group."),
            .optional("consumer", .nonEmptyText, default: "sluice", "This reader's name in the group."),
            .optional("start", .nonEmptyText, default: "0", "Where a new group starts: `0` (the whole stream), `$` (new entries only) or an entry ID."),
            .optional("valueField", .nonEmptyText, "The field holding each entry's record as a JSON object (without it the fields are the record)."),
            .optional("idField", .nonEmptyText, "A field added to each record with its entry ID."),
            .optional("maxRecords", .integer(1, Int(Int32.max)), "The read ends after this many entries."),
            .optional("continuous", .boolean, default: false, "Read until the job is stopped, committing in micro-batches (see the job's `commitEvery`)."),
            .optional("blockMs", .integer(1, 3_600_000), "The read ends when no new entry arrives within this many milliseconds (default 1000); continuous: how long one wait for new entries lasts (default 100)."),
            .optional("reconnectTimeoutMs", .integer(0, 86_400_000), default: 60_000, "Continuous only: how long the reader keeps trying to connect again after the connection was lost."),
            .optional("claimIdleMs", .integer(0, 86_400_000), default: 60_000, "Entries pending with another consumer for this long are taken over."),
            .optional("connectTimeoutMs", .integer(1, 3_600_000), default: 10_000, "Milliseconds connecting and signing in may take."),
            .optional("timeoutMs", .integer(1, 3_600_000), default: 30_000, "Milliseconds any command may wait for its answer (besides blockMs)."),
        ]),
        examples: [
            ComponentExample(
                "Orders as JSON in a `data` field, with their entry IDs",
                config: #"{"url": "redis://localhost:{port}/0", "stream": "orders", "group": "warehouse", "valueField": "data", "maxRecords": 1000, "blockMs": 200}"#,
                output: #"[{"id": 1, "total": 12.5}, {"id": 2, "total": 80}]"#,
                files: ["orders": #"{"data": "{\"id\": 1, \"total\": 12.5}"}"# + "\n" + #"{"data": "{\"id\": 2, \"total\": 80}"}"# + "\n"]),
            ComponentExample(
                "Entries' fields as text, by an ACL user",
                config: #"{"url": "redis://loader:${env:SLUICE_SECRET_REDIS_PASSWORD}@localhost:{port}", "stream": "clicks", "group": "etl", "consumer": "sluice-1", "idField": "entryId", "blockMs": 200}"#,
                output: #"[{"page": "/home", "user": "7", "entryId": "1-1"}, {"page": "/cart", "user": "9", "entryId": "1-2"}]"#,
                files: ["clicks": #"{"page": "/home", "user": "7", "_id": "1-1"}"# + "\n" + #"{"page": "/cart", "user": "9", "_id": "1-2"}"# + "\n"]),
        ])
}
