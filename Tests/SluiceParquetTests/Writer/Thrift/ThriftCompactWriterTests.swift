import Testing

@testable import SluiceParquet

@Suite struct ThriftCompactWriterTests {
    @Test func fieldHeadersAndValues() {
        var w = ThriftCompactWriter()
        w.i32Field(1, 5)  // delta 1, type 5, zigzag 10
        w.i64Field(2, -1)  // delta 1, type 6, zigzag 1
        w.boolField(3, true)  // delta 1, type 1
        w.boolField(4, false)  // delta 1, type 2
        w.stringField(20, "ab")  // delta 16: long form, type 8, zigzag(20) = 40
        w.i16Field(19, 300)  // a smaller id: long form, zigzag(19) = 38; zigzag(300) = 600
        w.structEnd()
        #expect(w.bytes == [0x15, 0x0A, 0x16, 0x01, 0x11, 0x12, 0x08, 0x28, 0x02, 0x61, 0x62, 0x04, 0x26, 0xD8, 0x04, 0x00])
    }

    @Test func nestedStructsKeepTheirOwnFieldIds() {
        var w = ThriftCompactWriter()
        w.fieldBegin(5, .structure)
        w.structBegin()
        w.i32Field(1, 0)
        w.structEnd()
        w.i32Field(6, 1)  // delta from 5, not from the inner 1
        w.structEnd()
        #expect(w.bytes == [0x5C, 0x15, 0x00, 0x00, 0x15, 0x02, 0x00])
    }

    @Test func lists() {
        var w = ThriftCompactWriter()
        w.listBegin(.i32, count: 2)
        w.writeI32(-2)
        w.writeI32(2)
        w.listBegin(.binary, count: 20)
        #expect(w.bytes == [0x25, 0x03, 0x04, 0xF8, 0x14])
    }

    @Test func logicalTypeUnion() {
        var w = ThriftCompactWriter()
        ParquetLogicalType.timestamp(isAdjustedToUTC: true, unit: .micros).writeStruct(to: &w)
        // {8: {1: true, 2: {2: {}}}}: field 2 of the timestamp struct is one past field 1.
        #expect(w.bytes == [0x8C, 0x11, 0x1C, 0x2C, 0x00, 0x00, 0x00, 0x00])
        var d = ThriftCompactWriter()
        ParquetLogicalType.decimal(scale: 2, precision: 12).writeStruct(to: &d)
        #expect(d.bytes == [0x5C, 0x15, 0x04, 0x15, 0x18, 0x00, 0x00])
        var i = ThriftCompactWriter()
        ParquetLogicalType.integer(bitWidth: 8, isSigned: false).writeStruct(to: &i)
        #expect(i.bytes == [0xAC, 0x13, 0x08, 0x12, 0x00, 0x00])
    }
}
