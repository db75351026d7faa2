import SluiceCore
import Testing

@testable import SluiceFormats

/// Everything a decoder produced for one input, in a form tests compare exactly.
struct Decoded: Equatable, CustomStringConvertible {
    /// Rows of every batch, as compact JSON (which tells `1` from `1.0` and omits absent keys).
    var rows: [String]
    /// Each row's position.
    var positions: [Int]
    /// The fields of each emitted batch.
    var fields: [[String]]
    /// Rows per emitted chunk.
    var chunkRows: [Int]
    /// Bytes per emitted chunk.
    var chunkBytes: [Int]
    /// Rejections, in order.
    var rejections: [Rejection]
    /// Concatenated batches, for typed checks.
    var batches: [RecordBatch]

    static func == (a: Decoded, b: Decoded) -> Bool {
        a.rows == b.rows && a.positions == b.positions && a.fields == b.fields && a.chunkRows == b.chunkRows
            && a.chunkBytes == b.chunkBytes && a.rejections == b.rejections
    }

    var description: String { "rows: \(rows)\npositions: \(positions)\nrejections: \(rejections)\nchunks: \(chunkRows) \(chunkBytes)" }

    /// Every row as an object value (absent keys missing).
    var records: [Value] { batches.flatMap(\.records).map { .object($0) } }

    /// The reasons of every rejection.
    var reasons: [String] { rejections.flatMap(\.reasons) }
}

/// Decodes `input` fed in pieces of the given sizes (cycling), or whole when `pieces` is empty.
func decode(
    _ format: DataFormat, _ input: [UInt8], options: DecodeOptions = DecodeOptions(), pieces: [Int] = []
) throws -> Decoded {
    var decoder = makeDecoder(format, options: options)
    var chunks: [SourceChunk] = []
    if pieces.isEmpty {
        chunks += try decoder.feed(input)
    } else {
        var offset = 0
        var k = 0
        while offset < input.count {
            let size = min(pieces[k % pieces.count], input.count - offset)
            chunks += try decoder.feed(Array(input[offset..<(offset + size)]))
            offset += size
            k += 1
        }
    }
    chunks += try decoder.finish()
    return Decoded(chunks)
}

/// Decodes `input` fed in two pieces, cut at `split` (either may be empty).
func decode(_ format: DataFormat, _ input: [UInt8], options: DecodeOptions = DecodeOptions(), splitAt split: Int) throws -> Decoded {
    var decoder = makeDecoder(format, options: options)
    var chunks = try decoder.feed(Array(input[..<split]))
    chunks += try decoder.feed(Array(input[split...]))
    chunks += try decoder.finish()
    return Decoded(chunks)
}

extension Decoded {
    /// Everything in `chunks`.
    init(_ chunks: [SourceChunk]) {
        self.init(
            rows: chunks.flatMap { $0.batch.records.map { JSONText.string(.object($0)) } },
            positions: chunks.flatMap(\.batch.positions),
            fields: chunks.map(\.batch.fields),
            chunkRows: chunks.map(\.batch.count),
            chunkBytes: chunks.map(\.bytes),
            rejections: chunks.flatMap(\.rejected),
            batches: chunks.map(\.batch))
    }
}

func decode(_ format: DataFormat, _ text: String, options: DecodeOptions = DecodeOptions(), pieces: [Int] = []) throws -> Decoded {
    try decode(format, Array(text.utf8), options: options, pieces: pieces)
}

/// Asserts that feeding `input` split at every offset, in chunks of every size from 1 byte to
/// the whole input, and in irregular 1…9-byte pieces gives exactly what feeding it whole
/// gives: the same rows, positions, fields, rejections, rows and bytes per chunk. Returns the
/// whole-input result.
@discardableResult
func expectChunkingInvariant(
    _ format: DataFormat, _ input: [UInt8], options: DecodeOptions = DecodeOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> Decoded {
    let whole = try decode(format, input, options: options)
    #expect(whole.chunkBytes.reduce(0, +) == input.count, "bytes add up", sourceLocation: sourceLocation)
    for split in 0...input.count {
        let d = try decode(format, input, options: options, splitAt: split)
        if d != whole {
            Issue.record("split at \(split) differs:\n\(d)\nwhole:\n\(whole)", sourceLocation: sourceLocation)
            return whole
        }
    }
    for size in 1...max(1, input.count) {
        let d = try decode(format, input, options: options, pieces: [size])
        if d != whole {
            Issue.record("chunks of \(size) bytes differ:\n\(d)\nwhole:\n\(whole)", sourceLocation: sourceLocation)
            return whole
        }
    }
    for size in 1...7 {
        let pieced = try decode(format, input, options: options, pieces: [size, size + 2, 1])
        #expect(pieced == whole, "pieces of \(size)", sourceLocation: sourceLocation)
    }
    return whole
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// The storage kind of field `name` in the first batch, for checks of typed fast paths.
func storageKind(_ batch: RecordBatch, _ name: String) -> String {
    guard let column = batch.column(named: name) else { return "missing" }
    switch column.storage {
    case .ints: return "ints"
    case .doubles: return "doubles"
    case .bools: return "bools"
    case .text: return "text"
    case .dictionary: return "dictionary"
    case .values: return "values"
    }
}
