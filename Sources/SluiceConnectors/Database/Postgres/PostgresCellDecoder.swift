import NIOCore
import PostgresNIO
import SluiceCore

/// Decodes binary result cells into Sluice values (see ``PostgresSource`` for the mapping),
/// straight into ``ColumnBuilder``s where the value has a typed column. The cells come from
/// PostgresNIO's rows (as `ByteBuffer`s) or from a binary COPY stream (as raw bytes); both
/// carry each type's binary `send` form.
enum PostgresCellDecoder {
    /// Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01.
    static let epochOffsetMicros: Int64 = 946_684_800_000_000
    /// Days from 1970-01-01 to 2000-01-01.
    static let epochOffsetDays: Int64 = 10_957

    /// Appends the cell's value to `builder`; returns the cell's size in bytes.
    static func append(_ bytes: ByteBuffer?, kind: PostgresColumnKind, to builder: inout ColumnBuilder) throws -> Int {
        guard let buffer = bytes else {
            builder.appendNull()
            return 0
        }
        try buffer.withUnsafeReadableBytes { try append($0, kind: kind, to: &builder) }
        return buffer.readableBytes
    }

    /// Appends the value of the non-null cell `bytes` to `builder`.
    static func append(_ bytes: UnsafeRawBufferPointer, kind: PostgresColumnKind, to builder: inout ColumnBuilder) throws {
        switch kind {
        case .int8:
            guard bytes.count == 8 else { throw malformed(kind) }
            builder.appendInt(Int(Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))))
        case .int4:
            guard bytes.count == 4 else { throw malformed(kind) }
            builder.appendInt(Int(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self))))
        case .int2:
            guard bytes.count == 2 else { throw malformed(kind) }
            builder.appendInt(Int(Int16(bigEndian: bytes.loadUnaligned(as: Int16.self))))
        case .float8:
            guard bytes.count == 8 else { throw malformed(kind) }
            builder.appendDouble(Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))))
        case .bool:
            guard bytes.count == 1 else { throw malformed(kind) }
            builder.appendBool(bytes[0] != 0)
        case .text:
            builder.appendText(bytes)
        default:
            builder.append(try value(bytes, kind: kind))
        }
    }

    /// The value of a non-null cell of `kind` (the buffer's bytes are read).
    static func value(_ buffer: inout ByteBuffer, kind: PostgresColumnKind) throws -> Value {
        defer { buffer.moveReaderIndex(forwardBy: buffer.readableBytes) }
        if kind == .array { return try PostgresBinaryArray.value(&buffer) }
        return try buffer.withUnsafeReadableBytes { try value($0, kind: kind) }
    }

    /// The value of the non-null cell `bytes` of `kind`.
    static func value(_ bytes: UnsafeRawBufferPointer, kind: PostgresColumnKind) throws -> Value {
        switch kind {
        case .int2, .int4, .int8, .oid:
            guard let value = integer(bytes, kind: kind) else { throw malformed(kind) }
            return .int(value)
        case .float4:
            guard bytes.count == 4 else { throw malformed(kind) }
            let float = Float(bitPattern: UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self)))
            // Through the float's shortest text, so a stored 0.1 reads as 0.1, not 0.10000000149011612.
            return .double(float.isFinite ? Double(float.description) ?? Double(float) : Double(float))
        case .float8:
            guard bytes.count == 8 else { throw malformed(kind) }
            return .double(Double(bitPattern: UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))))
        case .numeric:
            guard let value = PostgresNumericValue.value(bytes) else { throw malformed(kind) }
            return value
        case .bool:
            guard bytes.count == 1 else { throw malformed(kind) }
            return .bool(bytes[0] != 0)
        case .text, .char:
            return .string(String(decoding: bytes, as: UTF8.self))
        case .json:
            return json(bytes)
        case .jsonb:
            guard bytes.first == 1 else { throw malformed(kind) }
            return json(UnsafeRawBufferPointer(rebasing: bytes.dropFirst()))
        case .uuid:
            guard bytes.count == 16 else { throw malformed(kind) }
            return .string(uuidText(bytes))
        case .date:
            guard bytes.count == 4 else { throw malformed(kind) }
            let days = Int32(bigEndian: bytes.loadUnaligned(as: Int32.self))
            if days == Int32.max { return .string("infinity") }
            if days == Int32.min { return .string("-infinity") }
            // PostgreSQL dates reach year 5874897; a timestamp holds about ±292,000 years.
            let (micros, overflow) = (Int64(days) + epochOffsetDays).multipliedReportingOverflow(by: 86_400_000_000)
            guard !overflow else { throw ConnectorError.io("PostgreSQL sent a date \(days) days from 2000-01-01, past the years a Sluice date holds") }
            return .timestamp(Timestamp(microseconds: micros))
        case .timestamp, .timestamptz:
            guard bytes.count == 8 else { throw malformed(kind) }
            let micros = Int64(bigEndian: bytes.loadUnaligned(as: Int64.self))
            if micros == Int64.max { return .string("infinity") }
            if micros == Int64.min { return .string("-infinity") }
            return .timestamp(Timestamp(microseconds: micros &+ epochOffsetMicros))
        case .bytea:
            return .string(Base64.encode(bytes))
        case .array:
            var buffer = ByteBuffer(bytes: bytes)
            return try PostgresBinaryArray.value(&buffer)
        }
    }

    private static func integer(_ bytes: UnsafeRawBufferPointer, kind: PostgresColumnKind) -> Int? {
        switch (kind, bytes.count) {
        case (.int8, 8): return Int(Int64(bigEndian: bytes.loadUnaligned(as: Int64.self)))
        case (.int4, 4): return Int(Int32(bigEndian: bytes.loadUnaligned(as: Int32.self)))
        case (.int2, 2): return Int(Int16(bigEndian: bytes.loadUnaligned(as: Int16.self)))
        case (.oid, 4): return Int(UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self)))
        default: return nil
        }
    }

    private static func json(_ bytes: UnsafeRawBufferPointer) -> Value {
        (try? JSONParser.parse(bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func uuidText(_ bytes: UnsafeRawBufferPointer) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
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
