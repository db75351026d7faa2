import SluiceCore

extension RedisStreamTarget {
    public static let declaration = ComponentDeclaration(
        summary: """
            Appends records to a Redis stream with `XADD`, trimmed to about `maxLen` entries when \
            set: a record's fields become the entry's fields (text as it is, other values as JSON, \
            nulls left out; a record with no field left is added as `_empty: 1`, since an entry \
            needs one), or with `valueField` the whole record is JSON in that one field. By \
            default the load is all or nothing: the entries are held until the job commits, then \
            added in one `MULTI`/`EXEC` transaction of at most `maxTransactionBytes`, so a failed \
            job adds none. With `atomic: false` each batch is added as it comes and a failed job \
            leaves what was added (at-least-once), for loads larger than memory. A key that holds \
            something other than a stream fails the job before anything is written.
            """,
        config: ObjectShape([
            .required("url", .text(format: "url"), "`redis://[user[:password]@]host[:port][/database]`."),
            .required("stream", .nonEmptyText, "The stream's key (made by the first entry)."),
            .optional("valueField", .nonEmptyText, "Write each record as JSON in this one field."),
            .optional("maxLen", .integer(1, Int(Int32.max)), "Trim the stream to about this many entries (`MAXLEN ~`)."),
            .optional("atomic", .boolean, default: true, "Add every entry in one transaction at commit (false: each batch as it comes)."),
            .optional("maxTransactionBytes", .integer(1024, 4 << 30), default: .int(256 << 20), "The largest atomic load, in bytes."),
            .optional("connectTimeoutMs", .integer(1, 3_600_000), default: 10_000, "Milliseconds connecting and signing in may take."),
            .optional("timeoutMs", .integer(1, 3_600_000), default: 30_000, "Milliseconds a command may wait for its answer."),
        ]),
        examples: [
            ComponentExample(
                "Records as JSON in a `data` field, the stream kept to about 100,000 entries",
                config: #"{"url": "redis://localhost:{port}/0", "stream": "orders", "valueField": "data", "maxLen": 100000}"#,
                input: #"[{"id": 1, "total": 12.5}, {"id": 2, "total": 80}]"#,
                output: #"[{"data": "{\"id\":1,\"total\":12.5}"}, {"data": "{\"id\":2,\"total\":80}"}]"#),
            ComponentExample(
                "Each field an entry field, one batch at a time",
                config: #"{"url": "redis://localhost:{port}", "stream": "clicks", "atomic": false}"#,
                input: #"[{"page": "/home", "user": 7, "tags": ["new"], "ref": null}]"#,
                output: #"[{"page": "/home", "user": "7", "tags": "[\"new\"]"}]"#),
        ])
}
