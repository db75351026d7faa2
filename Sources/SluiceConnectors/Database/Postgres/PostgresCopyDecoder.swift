import NIOCore
import SluiceCore

/// Decodes the binary COPY stream of a ``PostgresCopyOut`` into batches of `batchSize` rows:
/// the header (signature `PGCOPY\n\377\r\n\0`, flags, extension), then per row the field
/// count and per field its length (−1 for null) and its bytes in the type's binary form,
/// which ``PostgresCellDecoder`` decodes as it decodes PostgresNIO's binary cells; a field
/// count of −1 ends the data. Each chunk given holds whole rows.
struct PostgresCopyDecoder {
    let fields: [String]
    let kinds: [PostgresColumnKind]
    let batchSize: Int
    private var builders: [ColumnBuilder]
    private var count = 0
    private var bytes = 0
    private var nextPosition = 1
    private var headerRead = false
    /// Whether the trailer came.
    private(set) var ended = false

    private static let signature: [UInt8] = Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00]

    init(fields: [String], kinds: [PostgresColumnKind], batchSize: Int) {
        self.fields = fields
        self.kinds = kinds
        self.batchSize = max(1, batchSize)
        builders = Array(repeating: ColumnBuilder(capacity: self.batchSize), count: kinds.count)
    }

    /// Decodes the rows of `chunk`; returns the batches they completed.
    mutating func decode(_ chunk: ByteBuffer) throws -> [SourceChunk] {
        var completed: [SourceChunk] = []
        try chunk.withUnsafeReadableBytes { raw in
            var offset = 0
            if !headerRead {
                guard raw.count >= 19, raw.prefix(11).elementsEqual(Self.signature) else { throw Self.malformed("header") }
                let extensionLength = Int(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: 15, as: Int32.self)))
                guard extensionLength >= 0, extensionLength <= raw.count - 19 else { throw Self.malformed("header") }
                offset = 19 + extensionLength
                headerRead = true
            }
            let columns = kinds.count
            while offset < raw.count {
                guard !ended, raw.count - offset >= 2 else { throw Self.malformed("row") }
                let fieldCount = Int(Int16(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
                offset += 2
                if fieldCount == -1 {
                    ended = true
                    continue
                }
                guard fieldCount == columns else { throw Self.malformed("row of \(fieldCount) fields where \(columns) were expected") }
                for column in 0..<columns {
                    guard raw.count - offset >= 4 else { throw Self.malformed("row") }
                    let length = Int(Int32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: Int32.self)))
                    offset += 4
                    guard length >= 0 else {
                        builders[column].appendNull()
                        continue
                    }
                    guard length <= raw.count - offset else { throw Self.malformed("row") }
                    try PostgresCellDecoder.append(
                        UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)]), kind: kinds[column], to: &builders[column])
                    bytes += length
                    offset += length
                }
                count += 1
                if count == batchSize { completed.append(takeBatch()) }
            }
        }
        return completed
    }

    /// The rows decoded since the last full batch, once the data is over; fails when the
    /// stream ended without its trailer.
    mutating func finish() throws -> SourceChunk? {
        guard ended else { throw Self.malformed("end of the data") }
        return count > 0 ? takeBatch() : nil
    }

    private mutating func takeBatch() -> SourceChunk {
        let positions = Array(nextPosition..<(nextPosition + count))
        nextPosition += count
        let batch = RecordBatch(fields: fields, columns: builders.map { $0.build() }, positions: positions)
        let chunk = SourceChunk(batch: batch, bytes: bytes)
        builders = Array(repeating: ColumnBuilder(capacity: batchSize), count: kinds.count)
        count = 0
        bytes = 0
        return chunk
    }

    private static func malformed(_ part: String) -> ConnectorError {
        ConnectorError.io("PostgreSQL sent a malformed binary COPY \(part)")
    }
}
