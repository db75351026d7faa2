import SluiceCore
import SluiceFormats

/// A ``RecordFileReader`` (Parquet, XLSX) as a source's batch reader.
final class RecordFileBatchReader: BatchReader {
    private let reader: any RecordFileReader
    let expectedBytes: Int?

    init(_ reader: any RecordFileReader, expectedBytes: Int?) {
        self.reader = reader
        self.expectedBytes = expectedBytes
    }

    var declaredSchema: [FieldSchema]? { reader.declaredSchema }

    func next() async throws -> SourceChunk? {
        try Task.checkCancellation()
        return try reader.next()
    }
}
