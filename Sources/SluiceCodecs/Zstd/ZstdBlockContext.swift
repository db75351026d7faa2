// Decoding of zstd compressed blocks (RFC 8878 §3.1.1.3): the entropy state carried from
// block to block within a frame, the sequences section and sequence execution. Written from
// scratch for Sluice.

/// The state one zstd frame carries between its blocks: the last Huffman table, the last
/// sequence tables, the repeat offsets; and a scratch buffer for literals. Owned by one
/// decoder alone, never shared between threads, hence the unchecked `Sendable`.
final class ZstdBlockContext: @unchecked Sendable {
    /// The largest block content (Block_Maximum_Size).
    static let blockMax = 128 * 1024
    /// Writable bytes the decoder needs after the block's end for its wide copies.
    static let slack = 32

    var huffman: HuffmanTable?
    private var literalLengths = Table()
    private var offsets = Table()
    private var matchLengths = Table()
    private var repeats = (1, 4, 8)
    /// Decoded literals of the current block, with slack for wide copies.
    let literals: UnsafeMutablePointer<UInt8>

    private struct Table {
        var cells: [SequenceCell] = []
        var log = 0
    }

    private static let predefinedLiteralLengths = SequenceField.literalLength.predefinedTable()
    private static let predefinedOffsets = SequenceField.offset.predefinedTable()
    private static let predefinedMatchLengths = SequenceField.matchLength.predefinedTable()

    /// Where a stream decoder gathers a unit (header, block) that arrives in pieces.
    let staging: UnsafeMutableRawPointer

    init() {
        literals = .allocate(capacity: Self.blockMax + Self.slack)
        literals.initialize(repeating: 0, count: Self.blockMax + Self.slack)
        staging = .allocate(byteCount: Self.blockMax, alignment: 8)
    }

    deinit {
        literals.deallocate()
        staging.deallocate()
    }

    /// Forgets the previous frame's tables and offsets.
    func startFrame() {
        huffman = nil
        literalLengths = Table()
        offsets = Table()
        matchLengths = Table()
        repeats = (1, 4, 8)
    }

    /// Decodes one compressed block into `out[position...]`.
    /// - Parameters:
    ///   - offset: the block's position in the compressed input, for errors.
    ///   - out: the output; `position + blockMax + slack` bytes must be writable.
    ///   - historyStart: where the frame's content (usable by back-references) starts in `out`.
    ///   - windowSize: the frame's window size; no back-reference reaches further.
    ///   - blockMax: the most bytes this block may produce.
    /// - Returns: the bytes written.
    func decode(
        _ block: UnsafeRawBufferPointer, at offset: Int, into out: UnsafeMutablePointer<UInt8>, position: Int,
        historyStart: Int, windowSize: Int, blockMax: Int
    ) throws -> Int {
        let (literalCount, literalSize) = try readLiterals(block, at: offset)
        var p = literalSize
        guard p < block.count else { throw CodecError("zstd: block at byte \(offset) has no sequences section") }
        let b0 = Int(block[p])
        var sequenceCount: Int
        if b0 < 128 {
            sequenceCount = b0
            p += 1
        } else if b0 < 255 {
            guard p + 2 <= block.count else { throw CodecError("zstd: truncated sequence count at byte \(offset + p)") }
            sequenceCount = ((b0 - 128) << 8) + Int(block[p + 1])
            p += 2
        } else {
            guard p + 3 <= block.count else { throw CodecError("zstd: truncated sequence count at byte \(offset + p)") }
            sequenceCount = Int(block[p + 1]) + (Int(block[p + 2]) << 8) + 0x7F00
            p += 3
        }
        if sequenceCount == 0 {
            guard p == block.count else { throw CodecError("zstd: bytes after an empty sequences section at byte \(offset + p)") }
            guard literalCount <= blockMax else { throw CodecError("zstd: block at byte \(offset) exceeds \(blockMax) bytes") }
            (out + position).update(from: literals, count: literalCount)
            return literalCount
        }
        guard p < block.count else { throw CodecError("zstd: truncated sequence modes at byte \(offset + p)") }
        let modes = Int(block[p])
        p += 1
        guard modes & 3 == 0 else { throw CodecError("zstd: reserved bits set in the sequence modes at byte \(offset + p - 1)") }
        try readTable(&literalLengths, .literalLength, mode: modes >> 6, block, &p, offset: offset)
        try readTable(&offsets, .offset, mode: (modes >> 4) & 3, block, &p, offset: offset)
        try readTable(&matchLengths, .matchLength, mode: (modes >> 2) & 3, block, &p, offset: offset)
        guard p < block.count else { throw CodecError("zstd: missing sequence bitstream at byte \(offset + p)") }
        var reader = try BackwardBitReader(UnsafeRawBufferPointer(rebasing: block[p...]), what: "sequences at byte \(offset + p)")
        var repeats = self.repeats
        let written = try literalLengths.cells.withUnsafeBufferPointer { ll in
            try offsets.cells.withUnsafeBufferPointer { of in
                try matchLengths.cells.withUnsafeBufferPointer { ml in
                    try Self.execute(
                        count: sequenceCount, reader: &reader, tables: (ll, literalLengths.log, of, offsets.log, ml, matchLengths.log),
                        literals: literals, literalCount: literalCount, out: out, position: position, historyStart: historyStart,
                        windowSize: windowSize, blockMax: blockMax, repeats: &repeats, offset: offset)
                }
            }
        }
        reader.reload()
        guard reader.isFinished else { throw CodecError("zstd: sequence bitstream of the block at byte \(offset) is not used up exactly") }
        self.repeats = repeats
        return written
    }

