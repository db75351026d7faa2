import SluiceFormats

/// The fuzz entry points: one per parser a hostile user reaches, each taking arbitrary bytes.
///
/// Each must return for every input, quickly and in bounded memory; a refused input is an
/// ordinary outcome. Each also checks properties that must hold for every input (round
/// trips, agreement between two ways of reading the same bytes) and lists what broke in
/// ``FuzzReport/violations``. The libFuzzer executables in `Fuzz/Targets` call these and
/// trap on a violation; `Tests/SluiceFuzzingTests` feeds them the saved corpora.
public enum FuzzEntryPoints {
    /// The JSON parser: parse, write back (compact and pretty), re-parse; the skipping
    /// scanner must agree with the parser.
    public static func json(_ bytes: [UInt8]) -> FuzzReport { JSONFuzzing.run(bytes) }

    /// The CSV decoder, options and piece sizes from the first ``RecordStreamCase/choiceBytes``
    /// bytes: any feeding gives the one-piece result, and a block-wise read the sequential one.
    public static func csv(_ bytes: [UInt8]) -> FuzzReport { RecordStreamFuzzing.run(RecordStreamCase(format: .csv, bytes)) }

    /// The NDJSON decoder, as ``csv(_:)``; each line must also be read as ``JSONParser`` reads it.
    public static func ndjson(_ bytes: [UInt8]) -> FuzzReport { RecordStreamFuzzing.run(RecordStreamCase(format: .ndjson, bytes)) }

    /// The JSON-document decoder (file and API sources), as ``csv(_:)`` without blocks; the
    /// records must be what ``JSONParser`` makes of the document.
    public static func jsonDocument(_ bytes: [UInt8]) -> FuzzReport { RecordStreamFuzzing.run(RecordStreamCase(format: .json, bytes)) }

    /// The expression parser, compiler and evaluator, over a small fixed batch.
    public static func expression(_ bytes: [UInt8]) -> FuzzReport { ExpressionFuzzing.run(bytes) }

    /// The spec reader (job, schedule, pipeline) and the job planner's config validation,
    /// with an empty directory as the only data root; nothing is run.
    public static func jobSpec(_ bytes: [UInt8]) -> FuzzReport { JobSpecFuzzing.run(bytes) }

    /// The cron parser and fire-time computation: the expression, optionally followed by a
    /// line feed and a time-zone name.
    public static func cron(_ bytes: [UInt8]) -> FuzzReport { CronFuzzing.run(bytes) }

    /// The Parquet reader over arbitrary bytes: records or a clean error; a read of only the
    /// first field agrees with the full read.
    public static func parquet(_ bytes: [UInt8]) -> FuzzReport { TypedFileFuzzing.parquet(bytes) }

    /// The Avro decoder: fed whole and fed 7 bytes at a time, the same records or error.
    public static func avro(_ bytes: [UInt8]) -> FuzzReport { TypedFileFuzzing.avro(bytes) }

    /// The XLSX reader over arbitrary bytes as a workbook.
    public static func xlsx(_ bytes: [UInt8]) -> FuzzReport { XLSXFuzzing.run(bytes) }

    /// The decompressors (the first byte picks snappy, zstd, lz4_raw, gzip or deflate).
    public static func codecs(_ bytes: [UInt8]) -> FuzzReport { CodecFuzzing.run(bytes) }

    /// The Redis reply parser (RESP2), the bytes a hostile server could send: read whole and
    /// read a byte at a time, the same replies and the same error.
    public static func resp(_ bytes: [UInt8]) -> FuzzReport { RESPFuzzing.run(bytes) }

    /// The NATS server-operation parser (`INFO`, `MSG`, `HMSG` with header blocks, `PING`,
    /// `-ERR`), the bytes a hostile server could send: read whole and read a byte at a time,
    /// the same operations and the same error, within the limits.
    public static func nats(_ bytes: [UInt8]) -> FuzzReport { NATSFuzzing.run(bytes) }

    /// Every entry point by the name of its corpus folder (`Fuzz/Corpus/<name>`) and target.
    public static let all: [(name: String, run: @Sendable ([UInt8]) -> FuzzReport)] = [
        ("json", json), ("csv", csv), ("ndjson", ndjson), ("json-document", jsonDocument), ("expression", expression),
        ("job-spec", jobSpec), ("cron", cron), ("parquet", parquet), ("avro", avro), ("xlsx", xlsx),
        ("codecs", codecs), ("resp", resp), ("nats", nats),
    ]
}
