import SluiceCore

extension MySQLSource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Reads a table or view of a MySQL or MariaDB database (optionally some `columns` and a \
            `where` condition) or the result of a `query`; the `?` placeholders of `where` or \
            `query` take `parameters`, written into the SQL as literals that cannot change the \
            statement (text as `_utf8mb4 X'…'`, dates as UTC `TIMESTAMP'…'`). The result streams \
            over the text protocol with backpressure (the socket is paused while a batch waits), so \
            a table of any size is read with about one batch in memory; the read holds one \
            connection of the pool until its end. Types: integers → int (`TINYINT(1)`/`BOOLEAN` → \
            bool); DECIMAL → int when integral and within 64 bits, else a double when the decimal \
            reads back exactly from it, else the exact decimal as a string (never a silent \
            rounding); FLOAT/DOUBLE → double; DATE, DATETIME and TIMESTAMP → dates read as UTC (the \
            session's time zone is UTC); JSON → the parsed value; binary strings and BLOBs → base64 \
            text; TIME, ENUM, SET and text → string; NULL → null. With `incremental` the bound goes \
            into the SQL (text compared by bytes, dates as UTC `DATETIME(6)`). Jobs naming the same \
            server, user and credentials share one connection pool per server process: at most \
            `pool.maxConnections` open, idle ones closed after `pool.idleTimeoutSeconds`, broken \
            ones replaced.
            """,
        config: ObjectShape(
            DatabaseConnectionFields.fields(.mysql) + [
                .optional("table", .nonEmptyText, "The table or view to read, in `database`."),
                .optional("columns", .someFieldNames, "With `table`: the columns to read; default: all, in table order."),
                .optional("where", .nonEmptyText, "With `table`: an SQL condition on its rows, with `?` placeholders for `parameters`."),
                .optional("query", .nonEmptyText, "A statement whose result is read, with `?` placeholders for `parameters`."),
                .optional(
                    "parameters", .array(.anything("a string, number, boolean, date or null")),
                    "Values for the `?` placeholders of `where` or `query`, in order: strings, numbers, booleans, dates or null."),
                .optional("batchSize", .integer(1, 1_000_000), "Rows per batch; default: the job's batch size (`BATCH_SIZE`)."),
            ],
            rules: DatabaseConnectionFields.rules + [
                .exactlyOne(["table", "query"]), .atMostOne(["query", "columns"]), .atMostOne(["query", "where"]),
            ]),
        examples: [
            ComponentExample(
                "some columns of a table, filtered",
                config: #"{"url": "mysql://etl@localhost:3306/shop", "password": "${env:SLUICE_SECRET_MYSQL_PASSWORD}", "table": "orders", "columns": ["id", "customer", "total"], "where": "status = ? AND total > ?", "parameters": ["paid", 100]}"#,
                input: #"[{"id": 1, "customer": "Ada", "total": 250.5, "status": "paid"}, {"id": 2, "customer": "Grace", "total": 80.0, "status": "paid"}, {"id": 3, "customer": "Linus", "total": 120.0, "status": "open"}, {"id": 4, "customer": "Ada", "total": 310.0, "status": "paid"}]"#,
                output: #"[{"id": 1, "customer": "Ada", "total": 250.5}, {"id": 4, "customer": "Ada", "total": 310.0}]"#),
            ComponentExample(
                "the result of a query, with connection settings as keys",
                config: #"{"url": "mysql://etl@localhost:3306/shop", "password": "${env:SLUICE_SECRET_MYSQL_PASSWORD}", "tls": {"mode": "prefer"}, "pool": {"maxConnections": 2, "idleTimeoutSeconds": 30}, "retry": {"maxRetries": 5, "retryDelay": 200, "maxDelay": 5000}, "circuitBreaker": {"failureThreshold": 5, "cooldownMs": 30000}, "connectTimeoutSeconds": 300, "batchSize": 500, "query": "SELECT customer, count(*) AS order_count, sum(total) AS spent FROM orders GROUP BY customer ORDER BY spent DESC"}"#,
                input: #"[{"id": 1, "customer": "Ada", "total": 250.5}, {"id": 2, "customer": "Grace", "total": 80.0}, {"id": 3, "customer": "Ada", "total": 49.5}]"#,
                output: #"[{"customer": "Ada", "order_count": 2, "spent": 300.0}, {"customer": "Grace", "order_count": 1, "spent": 80.0}]"#),
        ])
}
