import SluiceCore

extension SQLiteTarget {
    public static let declaration = ComponentDeclaration(
        summary: """
            Writes the records into a table of a SQLite database file, created when missing (its \
            directory must exist). A relative `path` is read against the server's working directory \
            (for `sluice run`, the directory it runs in); it must lie inside the data directories \
            (`SLUICE_DATA_DIRS`), and errors name the resolved absolute path. `insert` adds rows; \
            `upsert` inserts a record or updates the row with the same `keys`, where columns absent \
            from the record keep their stored values (the table needs a UNIQUE index or PRIMARY KEY \
            on exactly `keys`); `replace` deletes every row and loads the records. Every mode \
            writes in one transaction for the whole job (`commit: "job"`, the default), so a job \
            that fails, is cancelled or is killed leaves the table exactly as it was (a killed \
            job's transaction is rolled back from SQLite's journal the next time the file is \
            opened); other writers of the file wait meanwhile. `commit: "batch"` commits each \
            batch as it is written instead, for very large loads: a failed job then leaves the \
            batches it wrote (`replace` and jobs with `incremental` always use one transaction). \
            With `createTable` a missing table is made from the job's schema, else from \
            the first batch (INTEGER, REAL, TEXT, BOOLEAN, DATETIME or JSON columns), with a unique \
            index on `keys`. A row the database refuses (a constraint, a STRICT type) is retried \
            alone: the other rows land and it goes to the dead-letter queue with SQLite's message.
            """,
        config: ObjectShape([
            .required("path", .path, "The database file; relative paths are read against the server's working directory."),
            .required("table", .nonEmptyText, "The table written to."),
            .optional("mode", .choice(["insert", "upsert", "replace"]), default: "insert", "How rows already in the table are treated."),
            .optional("keys", .someFieldNames, "The columns identifying a row; required for `upsert`."),
            .optional("createTable", .boolean, default: true, "Whether a missing table is created."),
            DatabaseCommitScope.field,
        ]),
        examples: [
            ComponentExample(
                "insert into a new table",
                config: #"{"path": "{dir}/shop.db", "table": "orders"}"#,
                input: #"[{"id": 1, "customer": "Ada", "total": 250.5, "paid": true}, {"id": 2, "customer": "Grace", "total": 80.0, "paid": false}]"#,
                output: #"[{"id": 1, "customer": "Ada", "total": 250.5, "paid": true}, {"id": 2, "customer": "Grace", "total": 80.0, "paid": false}]"#),
            ComponentExample(
                "upsert on a key: the last record for a key wins, absent fields keep their values",
                config: #"{"path": "{dir}/shop.db", "table": "stock", "mode": "upsert", "keys": ["sku"]}"#,
                input: #"[{"sku": "A-1", "name": "bolt", "qty": 10}, {"sku": "B-2", "name": "nut", "qty": 5}, {"sku": "A-1", "qty": 7}]"#,
                output: #"[{"sku": "A-1", "name": "bolt", "qty": 7}, {"sku": "B-2", "name": "nut", "qty": 5}]"#),
            ComponentExample(
                "a very large load committed batch by batch (a failed job keeps the batches it wrote)",
                config: #"{"path": "{dir}/shop.db", "table": "events", "commit": "batch"}"#,
                input: #"[{"id": 1, "kind": "view"}, {"id": 2, "kind": "click"}]"#,
                output: #"[{"id": 1, "kind": "view"}, {"id": 2, "kind": "click"}]"#),
        ])
}
