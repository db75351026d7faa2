import NIOCore
import SluiceCore

/// Decodes PostgreSQL's binary array form: dimension count, a has-nulls flag, the element
/// type OID, each dimension's length and lower bound, then the elements (length −1 for
/// null) in row-major order. One dimension gives an array of values; more give nested
/// arrays (`{{1,2},{3,4}}` → `[[1,2],[3,4]]`); lower bounds are dropped.
enum PostgresBinaryArray {
    static func value(_ buffer: inout ByteBuffer) throws -> Value {
        guard let dimensions = buffer.readInteger(as: Int32.self), buffer.readInteger(as: Int32.self) != nil,
            let elementOID = buffer.readInteger(as: UInt32.self), dimensions >= 0
        else { throw PostgresCellDecoder.malformed(.array) }
        if dimensions == 0 { return .array([]) }
        guard let kind = PostgresColumnKind(oid: elementOID), kind != .array else {
            throw ConnectorError.io("PostgreSQL sent an array of type OID \(elementOID), which the source cannot decode")
        }
        var lengths: [Int] = []
        for _ in 0..<dimensions {
            guard let length = buffer.readInteger(as: Int32.self), buffer.readInteger(as: Int32.self) != nil, length >= 0 else {
                throw PostgresCellDecoder.malformed(.array)
            }
            lengths.append(Int(length))
        }
        return try level(&buffer, lengths: lengths[...], kind: kind)
    }

    private static func level(_ buffer: inout ByteBuffer, lengths: ArraySlice<Int>, kind: PostgresColumnKind) throws -> Value {
        guard let length = lengths.first else { return .null }
        var elements: [Value] = []
        elements.reserveCapacity(length)
        if lengths.count > 1 {
            for _ in 0..<length { elements.append(try level(&buffer, lengths: lengths.dropFirst(), kind: kind)) }
            return .array(elements)
        }
        for _ in 0..<length {
            guard let size = buffer.readInteger(as: Int32.self) else { throw PostgresCellDecoder.malformed(.array) }
            if size < 0 {
                elements.append(.null)
                continue
            }
            guard var element = buffer.readSlice(length: Int(size)) else { throw PostgresCellDecoder.malformed(.array) }
            elements.append(try PostgresCellDecoder.value(&element, kind: kind))
        }
        return .array(elements)
    }
}