    private func readTable(
        _ table: inout Table, _ field: SequenceField, mode: Int, _ block: UnsafeRawBufferPointer, _ p: inout Int, offset: Int
    ) throws {
        switch mode {
        case 0:
            let predefined: (cells: [SequenceCell], log: Int)
            switch field {
            case .literalLength: predefined = Self.predefinedLiteralLengths
            case .offset: predefined = Self.predefinedOffsets
            case .matchLength: predefined = Self.predefinedMatchLengths
            }
            table = Table(cells: predefined.cells, log: predefined.log)
        case 1:
            guard p < block.count else { throw CodecError("zstd: truncated RLE \(field.name) code at byte \(offset + p)") }
            table = Table(cells: try field.rleTable(symbol: block[p]), log: 0)
            p += 1
        case 2:
            let what = "\(field.name) table at byte \(offset + p)"
            let (counts, log, used) = try FSE.readCounts(
                UnsafeRawBufferPointer(rebasing: block[p...]), maxSymbol: field.maxSymbol, maxLog: field.maxLog, what: what)
            table = Table(cells: try field.table(from: FSE.buildTable(counts: counts, accuracyLog: log, what: what)), log: log)
            p += used
        default:
            guard !table.cells.isEmpty else {
                throw CodecError("zstd: repeated \(field.name) table with no earlier table at byte \(offset + p)")
            }
        }
    }

