import SluiceCore

extension PostgresCDCSource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Change data capture from PostgreSQL: reads the row changes (inserts, updates, deletes, \
            truncates) committed since the last confirmed run from a logical replication slot, one \
            record per change: `{op, schema, table, key, before, after, lsn, xid, commitTime}`. The \
            server needs `wal_level = logical`; the built-in `pgoutput` plugin is read through the \
            SQL interface of logical decoding. Each run reads the slot's changes up to the WAL \
            position flushed when it started (with `maxChanges`, up to the first transaction end \
            past that many changes: only whole transactions are read). The slot is advanced only \
            after the target committed everything read, so a run that fails, or a server that \
            crashes, replays those changes next time: delivery is at least once, nothing is lost. \
            At the first run the publication (`publication`, default `sluice_<slot>`: `FOR TABLE` \
            the `tables`, or `FOR ALL TABLES` without them) and then the slot are created when \
            missing (unless `createSlot` is false); changes made before the slot exists are not \
            captured (load the existing rows with the `postgres` source first), and creating the \
            slot waits for the transactions running at that moment to end. An existing publication \
            is used as it is, but must publish the configured tables. `key` holds the replica \
            identity columns of the new row (insert, update) or the old row (delete), the primary \
            key under `REPLICA IDENTITY FULL`, null for a truncate; `before` the whole old row under \
            `REPLICA IDENTITY FULL`, otherwise the old key of a delete or of an update that changed \
            it, else null; `after` the new row of an insert or update (a TOASTed value an update \
            did not change is left out). `lsn`, `xid` and `commitTime` (the transaction's commit \
            time) differ on every server. A `postgres` or `mysql` target in `apply` mode keeps a \
            replica table in step. A slot that is never advanced keeps the server's WAL: drop the \
            slots of jobs that are gone (`SELECT pg_drop_replication_slot('name')`).

            With `continuous: true` the job streams changes until it is stopped, over the \
            streaming replication protocol (a connection with `replication=database`; the user \
            needs the `REPLICATION` attribute): it commits in micro-batches, and after each commit \
            tells the server (a standby status update) the end of the last transaction it \
            committed, so the slot advances and a crash or restart replays only what was not \
            committed. Status updates also answer the server's keepalives, so a slow target never \
            looks like a dead client.
            """,
        config: ObjectShape(
            DatabaseConnectionFields.fields(.postgres) + [
                .required(
                    "slot", .string(TextRule(minLength: 1, maxLength: 63)),
                    "The replication slot: lower-case letters, digits and `_`, at most 63 characters; created when missing."),
                .optional(
                    "publication", .string(TextRule(minLength: 1, maxLength: 63)),
                    "The publication naming the captured tables; default: `sluice_<slot>`, created when missing."),
                .optional(
                    "tables", .array(.nonEmptyText, minItems: 1),
                    "The tables a created publication captures (`table` for schema `public`, or `schema.table`); default: all tables."),
                .optional("createSlot", .boolean, default: true, "Whether a missing slot is created; false makes a missing slot an error."),
                .optional(
                    "maxChanges", .integer(1, 100_000_000),
                    "The most changes one run reads (rounded up to the end of a transaction); default: everything up to the run's start."),
                .optional(
                    "continuous", .boolean, default: false,
                    "Stream changes until the job is stopped, committing in micro-batches (see the job's `commitEvery`); instead of maxChanges."),
            ],
            rules: DatabaseConnectionFields.rules),
        examples: [
            ComponentExample(
                "the rows inserted since the slot was created (lsn, xid and commitTime differ on every server)",
                config: #"{"url": "postgres://etl@localhost:5432/shop", "password": "${env:SLUICE_SECRET_PGPASSWORD}", "tls": {"mode": "prefer"}, "pool": {"maxConnections": 2, "idleTimeoutSeconds": 30}, "retry": {"maxRetries": 5, "retryDelay": 200, "maxDelay": 5000}, "circuitBreaker": {"failureThreshold": 5, "cooldownMs": 30000}, "slot": "shop_orders", "tables": ["orders"], "maxChanges": 10000}"#,
                input: #"[{"id": 1, "customer": "Ada", "total": 250.5}, {"id": 2, "customer": "Grace", "total": 80.0}]"#,
                output: #"[{"op": "insert", "schema": "public", "table": "orders", "key": {"id": 1}, "before": null, "after": {"id": 1, "customer": "Ada", "total": 250.5}, "lsn": "0/1A2B3C8", "xid": 741, "commitTime": "2024-05-01T10:00:00.123456Z"}, {"op": "insert", "schema": "public", "table": "orders", "key": {"id": 2}, "before": null, "after": {"id": 2, "customer": "Grace", "total": 80.0}, "lsn": "0/1A2B4F0", "xid": 741, "commitTime": "2024-05-01T10:00:00.123456Z"}]"#),
        ])
}
