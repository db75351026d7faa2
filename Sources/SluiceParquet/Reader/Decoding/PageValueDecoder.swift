/// The decoder of one data page's values, by the page's encoding.
enum PageValueDecoder {
    case plain(PlainDecoder)
    /// Dictionary indices (PLAIN_DICTIONARY or RLE_DICTIONARY).
    case dictionary(RLEHybridDecoder)
    /// Booleans in the RLE hybrid with bit width 1.
    case rleBoolean(RLEHybridDecoder)
    case deltaBinaryPacked(DeltaBinaryPackedDecoder)
    case deltaLengthByteArray(DeltaLengthByteArrayDecoder)
    case deltaByteArray(DeltaByteArrayDecoder)
    case byteStreamSplit(ByteStreamSplitDecoder)
    /// Placeholder while a payload is being mutated (so it is not copied).
    case idle

    /// The decoder of `encoding` for values of `physical` in `start ..< end` of `p`.
    init(
        encoding: ParquetEncoding, physical: ParquetPhysicalType, typeLength: Int,
        _ p: UnsafeRawBufferPointer, start: Int, end: Int
    ) throws(ParquetDecodeError) {
        switch encoding {
        case .plain:
            self = .plain(PlainDecoder(start: start, end: end))
        case .plainDictionary, .rleDictionary:
            guard start < end else { throw ParquetDecodeError("a dictionary-encoded page has no bit width byte") }
            let width = Int(p[start])
            self = .dictionary(try RLEHybridDecoder(bitWidth: width, start: start + 1, end: end))
        case .rle where physical == .boolean:
            var position = start
            let length = try BitReading.length32(p, &position, end: end)
            self = .rleBoolean(try RLEHybridDecoder(bitWidth: 1, start: position, end: position + length))
        case .deltaBinaryPacked where physical == .int32 || physical == .int64:
            self = .deltaBinaryPacked(try DeltaBinaryPackedDecoder(p, start: start, end: end, bits: physical == .int32 ? 32 : 64))
        case .deltaLengthByteArray where physical == .byteArray:
            self = .deltaLengthByteArray(try DeltaLengthByteArrayDecoder(p, start: start, end: end))
        case .deltaByteArray where physical == .byteArray || physical == .fixedLenByteArray:
            self = .deltaByteArray(try DeltaByteArrayDecoder(p, start: start, end: end))
        case .byteStreamSplit:
            let width: Int
            switch physical {
            case .int32, .float: width = 4
            case .int64, .double: width = 8
            case .fixedLenByteArray: width = typeLength
            default: throw ParquetDecodeError("BYTE_STREAM_SPLIT cannot encode \(Self.name(physical)) values")
            }
            self = .byteStreamSplit(try ByteStreamSplitDecoder(start: start, end: end, width: width))
        default:
            throw ParquetDecodeError("encoding \(Self.name(encoding)) is not supported for \(Self.name(physical)) values")
        }
    }

    /// Decodes `count` values of `physical` into `out` (not for dictionary pages' indices,
    /// which the converter gathers).
    mutating func decode(
        _ count: Int, physical: ParquetPhysicalType, typeLength: Int, _ p: UnsafeRawBufferPointer,
        into out: inout ParquetPhysicalValues
    ) throws {
        switch self {
        case .plain(var d):
            self = .idle
            defer { self = .plain(d) }
            switch physical {
            case .boolean: try d.readBool(count, p, into: &out.bools)
            case .int32: try d.readInt32(count, p, into: &out.ints)
            case .int64: try d.readInt64(count, p, into: &out.ints)
            case .float: try d.readFloat(count, p, into: &out.doubles)
            case .double: try d.readDouble(count, p, into: &out.doubles)
            case .byteArray: try d.readByteArrays(count, p, into: &out)
            case .int96: try d.readFixed(count, width: 12, p, into: &out)
            default: try d.readFixed(count, width: typeLength, p, into: &out)
            }
        case .rleBoolean(var d):
            self = .idle
            defer { self = .rleBoolean(d) }
            var bits = [UInt8](repeating: 0, count: count)
            try bits.withUnsafeMutableBufferPointer { buffer throws(ParquetDecodeError) in
                guard let base = buffer.baseAddress else { return }
                try d.read(count, p, into: base)
            }
            for bit in bits { out.bools.append(bit != 0) }
        case .deltaBinaryPacked(var d):
            self = .idle
            defer { self = .deltaBinaryPacked(d) }
            let start = out.ints.count
            try d.read(count, p, into: &out.ints)
            if physical == .int32 {
                for i in start..<out.ints.count { out.ints[i] = Int64(Int32(truncatingIfNeeded: out.ints[i])) }
            }
        case .deltaLengthByteArray(var d):
            self = .idle
            defer { self = .deltaLengthByteArray(d) }
            try d.read(count, p, into: &out)
        case .deltaByteArray(var d):
            self = .idle
            defer { self = .deltaByteArray(d) }
            try d.read(count, p, into: &out)
            if physical == .fixedLenByteArray {
                for i in (out.byteArrayCount - count)..<out.byteArrayCount where out.offsets[i + 1] - out.offsets[i] != typeLength {
                    throw ParquetDecodeError("a DELTA_BYTE_ARRAY value is \(out.offsets[i + 1] - out.offsets[i]) bytes, not the column's \(typeLength)")
                }
            }
        case .byteStreamSplit(var d):
            self = .idle
            defer { self = .byteStreamSplit(d) }
            switch physical {
            case .int32: try d.readWords(count, p) { out.ints.append(Int64(Int32(truncatingIfNeeded: $0))) }
            case .int64: try d.readWords(count, p) { out.ints.append(Int64(bitPattern: $0)) }
            case .float: try d.readWords(count, p) { out.doubles.append(Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0)))) }
            case .double: try d.readWords(count, p) { out.doubles.append(Double(bitPattern: $0)) }
            default: try d.readFixed(count, p, into: &out)
            }
        case .dictionary:
            throw ParquetDecodeError("dictionary indices read as values")
        case .idle:
            throw ParquetDecodeError("no page is being read")
        }
    }

    static func name(_ physical: ParquetPhysicalType) -> String {
        switch physical {
        case .boolean: return "BOOLEAN"
        case .int32: return "INT32"
        case .int64: return "INT64"
        case .int96: return "INT96"
        case .float: return "FLOAT"
        case .double: return "DOUBLE"
        case .byteArray: return "BYTE_ARRAY"
        case .fixedLenByteArray: return "FIXED_LEN_BYTE_ARRAY"
        default: return "type \(physical.rawValue)"
        }
    }

    static func name(_ encoding: ParquetEncoding) -> String {
        switch encoding {
        case .plain: return "PLAIN"
        case .plainDictionary: return "PLAIN_DICTIONARY"
        case .rle: return "RLE"
        case .bitPacked: return "BIT_PACKED"
        case .deltaBinaryPacked: return "DELTA_BINARY_PACKED"
        case .deltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY"
        case .deltaByteArray: return "DELTA_BYTE_ARRAY"
        case .rleDictionary: return "RLE_DICTIONARY"
        case .byteStreamSplit: return "BYTE_STREAM_SPLIT"
        default: return "\(encoding.rawValue)"
        }
    }
}
