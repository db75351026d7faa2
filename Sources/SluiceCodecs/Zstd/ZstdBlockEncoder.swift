// Encoding one zstd compressed block (RFC 8878 §3.1.1.3) from LZ77 sequences: raw literals
// and sequences coded with the predefined FSE distributions. Written from scratch for Sluice.

/// Turns sequences into a compressed block body, tracking the repeat offsets as the decoder
/// will.
struct ZstdBlockEncoder {
    private var repeats = (1, 4, 8)

    private static let literalLengthTable = FSEEncodingTable(
        counts: SequenceField.literalLength.predefined.counts, log: SequenceField.literalLength.predefined.log)
    private static let matchLengthTable = FSEEncodingTable(
        counts: SequenceField.matchLength.predefined.counts, log: SequenceField.matchLength.predefined.log)
    private static let offsetTable = FSEEncodingTable(counts: SequenceField.offset.predefined.counts, log: SequenceField.offset.predefined.log)

    /// Literal-length codes of 0...63, match-length codes of (length - 3) in 0...127.
    private static let literalLengthCodes: [UInt8] = (0..<64).map { code(for: $0, bases: SequenceField.literalLengthBase) }
    private static let matchLengthCodes: [UInt8] = (0..<128).map { code(for: $0 + 3, bases: SequenceField.matchLengthBase) }

    private static func code(for value: Int, bases: [UInt32]) -> UInt8 {
        var code = 0
        while code + 1 < bases.count && Int(bases[code + 1]) <= value { code += 1 }
        return UInt8(code)
    }

    @inline(__always)
    private static func highBit(_ value: Int) -> Int { Int.bitWidth - 1 - value.leadingZeroBitCount }

    /// The Offset_Value for `distance` after `literalLength` literals, updating the repeat
    /// offsets exactly as the decoder does.
    @inline(__always)
    private mutating func offsetValue(distance: Int, literalLength: Int) -> Int {
        let (r0, r1, r2) = repeats
        let value: Int
        if literalLength > 0 {
            value = distance == r0 ? 1 : distance == r1 ? 2 : distance == r2 ? 3 : distance + 3
        } else {
            value = distance == r1 ? 1 : distance == r2 ? 2 : distance == r0 - 1 ? 3 : distance + 3
        }
        if value > 3 {
            repeats = (distance, r0, r1)
        } else {
            let index = literalLength == 0 ? value : value - 1
            switch index {
            case 0: break
            case 1: repeats = (r1, r0, r2)
            case 2: repeats = (r2, r0, r1)
            default: repeats = (r0 - 1, r0, r1)
            }
        }
        return value
    }

