import SluiceCore

extension PostgresSource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Reads a PostgreSQL table or view (`table` or `schema.table`, optionally some `columns` \
            and a `where` condition) or the result of a `query` (`SELECT`, `VALUES`, `WITH …`, \
            `TABLE …`); `$1`, `$2` … in `where` or `query` take `parameters`, bound by the server, \
            never put into the SQL text. The read is one statement, so one snapshot: rows stream \
            with backpressure over the extended protocol and are decoded up to two batches ahead, \
            so a table of any size is never held in memory. Types: int2/int4/int8 → int; numeric \
            → int when integral and within 64 bits, else a double when the decimal reads back \
            exactly from it, else the exact decimal as a string (never a silent rounding); float4/\
            float8 → double; bool → bool; timestamptz → the UTC instant; timestamp and date → \
            dates read as UTC; json/jsonb → the parsed value; arrays → arrays; bytea → base64 text; \
            other types (uuid, interval, inet, enums …) → their text form; NULL → null. With \
            `incremental` the bound goes into the query (numbers compared as numeric, dates as \
            timestamptz, text by bytes). Jobs naming the same server, user and credentials share \
            one connection pool per server process: at most `pool.maxConnections` open, idle ones \
            closed after `pool.idleTimeoutSeconds`, broken ones replaced.
            """,
        config: ObjectShape(
            DatabaseConnectionFields.fields(.postgres) + [
                .optional("table", .nonEmptyText, "The table or view to read: `table` or `schema.table` (case-sensitive)."),
                .optional("columns", .someFieldNames, "With `table`: the columns to read; default: all, in table order."),
                .optional("where", .nonEmptyText, "With `table`: an SQL condition on its rows, with `$1`, `$2` … for `parameters`."),
                .optional("query", .nonEmptyText, "A query whose result is read, with `$1`, `$2` … for `parameters`."),
                .optional(
                    "parameters", .array(.anyValue),
                    "Values bound to `$1`, `$2` … in order, sent as text that the server types from where it is used (arrays as array literals)."),
            ],
            rules: DatabaseConnectionFields.rules + [
                .exactlyOne(["table", "query"]), .atMostOne(["query", "columns"]), .atMostOne(["query", "where"]),
            ]),
        examples: [
            ComponentExample(
                "some columns of a table, filtered",
                config: #"{"url": "postgres://etl@localhost:5432/shop?sslmode=prefer", "password": "${env:SLUICE_SECRET_PGPASSWORD}", "table": "orders", "columns": ["id", "customer", "total"], "where": "status = $1 AND total > $2", "parameters": ["paid", 100]}"#,
                input: #"[{"id": 1, "customer": "Ada", "total": 250.5, "status": "paid"}, {"id": 2, "customer": "Grace", "total": 80.0, "status": "paid"}, {"id": 3, "customer": "Linus", "total": 120.0, "status": "open"}, {"id": 4, "customer": "Ada", "total": 310.0, "status": "paid"}]"#,
                output: #"[{"id": 1, "customer": "Ada", "total": 250.5}, {"id": 4, "customer": "Ada", "total": 310.0}]"#),
            ComponentExample(
                "the result of a query, with connection settings as keys",
                config: #"{"url": "postgres://etl@localhost:5432/shop", "password": "${env:SLUICE_SECRET_PGPASSWORD}", "tls": {"mode": "prefer"}, "pool": {"maxConnections": 2, "idleTimeoutSeconds": 30}, "retry": {"maxRetries": 5, "retryDelay": 200, "maxDelay": 5000}, "circuitBreaker": {"failureThreshold": 5, "cooldownMs": 30000}, "applicationName": "nightly-export", "query": "SELECT customer, count(*) AS order_count, sum(total) AS spent, max(details->>'channel') AS channel FROM orders GROUP BY customer ORDER BY spent DESC"}"#,
                input: #"[{"id": 1, "customer": "Ada", "total": 250.5, "details": {"channel": "web"}}, {"id": 2, "customer": "Grace", "total": 80.0, "details": {"channel": "shop"}}, {"id": 3, "customer": "Ada", "total": 49.5, "details": {"channel": "web"}}]"#,
                output: #"[{"customer": "Ada", "order_count": 2, "spent": 300.0, "channel": "web"}, {"customer": "Grace", "order_count": 1, "spent": 80.0, "channel": "shop"}]"#),
        ])
}
