import SluiceCore

/// A streaming decoder: feed it chunks of any size (a record may span chunks), then finish.
///
/// Every chunk returned carries the bytes of input it covers, so the sum of
/// ``SourceChunk/bytes`` over all chunks equals the input size. Rows that cannot be read
/// travel in ``SourceChunk/rejected`` of the chunk in whose span they were found.
public protocol RecordStreamDecoder: Sendable {
    /// Consumes bytes; returns every batch completed so far (batches have `batchSize` rows,
    /// except the last).
    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws -> [SourceChunk]
    /// End of input: returns the remaining rows. Throws ``FormatError`` for a document-level
    /// failure.
    mutating func finish() throws -> [SourceChunk]
}

/// A decoder for `format`.
public func makeDecoder(_ format: DataFormat, options: DecodeOptions) -> any RecordStreamDecoder {
    switch format {
    case .csv: return CSVDecoder(options: options)
    case .ndjson: return NDJSONDecoder(options: options)
    case .json: return JSONDocumentDecoder(options: options)
    }
}

extension RecordStreamDecoder {
    /// Feeds bytes held in an array.
    public mutating func feed(_ bytes: [UInt8]) throws -> [SourceChunk] {
        try bytes.withUnsafeBytes { try feed($0) }
    }
}

/// A stream decoder whose input carries its own schema (an Avro file's header), known once
/// enough of the input has been fed.
public protocol SchemaDeclaringDecoder: RecordStreamDecoder {
    /// The fields and types the input declares, or `nil` until its header has been read.
    var declaredSchema: [FieldSchema]? { get }
}
