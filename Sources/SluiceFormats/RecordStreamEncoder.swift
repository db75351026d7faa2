import SluiceCore

/// A streaming encoder: prefix, then batches, then suffix.
public protocol RecordStreamEncoder: Sendable {
    /// Appends what comes before the first record (`[` for JSON).
    mutating func begin(into out: inout [UInt8])
    /// Appends the rows of `batch`.
    mutating func encode(_ batch: RecordBatch, into out: inout [UInt8])
    /// Appends what comes after the last record.
    mutating func end(into out: inout [UInt8])
}

/// An encoder for `format`.
public func makeEncoder(_ format: DataFormat, options: EncodeOptions) -> any RecordStreamEncoder {
    switch format {
    case .csv: return CSVEncoder(options: options)
    case .ndjson: return NDJSONEncoder()
    case .json: return JSONArrayEncoder()
    }
}
