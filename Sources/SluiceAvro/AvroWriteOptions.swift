// Written from scratch from the Apache Avro 1.11 specification: no Swift Avro package exists.
import SluiceCore

/// How ``AvroEncoder`` writes an Avro object container file.
public struct AvroWriteOptions: Sendable {
    /// The block codec. The default is `null` (no compression), as fastavro's and the Java
    /// library's writers default to: every Avro reader reads it, and Sluice spends no CPU on
    /// it; choose `deflate`, `snappy` or `zstandard` for smaller files.
    public var codec: AvroCodec
    /// The codec's level on its own scale (deflate 1–9, zstandard 1–22); `nil` takes its default.
    public var compressionLevel: Int?
    /// Declared types by field name (from a source's schema or the job's), which the writer
    /// keeps in the file's schema: a `decimal(12,2)` stays a decimal, a `date` an Avro date.
    /// A field without one gets a type inferred from the first batch. A hint with
    /// `nullable: false` makes the field a plain type instead of a union with `null`.
    public var fieldSchemas: [String: FieldSchema]
    /// Records per block (at least 1): a block is written once it holds this many.
    public var blockRecords: Int
    /// Bytes of encoded records (before compression) after which a block is written early.
    public var blockBytes: Int
    /// The 16-byte sync marker; `nil` draws a random one (give one only for reproducible
    /// output in tests).
    public var syncMarker: [UInt8]?
    /// The name of the top-level record schema (made a valid Avro name).
    public var recordName: String
    /// The namespace of the record schema, if any.
    public var namespace: String?

    /// Options with the defaults: no compression, 10,000 records or 1 MiB per block, a random
    /// sync marker, a record named `Record`.
    public init(
        codec: AvroCodec = .null, compressionLevel: Int? = nil, fieldSchemas: [String: FieldSchema] = [:],
        blockRecords: Int = 10_000, blockBytes: Int = 1 << 20, syncMarker: [UInt8]? = nil,
        recordName: String = "Record", namespace: String? = nil
    ) {
        self.codec = codec
        self.compressionLevel = compressionLevel
        self.fieldSchemas = fieldSchemas
        self.blockRecords = max(1, blockRecords)
        self.blockBytes = max(1, blockBytes)
        self.syncMarker = syncMarker
        self.recordName = recordName
        self.namespace = namespace
    }
}
