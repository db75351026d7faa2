import SluiceCore

/// A block reader read as one stream of chunks, decoding each block where it is read (a
/// Parquet object read by one reader: its blocks still fetch only the column chunks they need).
final class BlockSequenceReader: BatchReader {
    private let blocks: any BlockReader
    private var decoded: [SourceChunk] = []
    private var nextDecoded = 0

    init(_ blocks: any BlockReader) {
        self.blocks = blocks
    }

    var expectedBytes: Int? { blocks.expectedBytes }
    var declaredSchema: [FieldSchema]? { blocks.declaredSchema }

    func next() async throws -> SourceChunk? {
        while nextDecoded == decoded.count {
            guard let block = try await blocks.nextBlock() else { return nil }
            decoded = try block.decode()
            nextDecoded = 0
        }
        defer { nextDecoded += 1 }
        return decoded[nextDecoded]
    }
}