    @inline(__always)
    private static func copyLiterals(_ destination: UnsafeMutablePointer<UInt8>, _ source: UnsafeMutablePointer<UInt8>, _ count: Int) {
        if count <= 16 {
            UnsafeMutableRawPointer(destination).storeBytes(of: UnsafeRawPointer(source).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        } else if count <= 32 {
            UnsafeMutableRawPointer(destination).storeBytes(of: UnsafeRawPointer(source).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
            UnsafeMutableRawPointer(destination + 16).storeBytes(
                of: UnsafeRawPointer(source + 16).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
        } else {
            destination.update(from: source, count: count)
        }
    }

    /// Decodes and executes the sequences: the hot loop.
    @inline(__always)
    private static func execute(
        count: Int, reader: inout BackwardBitReader,
        tables: (UnsafeBufferPointer<SequenceCell>, Int, UnsafeBufferPointer<SequenceCell>, Int, UnsafeBufferPointer<SequenceCell>, Int),
        literals: UnsafeMutablePointer<UInt8>, literalCount: Int, out: UnsafeMutablePointer<UInt8>, position: Int,
        historyStart: Int, windowSize: Int, blockMax: Int, repeats: inout (Int, Int, Int), offset blockOffset: Int
    ) throws -> Int {
        guard let ll = tables.0.baseAddress, let of = tables.2.baseAddress, let ml = tables.4.baseAddress else {
            throw CodecError("zstd: missing sequence table in the block at byte \(blockOffset)")
        }
        let llMask = tables.0.count - 1, ofMask = tables.2.count - 1, mlMask = tables.4.count - 1
        var llState = Int(truncatingIfNeeded: reader.read(tables.1)) & llMask
        var ofState = Int(truncatingIfNeeded: reader.read(tables.3)) & ofMask
        var mlState = Int(truncatingIfNeeded: reader.read(tables.5)) & mlMask
        reader.reload()
        var (r0, r1, r2) = repeats
        var op = position
        let end = position + blockMax
        var literalPosition = 0
        let maxDistance = min(windowSize, Int(UInt32.max))
        for i in 0..<count {
            let ofCell = of[ofState], mlCell = ml[mlState], llCell = ll[llState]
            let offsetValue = Int(ofCell.base) &+ Int(truncatingIfNeeded: reader.read(Int(ofCell.extraBits)))
            let matchLength = Int(mlCell.base) &+ Int(truncatingIfNeeded: reader.read(Int(mlCell.extraBits)))
            reader.reload()
            let literalLength = Int(llCell.base) &+ Int(truncatingIfNeeded: reader.read(Int(llCell.extraBits)))
            var distance: Int
            if offsetValue > 3 {
                distance = offsetValue - 3
                r2 = r1
                r1 = r0
                r0 = distance
            } else {
                let index = literalLength == 0 ? offsetValue : offsetValue - 1
                switch index {
                case 0:
                    distance = r0
                case 1:
                    distance = r1
                    r1 = r0
                    r0 = distance
                case 2:
                    distance = r2
                    r2 = r1
                    r1 = r0
                    r0 = distance
                default:
                    distance = r0 - 1
                    r2 = r1
                    r1 = r0
                    r0 = distance
                }
            }
            if i + 1 < count {
                llState = (Int(llCell.nextBase) &+ Int(truncatingIfNeeded: reader.read(Int(llCell.stateBits)))) & llMask
                mlState = (Int(mlCell.nextBase) &+ Int(truncatingIfNeeded: reader.read(Int(mlCell.stateBits)))) & mlMask
                ofState = (Int(ofCell.nextBase) &+ Int(truncatingIfNeeded: reader.read(Int(ofCell.stateBits)))) & ofMask
                reader.reload()
            }
            guard literalLength <= literalCount - literalPosition else {
                throw CodecError("zstd: sequence \(i) of the block at byte \(blockOffset) uses more literals than decoded")
            }
            guard literalLength + matchLength <= end - op else {
                throw CodecError("zstd: block at byte \(blockOffset) exceeds \(blockMax) bytes")
            }
            copyLiterals(out + op, literals + literalPosition, literalLength)
            op += literalLength
            literalPosition += literalLength
            guard distance > 0 && distance <= op - historyStart && distance <= maxDistance else {
                throw CodecError("zstd: sequence \(i) of the block at byte \(blockOffset) has offset \(distance) beyond the data decoded (\(op - historyStart)) or the window")
            }
            LZCopy.match(UnsafeMutableRawPointer(out + op), offset: distance, length: matchLength)
            op += matchLength
        }
        let rest = literalCount - literalPosition
        guard rest <= end - op else { throw CodecError("zstd: block at byte \(blockOffset) exceeds \(blockMax) bytes") }
        (out + op).update(from: literals + literalPosition, count: rest)
        op += rest
        repeats = (r0, r1, r2)
        return op - position
    }
}
