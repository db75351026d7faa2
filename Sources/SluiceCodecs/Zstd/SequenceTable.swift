// Sequence decoding tables for zstd (RFC 8878 §3.1.1.3.2), written from scratch for Sluice.

/// One cell of a sequence decoding table: the FSE transition plus the value its code stands
/// for (a base and a count of extra bits).
struct SequenceCell: Sendable {
    var base: UInt32
    var nextBase: UInt16
    var extraBits: UInt8
    var stateBits: UInt8
}

/// The three kinds of sequence field, each with its own codes and default distribution.
enum SequenceField: Sendable {
    case literalLength, offset, matchLength

    var name: String {
        switch self {
        case .literalLength: return "literal lengths"
        case .offset: return "offsets"
        case .matchLength: return "match lengths"
        }
    }

    var maxSymbol: Int {
        switch self {
        case .literalLength: return 35
        case .offset: return 31
        case .matchLength: return 52
        }
    }

    var maxLog: Int {
        switch self {
        case .literalLength, .matchLength: return 9
        case .offset: return 8
        }
    }

    static let literalLengthBits: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    ]
    static let literalLengthBase: [UInt32] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024,
        2048, 4096, 8192, 16384, 32768, 65536,
    ]
    static let matchLengthBits: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    ]
    static let matchLengthBase: [UInt32] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34,
        35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539,
    ]

    /// The default distributions (RFC 8878 §3.1.1.3.2.2) and their accuracy logs.
    var predefined: (counts: [Int16], log: Int) {
        switch self {
        case .literalLength:
            return ([4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1], 6)
        case .matchLength:
            return ([1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
                     1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1], 6)
        case .offset:
            return ([1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1], 5)
        }
    }

    /// The value base and extra-bit count of `code`.
    func code(_ code: Int) -> (base: UInt32, bits: UInt8) {
        switch self {
        case .literalLength: return (Self.literalLengthBase[code], Self.literalLengthBits[code])
        case .matchLength: return (Self.matchLengthBase[code], Self.matchLengthBits[code])
        case .offset: return (UInt32(1) << UInt32(code), UInt8(code))
        }
    }

    /// A sequence table from an FSE decoding table.
    func table(from cells: [FSE.Cell]) throws -> [SequenceCell] {
        try cells.map { cell in
            guard Int(cell.symbol) <= maxSymbol else { throw CodecError("zstd: \(name): code \(cell.symbol) out of range") }
            let (base, bits) = code(Int(cell.symbol))
            return SequenceCell(base: base, nextBase: cell.baseline, extraBits: bits, stateBits: cell.bitCount)
        }
    }

    /// The table of the default distribution.
    func predefinedTable() -> (cells: [SequenceCell], log: Int) {
        let (counts, log) = predefined
        // The default distributions are valid: building cannot fail.
        let cells = (try? FSE.buildTable(counts: counts, accuracyLog: log, what: name)) ?? []
        return ((try? table(from: cells)) ?? [], log)
    }

    /// A one-cell table for RLE mode: every sequence has the code `symbol`.
    func rleTable(symbol: UInt8) throws -> [SequenceCell] {
        guard Int(symbol) <= maxSymbol else { throw CodecError("zstd: \(name): RLE code \(symbol) out of range") }
        let (base, bits) = code(Int(symbol))
        return [SequenceCell(base: base, nextBase: 0, extraBits: bits, stateBits: 0)]
    }
}
