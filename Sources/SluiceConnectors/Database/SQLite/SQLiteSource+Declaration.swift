import SluiceCore

extension SQLiteSource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Reads a table or view of a SQLite database file (optionally some `columns` and a `where` \
            condition), or the result of a `query`; the `?` placeholders of `where` or `query` take \
            `parameters` in order. The file is opened read-only and must exist; a relative `path` is \
            read against the server's working directory (for `sluice run`, the directory it runs \
            in), it must lie inside the data directories (`SLUICE_DATA_DIRS`), and errors name the \
            resolved absolute path. A table is read in batches by keyset pagination on its rowid \
            (one indexed range scan per batch, one batch in memory); a query's result, a view or a \
            `WITHOUT ROWID` table is first copied into a temporary table that is then read the same \
            way. Values: INTEGER → int, REAL → double, TEXT → string, BLOB → base64 text, NULL → \
            null; columns declared BOOLEAN, DATE/DATETIME/TIMESTAMP or JSON give booleans, dates and \
            parsed JSON when the stored value fits (a query's columns have no declared type, so \
            there the stored values alone decide). With `incremental` the bound goes into the SQL \
            (`cursor >= watermark`; dates compared through `julianday`, text by bytes).
            """,
        config: ObjectShape(
            [
                .required("path", .path, "The database file; relative paths are read against the server's working directory."),
                .optional("table", .nonEmptyText, "The table or view to read."),
                .optional("columns", .someFieldNames, "With `table`: the columns to read; default: all, in table order."),
                .optional("where", .nonEmptyText, "With `table`: an SQL condition on its rows, with `?` placeholders for `parameters`."),
                .optional("query", .nonEmptyText, "A `SELECT` whose result is read, with `?` placeholders for `parameters`."),
                .optional(
                    "parameters", .array(.anything("a string, number, boolean or null")),
                    "Values for the `?` placeholders, in order: strings, numbers, booleans or null."),
            ],
            rules: [.exactlyOne(["table", "query"]), .atMostOne(["query", "columns"]), .atMostOne(["query", "where"])]),
        examples: [
            ComponentExample(
                "some columns of a table, filtered",
                config: #"{"path": "{dir}/shop.db", "table": "orders", "columns": ["id", "customer", "total"], "where": "status = ? AND total > ?", "parameters": ["paid", 100]}"#,
                input: #"[{"id": 1, "customer": "Ada", "total": 250.5, "status": "paid"}, {"id": 2, "customer": "Grace", "total": 80.0, "status": "paid"}, {"id": 3, "customer": "Linus", "total": 120.0, "status": "open"}, {"id": 4, "customer": "Ada", "total": 310.0, "status": "paid"}]"#,
                output: #"[{"id": 1, "customer": "Ada", "total": 250.5}, {"id": 4, "customer": "Ada", "total": 310.0}]"#),
            ComponentExample(
                "the result of a query",
                config: #"{"path": "{dir}/shop.db", "query": "SELECT customer, count(*) AS order_count, sum(total) AS spent FROM orders GROUP BY customer ORDER BY spent DESC"}"#,
                input: #"[{"id": 1, "customer": "Ada", "total": 250.5}, {"id": 2, "customer": "Grace", "total": 80.0}, {"id": 3, "customer": "Ada", "total": 49.5}]"#,
                output: #"[{"customer": "Ada", "order_count": 2, "spent": 300.0}, {"customer": "Grace", "order_count": 1, "spent": 80.0}]"#),
        ])
}
