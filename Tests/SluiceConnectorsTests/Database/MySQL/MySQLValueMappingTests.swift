import NIOCore
import SluiceCore
import SluiceMySQLWire
import Testing

@testable import SluiceConnectors

/// How the columns of a result map to value kinds, and cells to values.
@Suite struct MySQLValueMappingTests {
    /// Column kinds for what MySQL (not MariaDB) sends: JSON as type 245 in the binary
    /// character set, which must not be mistaken for bytes.
    @Test func columnKindsFollowTypeLengthFlagsAndCharacterSet() {
        func column(_ type: MySQLType, charset: UInt16 = 45, length: UInt32 = 10, flags: UInt16 = 0, format: String? = nil) -> MySQLColumn {
            MySQLColumn(name: "c", characterSet: charset, length: length, type: type, flags: flags, decimals: 0, extendedFormat: format)
        }
        #expect(MySQLValueMapping.kind(of: column(.json, charset: 63)) == .json)
        #expect(MySQLValueMapping.kind(of: column(.blob, charset: 45, format: "json")) == .json)
        #expect(MySQLValueMapping.kind(of: column(.blob, charset: 63)) == .binary)
        #expect(MySQLValueMapping.kind(of: column(.blob, charset: 45)) == .text)
        #expect(MySQLValueMapping.kind(of: column(.string, charset: 63)) == .binary)
        #expect(MySQLValueMapping.kind(of: column(.tiny, length: 1)) == .bool)
        #expect(MySQLValueMapping.kind(of: column(.tiny, length: 4)) == .int)
        #expect(MySQLValueMapping.kind(of: column(.longlong, flags: MySQLColumn.unsignedFlag)) == .unsignedInt)
        #expect(MySQLValueMapping.kind(of: column(.newdecimal, charset: 63)) == .decimal)
        #expect(MySQLValueMapping.kind(of: column(.datetime, charset: 63)) == .timestamp)
        #expect(MySQLValueMapping.kind(of: column(.time, charset: 63)) == .text)
        #expect(MySQLValueMapping.kind(of: column(.year, charset: 63)) == .year)
        #expect(MySQLValueMapping.kind(of: column(.bit, charset: 63)) == .bit)

        var builder = ColumnBuilder()
        MySQLValueMapping.append(ByteBuffer(string: "18446744073709551615"), kind: .unsignedInt, to: &builder)
        MySQLValueMapping.append(ByteBuffer(bytes: [0x03, 0xFF]), kind: .bit, to: &builder)
        MySQLValueMapping.append(ByteBuffer(string: "0000-00-00 00:00:00"), kind: .timestamp, to: &builder)
        MySQLValueMapping.append(ByteBuffer(string: "{\"a\": 1}"), kind: .json, to: &builder)
        MySQLValueMapping.append(ByteBuffer(string: "not json"), kind: .json, to: &builder)
        MySQLValueMapping.append(nil, kind: .int, to: &builder)
        let column = builder.build()
        #expect((0..<6).map { column.value(at: $0) } == ["18446744073709551615", 1023, "0000-00-00 00:00:00", ["a": 1], "not json", nil])
    }
}
