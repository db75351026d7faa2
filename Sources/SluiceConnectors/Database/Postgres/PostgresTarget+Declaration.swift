import SluiceCore

extension PostgresTarget {
    public static let declaration = ComponentDeclaration(
        summary: """
            Writes the records into a PostgreSQL table (`table` or `schema.table`), created when \
            missing. `insert` loads each batch with `COPY`; `upsert` copies each batch into a \
            temporary table and runs `INSERT … ON CONFLICT (keys) DO UPDATE`, setting only the \
            columns the records have (of records with the same keys in one batch the last wins; \
            the table needs a primary key or unique index on exactly `keys`); `replace` empties the \
            table (`TRUNCATE`) and loads the records; `apply` applies the change events of a \
            `postgres_cdc` source in order: `insert` and `update` upsert `after` on `keys` (an \
            update that changed the key first deletes the row under the old key), `delete` deletes \
            the row with `key`, `truncate` empties the table. The events of every captured table go \
            to this one table, so capture one table per job or `filter` on `table`. Every mode \
            writes in one transaction for the whole job (`commit: "job"`, the default), so a job \
            that fails, is cancelled or is killed leaves the table exactly as it was (the server \
            rolls back the transaction of a dropped connection; a table the job created is gone \
            too). `commit: "batch"` commits each batch as it is written instead, for very large \
            loads: a failed job then leaves the batches it wrote (`replace` and jobs with \
            `incremental` always use one transaction). A batch the server refuses is retried row by row in savepoints: the other rows land and \
            each bad one goes to the dead-letter queue with the server's own message (`ERROR: \
            duplicate key value violates unique constraint "orders_pkey" (SQLSTATE 23505): Key \
            (id)=(7) already exists.`). With `createTable` a missing table is made from the job's \
            schema, else from the first batch, with `bigint`, `double precision`, `text`, \
            `boolean`, `timestamptz` and `jsonb` columns and `keys` as its primary key. Values are \
            sent in PostgreSQL's text form, so an existing column of any type that reads that text \
            (numeric, date, uuid …) takes them. Connections come from the pool shared by every job \
            naming the same server, user and credentials.
            """,
        config: ObjectShape(
            DatabaseConnectionFields.fields(.postgres)
                + DatabaseConnectionFields.targetFields(table: "The table written to: `table` or `schema.table` (case-sensitive)."),
            rules: DatabaseConnectionFields.rules),
        examples: [
            ComponentExample(
                "insert into a new table",
                config: #"{"url": "postgres://etl@localhost:5432/shop", "password": "${env:SLUICE_SECRET_PGPASSWORD}", "table": "orders", "keys": ["id"]}"#,
                input: #"[{"id": 1, "customer": "Ada", "total": 250.5, "paid": true, "details": {"channel": "web"}}, {"id": 2, "customer": "Grace", "total": 80.0, "paid": false, "details": null}]"#,
                output: #"[{"id": 1, "customer": "Ada", "total": 250.5, "paid": true, "details": {"channel": "web"}}, {"id": 2, "customer": "Grace", "total": 80.0, "paid": false, "details": null}]"#),
            ComponentExample(
                "upsert on a key: the last record for a key wins, absent fields keep their values",
                config: #"{"url": "postgres://etl@localhost:5432/shop", "password": "${env:SLUICE_SECRET_PGPASSWORD}", "table": "stock", "mode": "upsert", "keys": ["sku"]}"#,
                input: #"[{"sku": "A-1", "name": "bolt", "qty": 10}, {"sku": "B-2", "name": "nut", "qty": 5}, {"sku": "A-1", "qty": 7}]"#,
                output: #"[{"sku": "A-1", "name": "bolt", "qty": 7}, {"sku": "B-2", "name": "nut", "qty": 5}]"#),
            ComponentExample(
                "apply change events to a replica",
                config: #"{"url": "postgres://etl@localhost:5432/shop", "password": "${env:SLUICE_SECRET_PGPASSWORD}", "tls": {"mode": "prefer"}, "pool": {"maxConnections": 2, "idleTimeoutSeconds": 30}, "retry": {"maxRetries": 5, "retryDelay": 200, "maxDelay": 5000}, "circuitBreaker": {"failureThreshold": 5, "cooldownMs": 30000}, "table": "orders", "mode": "apply", "keys": ["id"]}"#,
                input: #"[{"op": "insert", "key": {"id": 1}, "before": null, "after": {"id": 1, "status": "open"}}, {"op": "insert", "key": {"id": 2}, "before": null, "after": {"id": 2, "status": "open"}}, {"op": "update", "key": {"id": 1}, "before": null, "after": {"id": 1, "status": "paid"}}, {"op": "delete", "key": {"id": 2}, "before": {"id": 2}, "after": null}, {"op": "insert", "key": {"id": 3}, "before": null, "after": {"id": 3, "status": "open"}}]"#,
                output: #"[{"id": 1, "status": "paid"}, {"id": 3, "status": "open"}]"#),
        ])
}
