import SluiceCore

extension MySQLTarget {
    public static let declaration = ComponentDeclaration(
        summary: """
            Writes the records into a table of a MySQL or MariaDB database (`database` is required, \
            here or in the URL), created when missing. Each batch is written with multi-row prepared \
            `INSERT`s; `upsert` adds `ON DUPLICATE KEY UPDATE` for the columns the records have \
            (absent ones keep their stored values; the table needs a PRIMARY KEY or UNIQUE index on \
            exactly `keys`); `replace` deletes every row (`DELETE`, since `TRUNCATE` would commit) \
            and loads the records; `apply` applies the change events of a `postgres_cdc` source in \
            order: `insert` and `update` upsert `after` on `keys` (an update that changed the key \
            first deletes the row under the old key), `delete` deletes the row with `key`, \
            `truncate` deletes every row. Every mode writes in one transaction for the whole job \
            (`commit: "job"`, the default), so a job that fails, is cancelled or is killed leaves \
            the table's rows exactly as they were (the server rolls back the transaction of a \
            dropped connection). Creating a table is DDL, which MySQL commits at once: a failed or \
            cancelled job drops the table it created (unless another job committed rows into it \
            meanwhile; this takes the LOCK TABLES privilege), but a killed one leaves it, empty. \
            `commit: "batch"` commits each batch as it is written instead, for very large loads: \
            a failed job then leaves the batches it wrote (`replace` and jobs with `incremental` \
            always use one transaction). A batch the server refuses is retried row by row \
            in savepoints: the other rows land and each bad one (duplicate key, NULL in a NOT NULL \
            column, CHECK, a value out of range in strict mode, a foreign key) goes to the \
            dead-letter queue with the server's own message. With `createTable` a missing table is \
            made from the job's schema, else from the first batch: `BIGINT`, `DOUBLE`, `LONGTEXT` \
            (`VARCHAR(255)` for keys), `BOOLEAN`, `DATETIME(6)` and `JSON` columns, `keys` as \
            primary key, InnoDB and utf8mb4.
            """,
        config: ObjectShape(
            DatabaseConnectionFields.fields(.mysql) + DatabaseConnectionFields.targetFields(table: "The table written to, in `database`."),
            rules: DatabaseConnectionFields.rules),
        examples: [
            ComponentExample(
                "insert into a new table",
                config: #"{"url": "mysql://etl@localhost:3306/shop", "password": "${env:SLUICE_SECRET_MYSQL_PASSWORD}", "table": "orders", "keys": ["id"]}"#,
                input: #"[{"id": 1, "customer": "Ada", "total": 250.5, "paid": true}, {"id": 2, "customer": "Grace", "total": 80.0, "paid": false}]"#,
                output: #"[{"id": 1, "customer": "Ada", "total": 250.5, "paid": true}, {"id": 2, "customer": "Grace", "total": 80.0, "paid": false}]"#),
            ComponentExample(
                "upsert on a key: the last record for a key wins, absent fields keep their values",
                config: #"{"url": "mysql://etl@localhost:3306/shop", "password": "${env:SLUICE_SECRET_MYSQL_PASSWORD}", "table": "stock", "mode": "upsert", "keys": ["sku"]}"#,
                input: #"[{"sku": "A-1", "name": "bolt", "qty": 10}, {"sku": "B-2", "name": "nut", "qty": 5}, {"sku": "A-1", "qty": 7}]"#,
                output: #"[{"sku": "A-1", "name": "bolt", "qty": 7}, {"sku": "B-2", "name": "nut", "qty": 5}]"#),
            ComponentExample(
                "apply change events to a replica",
                config: #"{"url": "mysql://etl@localhost:3306/shop", "password": "${env:SLUICE_SECRET_MYSQL_PASSWORD}", "tls": {"mode": "prefer"}, "pool": {"maxConnections": 2, "idleTimeoutSeconds": 30}, "retry": {"maxRetries": 5, "retryDelay": 200, "maxDelay": 5000}, "circuitBreaker": {"failureThreshold": 5, "cooldownMs": 30000}, "table": "orders", "mode": "apply", "keys": ["id"]}"#,
                input: #"[{"op": "insert", "key": {"id": 1}, "before": null, "after": {"id": 1, "status": "open"}}, {"op": "insert", "key": {"id": 2}, "before": null, "after": {"id": 2, "status": "open"}}, {"op": "update", "key": {"id": 1}, "before": null, "after": {"id": 1, "status": "paid"}}, {"op": "delete", "key": {"id": 2}, "before": {"id": 2}, "after": null}, {"op": "insert", "key": {"id": 3}, "before": null, "after": {"id": 3, "status": "open"}}]"#,
                output: #"[{"id": 1, "status": "paid"}, {"id": 3, "status": "open"}]"#),
        ])
}
