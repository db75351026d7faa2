import SluiceCore
import SluiceFormats

extension FileTarget {
    public static let declaration = ComponentDeclaration(
        summary: """
            Writes the records to a JSON, NDJSON or CSV file (or Parquet, Avro, XLSX). The `path` may \
            name an object in S3, Google Cloud Storage or Azure Blob (`s3://bucket/key`, `gs://…`, \
            `az://…`, with the `storage` settings): it appears only when the job succeeds, sent in one \
            request when small, else uploaded in parts while the job runs and completed at the end \
            (a failed job leaves no object, and on S3 and GCS no stored parts). A relative `path` is read against the \
            server's working directory (for `sluice run`, the directory it runs in), not against the \
            job file's directory; the file must lie inside the data directories (`SLUICE_DATA_DIRS`) \
            and its directory must exist, and errors name the resolved absolute path. Without \
            `format` the extension decides (`.json`; `.ndjson` or `.jsonl`; `.csv`, or `.tsv` with a \
            tab as delimiter). JSON is one array with a compact object per line, NDJSON one object \
            per line. CSV takes its columns from the first batch's fields (later records are written in \
            that order: a missing field is an empty cell, an extra field is dropped), quotes a cell \
            that holds the delimiter, a quote or a line break or starts or ends with a space, writes \
            null as an empty cell and an empty text as `""`, arrays and objects as JSON text and \
            dates in ISO 8601. `write` replaces the file; `append` adds \
            the records after the existing ones (a JSON file must hold an array; a CSV header is \
            written only into a new or empty file). Both write a temporary file beside the target \
            and rename it over the target after the last record (synced to disk), so readers see the \
            old file or the whole new one, never a half-written one, whether the job fails, is \
            cancelled or the server crashes; appending therefore copies the existing file first. \
            In a continuous job (whose source never ends, committing in micro-batches) every \
            micro-batch after the first is appended to the file in place instead, so each commit \
            costs only its own records: this takes a local NDJSON or CSV file (plain, or gzip or \
            zstd with one member or frame per micro-batch) without `partitionBy`. Readers may then \
            see a micro-batch's lines before it commits; one that fails, or is cut short by a \
            crash, is cut off the file again. \
            The target's `batchSize` (beside `config`) sets how many records are buffered per write.
            """,
        config: ObjectShape([
            .required("path", .path, "The file to write; relative paths are read against the server's working directory."),
            .optional("format", .choice(FileFormat.self), "The file's format; default: from the extension."),
            .optional(
                "compression", .choice(FileCompression.self), default: "auto",
                "Text formats: whole-file compression, `auto` by the extension (`.gz`, `.zst`), or `gzip`, `zstd`, `none`. Parquet: each page's codec, `snappy` (auto), `gzip`, `zstd` or `none`. Avro: each block's codec, `none` (auto), `deflate`, `snappy`, `zstd`."),
            .optional(
                "partitionBy", .array(.nonEmptyText, ArrayRule(minItems: 1)),
                "Fields whose values name Hive-style folders under `path` (a directory): one file per partition, without those fields."),
            .optional("rowGroupSize", .integer(IntegerRange(min: 1, max: 10_000_000)), default: 122_880, "Parquet: rows per row group."),
            .optional("dictionary", .boolean, default: true, "Parquet: whether columns are dictionary-encoded."),
            .optional("sheet", .nonEmptyText, default: "Sheet1", "XLSX: the sheet's name."),
            .optional("sheetField", .nonEmptyText, "XLSX: a field whose values split the records into sheets named after them."),
            .optional("mode", .choice(Mode.self), default: "write", "`write` replaces the file, `append` adds to it."),
            .optional("delimiter", .character, default: ",", "CSV: the field delimiter, one ASCII character (a tab for `.tsv` files)."),
            .optional("header", .boolean, default: true, "CSV and XLSX: whether to write a header row."),
            ObjectStorageConfig.field,
        ]),
        examples: [
            ComponentExample(
                "a JSON array",
                config: #"{"path": "{dir}/customers.json"}"#,
                input: #"[{"id": 1, "name": "Ada", "tags": ["vip"]}, {"id": 2, "name": "Grace", "tags": []}, {"id": 3, "name": null, "tags": null}]"#,
                writes: [
                    "customers.json": """
                        [
                        {"id":1,"name":"Ada","tags":["vip"]},
                        {"id":2,"name":"Grace","tags":[]},
                        {"id":3,"name":null,"tags":null}
                        ]

                        """
                ]),
            ComponentExample(
                "CSV with a semicolon as delimiter",
                config: #"{"path": "{dir}/customers.csv", "delimiter": ";"}"#,
                input: #"[{"id": 1, "name": "Ada; Countess", "city": "London"}, {"id": 2, "name": "Grace \"Amazing\" Hopper", "city": null}]"#,
                writes: [
                    "customers.csv": """
                        id;name;city
                        1;"Ada; Countess";London
                        2;"Grace ""Amazing"" Hopper";

                        """
                ]),
            ComponentExample(
                "appending to an NDJSON file",
                config: #"{"path": "{dir}/events.ndjson", "mode": "append"}"#,
                input: #"[{"id": 2, "type": "view"}, {"id": 3, "type": "click"}]"#,
                files: ["events.ndjson": "{\"id\":1,\"type\":\"click\"}\n"],
                writes: ["events.ndjson": "{\"id\":1,\"type\":\"click\"}\n{\"id\":2,\"type\":\"view\"}\n{\"id\":3,\"type\":\"click\"}\n"]),
            ComponentExample(
                "Hive-style partitions: one CSV per region, the region in the folder name",
                config: #"{"path": "{dir}/orders", "format": "csv", "partitionBy": ["region"]}"#,
                input: #"[{"id": 1, "region": "EU", "amount": 10}, {"id": 2, "region": "US", "amount": 4.5}, {"id": 3, "region": "EU", "amount": 7}, {"id": 4, "region": null, "amount": 1}]"#,
                writes: [
                    "orders/region=EU/part-0.csv": "id,amount\n1,10\n3,7\n",
                    "orders/region=US/part-0.csv": "id,amount\n2,4.5\n",
                    "orders/region=__HIVE_DEFAULT_PARTITION__/part-0.csv": "id,amount\n4,1\n",
                ]),
            ComponentExample(
                "CSV without a header row, format named",
                config: #"{"path": "{dir}/export.txt", "format": "csv", "header": false}"#,
                input: #"[{"sku": "A-1", "price": 4.5}, {"sku": "B-2", "price": 12}]"#,
                writes: ["export.txt": "A-1,4.5\nB-2,12\n"]),
        ])
}
