import SluiceCore
import SluiceFormats

extension FileSource {
    public static let declaration = ComponentDeclaration(
        summary: """
            Reads the records of a JSON, NDJSON, CSV, Parquet, Avro or XLSX file, local or an object in \
            S3 (`s3://bucket/key`), Google Cloud Storage (`gs://bucket/key`) or Azure Blob \
            (`az://container/blob`, `abfss://…`, `https://account.blob.core.windows.net/…`) with the \
            `storage` settings; or of many files or objects as \
            one source (a prefix ending in `/` reads every object of the format below it): a directory (every file under it of the format, skipping names that start \
            with `.` or `_`) or a glob (`data/2024-*.csv`, `logs/**/*.ndjson.gz`, where `**` spans \
            any number of folders), read in sorted order. `key=value` folders (`year=2024/month=05/`) \
            become fields of the records below them (integers and numbers typed, \
            `__HIVE_DEFAULT_PARTITION__` null) unless `hivePartitioning` is false, and \
            `fileNameField` names a field holding each record's file; a rejected record's reason \
            then names its file. Text files compressed as a whole (`.gz`, `.zst`, `.bz2`, or \
            `compression`) are decompressed as they are read, with bounded memory, and CSV and \
            NDJSON are still decoded by several workers. A relative `path` is read against the \
            server's working directory (for `sluice run`, the directory it runs in), not against the \
            job file's directory; the file must lie inside the data directories (`SLUICE_DATA_DIRS`), \
            through `..` and symlinks alike, or the job is refused (403), and errors name the resolved \
            absolute path. Without `format` the extension decides (after a compression extension): \
            `.json`; `.ndjson` or `.jsonl`; `.csv`, or `.tsv` with a tab as delimiter; `.parquet`; \
            `.avro`; `.xlsx`. A text file is read in 1 MB chunks; a CSV or NDJSON file is cut \
            into blocks of whole records, and a Parquet file into runs of row groups, that several \
            workers (`MAX_WORKERS`) decode at once, taken back in file order. A malformed CSV row or NDJSON line goes to the \
            dead-letter queue with its line number and the job goes on; a JSON document with a syntax \
            error fails the job. A JSON document is an array of records, or an object holding one: at \
            `recordsPath`, else its only member that is an array of objects (an object without one is \
            itself the one record); an element that is not an object goes to the dead-letter queue. CSV \
            cells are typed by the job's schema when there is one (a `string` field keeps `00123`), \
            and inferred otherwise (integers, decimals, `true`/`false`, an empty cell → null); \
            without a header row the fields are named `column1`, `column2`, …. When the job needs \
            only some fields, only those are built (projection pushdown). Text that is not valid UTF-8 sends its \
            record to the dead-letter queue naming the field and the byte (`invalid UTF-8 in field \
            'name' at byte 3 of the field`), or with `invalidUtf8: replace` has each bad sequence \
            replaced by U+FFFD. With `incremental` the whole \
            file is read and the engine keeps the records past the watermark.
            """,
        config: ObjectShape([
            .required("path", .path, "The file to read; relative paths are read against the server's working directory."),
            .optional("format", .choice(FileFormat.self), "The files' format; default: from the extension."),
            .optional(
                "compression", .choice(FileCompression.self), default: "auto",
                "Whole-file compression of text files: `auto` goes by the extension (`.gz`, `.zst`, `.bz2`); `none`, `gzip`, `zstd`, `bzip2` name it. Parquet, Avro and XLSX compress inside and are read as they are."),
            .optional("fileNameField", .nonEmptyText, "A field to add to every record holding the path of the file it came from (as the pattern or directory names it)."),
            .optional(
                "modifiedField", .nonEmptyText,
                "A field to add to every record holding when its file or object was last written (a timestamp). As the `incremental` cursor, each run reads only the files and objects written since the last successful one."),
            .optional("hivePartitioning", .boolean, default: true, "Whether `key=value` folders below a directory or glob become fields."),
            .optional("sheet", .anyOf([.nonEmptyText, .integer(IntegerRange(min: 1))]), "XLSX: the sheet to read, by name or 1-based number; default the first."),
            .optional("range", .nonEmptyText, "XLSX: the cells to read (`A1:D100`, `B3:`, `A:C`); default the whole used area."),
            .optional("delimiter", .character, default: ",", "CSV: the field delimiter, one ASCII character (a tab for `.tsv` files)."),
            .optional("header", .boolean, default: true, "CSV and XLSX: whether the first row names the fields."),
            .optional("recordsPath", .nonEmptyText, "JSON: dotted path of the records array inside a top-level object (`data.items`)."),
            .optional(
                "invalidUtf8", .choice(InvalidUTF8Handling.self), default: "reject",
                "Text that is not valid UTF-8: `reject` sends the record to the dead-letter queue naming the field and byte; `replace` puts U+FFFD for each bad sequence, as Python's `decode('utf-8', 'replace')` does."),
            ObjectStorageConfig.field,
        ]),
        examples: [
            ComponentExample(
                "CSV with a header row, cells typed by inference",
                config: #"{"path": "{dir}/orders.csv"}"#,
                output: #"[{"id": 1, "customer": "Ada", "amount": 12.5, "paid": true}, {"id": 2, "customer": "Grace", "amount": null, "paid": false}, {"id": 3, "customer": "Linus", "amount": 7, "paid": true}]"#,
                files: ["orders.csv": "id,customer,amount,paid\n1,Ada,12.50,true\n2,Grace,,false\n3,Linus,7,true\n"]),
            ComponentExample(
                "the records array inside a JSON document",
                config: #"{"path": "{dir}/export.json", "recordsPath": "data.orders"}"#,
                output: #"[{"id": 1, "lines": [{"sku": "A-1", "qty": 2}]}, {"id": 2, "lines": []}]"#,
                files: [
                    "export.json": #"{"exported": "2024-05-01", "data": {"count": 2, "orders": [{"id": 1, "lines": [{"sku": "A-1", "qty": 2}]}, {"id": 2, "lines": []}]}}"#
                        + "\n"
                ]),
            ComponentExample(
                "semicolon-separated text without a header row",
                config: #"{"path": "{dir}/prices.txt", "format": "csv", "delimiter": ";", "header": false}"#,
                output: #"[{"column1": "A-1", "column2": 4.5}, {"column1": "B-2", "column2": 12}]"#,
                files: ["prices.txt": "A-1;4.50\nB-2;12\n"]),
            ComponentExample(
                "a glob over Hive partition folders: every CSV below, with year and month as fields",
                config: #"{"path": "{dir}/sales/**/*.csv"}"#,
                output: #"[{"id": 1, "amount": 10.5, "year": 2023, "month": "11"}, {"id": 2, "amount": 4, "year": 2024, "month": "01"}, {"id": 3, "amount": 7.25, "year": 2024, "month": "01"}]"#,
                files: [
                    "sales/year=2023/month=11/orders.csv": "id,amount\n1,10.50\n",
                    "sales/year=2024/month=01/orders.csv": "id,amount\n2,4\n3,7.25\n",
                    "sales/year=2024/month=01/_SUCCESS": "",
                ]),
            ComponentExample(
                "NDJSON, one record per line",
                config: #"{"path": "{dir}/events.ndjson"}"#,
                output: #"[{"id": 1, "type": "click", "tags": ["home"]}, {"id": 2, "type": "view", "tags": []}]"#,
                files: ["events.ndjson": "{\"id\": 1, \"type\": \"click\", \"tags\": [\"home\"]}\n{\"id\": 2, \"type\": \"view\", \"tags\": []}\n"]),
        ])
}
