import SluiceCore

/// Drives a ``ChunkedRecordParser`` over input fed in chunks of any size, so a decoder only
/// supplies its format's record logic.
///
/// It strips a UTF-8 byte order mark (even one split over chunks), keeps the absolute input
/// offset of every buffer it hands on, and accounts every input byte to an emitted chunk.
/// The complete records of a chunk are parsed in place; only a record cut by the end of a
/// chunk is copied, once, and completed from the following chunks before their own records
/// are parsed.
struct ChunkedRecordDriver<Parser: ChunkedRecordParser>: Sendable {
    /// The format's record logic.
    private var parser: Parser
    private var output = ChunkOutput()
    private var byteOrderMark = ByteOrderMark()
    /// Absolute offset of the first byte of the next buffer handed to `process`.
    private var base = 0
    /// A record cut by the end of the last chunk, from its first byte.
    private var carry: [UInt8] = []
    private var carrying = false
    /// Absolute offset of the first byte of `carry`.
    private var carryBase = 0

    /// A driver that reads records with `parser`.
    init(parser: Parser) {
        self.parser = parser
    }

    /// Consumes bytes; returns every chunk completed so far.
    mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [SourceChunk] {
        output.didFeed(bytes.count)
        let outcome = byteOrderMark.take(bytes, final: false)
        base += outcome.skipped
        outcome.withBytes(of: bytes) { process($0) }
        return output.take()
    }

    /// End of input: reads the carried record to the end and returns the remaining chunks.
    mutating func finish() -> [SourceChunk] {
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        let last = byteOrderMark.take(none, final: true)
        base += last.skipped
        last.withBytes(of: none) { process($0) }
        if carrying {
            let record = carry
            carry = []
            carrying = false
            _ = record.withUnsafeBytes { parser.parseRecords($0, at: carryBase, final: true, into: &output) }
        }
        output.emitFinal(parser.finalBatch())
        return output.take()
    }

    /// Parses every complete record of `p`, completing a carried record first and carrying
    /// the cut one at the end.
    private mutating func process(_ p: UnsafeRawBufferPointer) {
        var start = 0
        if carrying {
            guard let end = parser.carriedRecordEnd(in: p) else {
                carry.append(contentsOf: p)
                base += p.count
                return
            }
            carry.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[0..<end]))
            let record = carry
            carry = []
            carrying = false
            let consumed = record.withUnsafeBytes { parser.parseRecords($0, at: carryBase, final: false, into: &output) }
            if consumed < record.count {
                // Cannot happen when the parser's record end and its records agree; kept safe regardless.
                startCarry(UnsafeRawBufferPointer(rebasing: p[end...]), prefix: Array(record[consumed...]), at: carryBase + consumed)
                base += p.count
                return
            }
            start = end
        }
        let rest = UnsafeRawBufferPointer(rebasing: p[start...])
        let consumed = parser.parseRecords(rest, at: base + start, final: false, into: &output)
        if consumed < rest.count {
            startCarry(UnsafeRawBufferPointer(rebasing: rest[consumed...]), prefix: [], at: base + start + consumed)
        }
        base += p.count
    }

    private mutating func startCarry(_ tail: UnsafeRawBufferPointer, prefix: [UInt8], at offset: Int) {
        carry = prefix
        carry.append(contentsOf: tail)
        carrying = true
        carryBase = offset
        carry.withUnsafeBytes { parser.carryBegan(with: $0) }
    }
}
