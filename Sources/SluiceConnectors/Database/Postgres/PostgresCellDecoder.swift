import NIOCore
import PostgresNIO
import SluiceCore

/// Decodes binary result cells into Sluice values (see ``PostgresSource`` for the mapping),
/// straight into ``ColumnBuilder``s where the value has a typed column.
enum PostgresCellDecoder {
    /// Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
    static let epochOffsetMicros: Int64 = 946_684_800_000_000
    /// Days from 1970-01-01 to 2000-01-01.
    static let epochOffsetDays: Int64 = 10_957

    /// Appends the cell's value to `builder`; returns the cell's size in bytes.
    static func append(_ bytes: ByteBuffer?, kind: PostgresColumnKind, to builder: inout ColumnBuilder) throws -> Int {
        guard var buffer = bytes else {
            builder.appendNull()
            return 0
        }
        let size = buffer.readableBytes
        switch kind {
        case .int8:
            guard let value = buffer.readInteger(as: Int64.self) else { throw malformed(kind) }
            builder.appendInt(Int(value))
        case .int4:
            guard let value = buffer.readInteger(as: Int32.self) else { throw malformed(kind) }
            builder.appendInt(Int(value))
        case .int2:
            guard let value = buffer.readInteger(as: Int16.self) else { throw malformed(kind) }
            builder.appendInt(Int(value))
        case .float8:
            guard let bits = buffer.readInteger(as: UInt64.self) else { throw malformed(kind) }
            builder.appendDouble(Double(bitPattern: bits))
        case .bool:
            guard let value = buffer.readInteger(as: UInt8.self) else { throw malformed(kind) }
            builder.appendBool(value != 0)
        case .text:
            buffer.withUnsafeReadableBytes { builder.appendText($0) }
        default:
            builder.append(try value(&buffer, kind: kind))
        }
        return size
    }

    /// The value of a non-null cell of `kind`.
    static func value(_ buffer: inout ByteBuffer, kind: PostgresColumnKind) throws -> Value {
        switch kind {
        case .int2:
            guard let value = buffer.readInteger(as: Int16.self) else { throw malformed(kind) }
            return .int(Int(value))
        case .int4:
            guard let value = buffer.readInteger(as: Int32.self) else { throw malformed(kind) }
            return .int(Int(value))
        case .int8:
            guard let value = buffer.readInteger(as: Int64.self) else { throw malformed(kind) }
            return .int(Int(value))
        case .oid:
            guard let value = buffer.readInteger(as: UInt32.self) else { throw malformed(kind) }
            return .int(Int(value))
        case .float4:
            guard let bits = buffer.readInteger(as: UInt32.self) else { throw malformed(kind) }
            let float = Float(bitPattern: bits)
            // Through the float's shortest text, so a stored 0.1 reads as 0.1, not 0.10000000149011612.
            return .double(float.isFinite ? Double(float.description) ?? Double(float) : Double(float))
        case .float8:
            guard let bits = buffer.readInteger(as: UInt64.self) else { throw malformed(kind) }
            return .double(Double(bitPattern: bits))
        case .numeric:
            guard let value = PostgresNumericValue.value(&buffer) else { throw malformed(kind) }
            return value
        case .bool:
            guard let value = buffer.readInteger(as: UInt8.self) else { throw malformed(kind) }
            return .bool(value != 0)
        case .text, .char:
            return .string(buffer.readString(length: buffer.readableBytes) ?? "")
        case .json:
            return json(buffer)
        case .jsonb:
            guard buffer.readInteger(as: UInt8.self) == 1 else { throw malformed(kind) }
            return json(buffer)
        case .uuid:
            guard buffer.readableBytes == 16 else { throw malformed(kind) }
            return .string(uuidText(buffer))
        case .date:
            guard let days = buffer.readInteger(as: Int32.self) else { throw malformed(kind) }
            if days == Int32.max { return .string("infinity") }
            if days == Int32.min { return .string("-infinity") }
            // PostgreSQL dates reach year 5874897; a timestamp holds about ±292,000 years.
            let (micros, overflow) = (Int64(days) + epochOffsetDays).multipliedReportingOverflow(by: 86_400_000_000)
            guard !overflow else { throw ConnectorError.io("PostgreSQL sent a date \(days) days from 2000-01-01, past the years a Sluice date holds") }
            return .timestamp(Timestamp(microseconds: micros))
        case .timestamp, .timestamptz:
            guard let micros = buffer.readInteger(as: Int64.self) else { throw malformed(kind) }
            if micros == Int64.max { return .string("infinity") }
            if micros == Int64.min { return .string("-infinity") }
            return .timestamp(Timestamp(microseconds: micros &+ epochOffsetMicros))
        case .bytea:
            return .string(Base64.encode(buffer.readableBytesView))
        case .array:
            return try PostgresBinaryArray.value(&buffer)
        }
    }

    private static func json(_ buffer: ByteBuffer) -> Value {
        buffer.withUnsafeReadableBytes { bytes in
            (try? JSONParser.parse(bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func uuidText(_ buffer: ByteBuffer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (index, byte) in buffer.readableBytesView.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func malformed(_ kind: PostgresColumnKind) -> ConnectorError {
        ConnectorError.io("PostgreSQL sent a malformed \(kind) value")
    }
}