    /// Appends the body of a compressed block (literals section, sequences section) for
    /// `block`, whose literals are the bytes between the matches.
    mutating func encode(
        _ block: UnsafeRawPointer, count: Int, sequences: [ZstdSequence], trailing: Int, into out: inout [UInt8]
    ) {
        // Literals section: Huffman-compressed when that is smaller, else raw.
        var literals: [UInt8] = []
        literals.reserveCapacity(count)
        var position = 0
        for sequence in sequences {
            literals.append(contentsOf: UnsafeRawBufferPointer(start: block + position, count: sequence.literalLength))
            position += sequence.literalLength + sequence.matchLength
        }
        literals.append(contentsOf: UnsafeRawBufferPointer(start: block + position, count: trailing))
        let literalCount = literals.count
        if let section = literals.withUnsafeBytes({ HuffmanEncoder.section($0) }) {
            out.append(contentsOf: section)
        } else {
            if literalCount < 32 {
                out.append(UInt8(literalCount << 3))
            } else if literalCount < 4096 {
                out.append(UInt8(truncatingIfNeeded: 0x04 | (literalCount << 4)))
                out.append(UInt8(truncatingIfNeeded: literalCount >> 4))
            } else {
                out.append(UInt8(truncatingIfNeeded: 0x0C | (literalCount << 4)))
                out.append(UInt8(truncatingIfNeeded: literalCount >> 4))
                out.append(UInt8(truncatingIfNeeded: literalCount >> 12))
            }
            out.append(contentsOf: literals)
        }

        // Sequences section header.
        let n = sequences.count
        if n < 128 {
            out.append(UInt8(n))
        } else if n < 0x7F00 {
            out.append(UInt8(truncatingIfNeeded: (n >> 8) + 128))
            out.append(UInt8(truncatingIfNeeded: n))
        } else {
            out.append(255)
            out.append(UInt8(truncatingIfNeeded: n - 0x7F00))
            out.append(UInt8(truncatingIfNeeded: (n - 0x7F00) >> 8))
        }
        guard n > 0 else { return }

        // Codes and extra bits, front to back (repeat offsets depend on the order).
        var llCodes = [UInt8](repeating: 0, count: n), mlCodes = llCodes, ofCodes = llCodes
        var llExtra = [Int](repeating: 0, count: n), mlExtra = llExtra, ofExtra = llExtra
        for (k, sequence) in sequences.enumerated() {
            let ll = sequence.literalLength
            let llCode = ll < 64 ? Int(Self.literalLengthCodes[ll]) : Self.highBit(ll) + 19
            llCodes[k] = UInt8(llCode)
            llExtra[k] = ll - Int(SequenceField.literalLengthBase[llCode])
            let ml = sequence.matchLength - 3
            let mlCode = ml < 128 ? Int(Self.matchLengthCodes[ml]) : Self.highBit(ml) + 36
            mlCodes[k] = UInt8(mlCode)
            mlExtra[k] = sequence.matchLength - Int(SequenceField.matchLengthBase[mlCode])
            let value = offsetValue(distance: sequence.distance, literalLength: ll)
            let ofCode = Self.highBit(value)
            ofCodes[k] = UInt8(ofCode)
            ofExtra[k] = value - (1 << ofCode)
        }

        // Table per field: predefined, RLE or described here, whichever is cheapest.
        let ll = SequenceFieldEncoding.choose(llCodes, field: .literalLength, predefined: Self.literalLengthTable)
        let of = SequenceFieldEncoding.choose(ofCodes, field: .offset, predefined: Self.offsetTable)
        let ml = SequenceFieldEncoding.choose(mlCodes, field: .matchLength, predefined: Self.matchLengthTable)
        out.append(UInt8(ll.mode << 6 | of.mode << 4 | ml.mode << 2))
        out.append(contentsOf: ll.description)
        out.append(contentsOf: of.description)
        out.append(contentsOf: ml.description)

        // The bitstream, last sequence first.
        var writer = ForwardBitWriter(capacity: n * 8 + 16)
        let last = n - 1
        var mlState = ml.table?.initialState(Int(mlCodes[last])) ?? 0
        var ofState = of.table?.initialState(Int(ofCodes[last])) ?? 0
        var llState = ll.table?.initialState(Int(llCodes[last])) ?? 0
        writer.add(llExtra[last], bits: Int(SequenceField.literalLengthBits[Int(llCodes[last])]))
        writer.add(mlExtra[last], bits: Int(SequenceField.matchLengthBits[Int(mlCodes[last])]))
        writer.add(ofExtra[last], bits: Int(ofCodes[last]))
        var k = last - 1
        while k >= 0 {
            of.table?.encode(Int(ofCodes[k]), state: &ofState, into: &writer)
            ml.table?.encode(Int(mlCodes[k]), state: &mlState, into: &writer)
            ll.table?.encode(Int(llCodes[k]), state: &llState, into: &writer)
            writer.add(llExtra[k], bits: Int(SequenceField.literalLengthBits[Int(llCodes[k])]))
            writer.add(mlExtra[k], bits: Int(SequenceField.matchLengthBits[Int(mlCodes[k])]))
            writer.add(ofExtra[k], bits: Int(ofCodes[k]))
            k -= 1
        }
        ml.table?.flush(mlState, into: &writer)
        of.table?.flush(ofState, into: &writer)
        ll.table?.flush(llState, into: &writer)
        out.append(contentsOf: writer.close())
    }
}
