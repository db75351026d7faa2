import SluiceCore
import SluiceFormats
import Testing

@testable import SluiceParquet

/// Values that do not fit their column throw the exact message, naming the record, the field
/// and the type; nothing is silently converted.
@Suite struct ColumnChunkBufferTests {
    /// Encodes `batches` and returns the error thrown, if any.
    static func failure(_ batches: [RecordBatch], options: ParquetWriteOptions = ParquetWriteOptions(compression: .none)) -> FormatError? {
        do {
            _ = try ParquetWriterOracle.encode(batches, options: options)
            return nil
        } catch let error as FormatError {
            return error
        } catch {
            return FormatError("unexpected \(error)")
        }
    }

    static func batch(_ field: String, _ values: [Value], from position: Int = 1) -> RecordBatch {
        RecordBatch(fields: [field], columns: [Column(values: values)], positions: Array(position..<(position + values.count)))
    }

    static func declared(_ field: String, _ type: LogicalType, nullable: Bool = true) -> ParquetWriteOptions {
        ParquetWriteOptions(compression: .none, fieldSchemas: [field: FieldSchema(name: field, type: type, nullable: nullable)])
    }

    @Test func textInAnInferredIntegerColumn() {
        // The first row group (two rows) makes `n` INT64; the text in the second does not fit.
        let options = ParquetWriteOptions(rowGroupSize: 2, compression: .none)
        let error = Self.failure([Self.batch("n", [1, 2, 3, "abc"], from: 11)], options: options)
        #expect(error?.message == "Parquet: record 14, field \"n\" (int64): a string does not fit")
    }

    @Test func valuesOfAnotherKind() {
        let cases: [(LogicalType, Value, String)] = [
            (.integer(bits: 64, signed: true), 1.5, "a floating-point number does not fit"),
            (.integer(bits: 64, signed: true), true, "a boolean does not fit"),
            (.integer(bits: 64, signed: true), [1], "an array does not fit"),
            (.integer(bits: 64, signed: true), ["a": 1], "an object does not fit"),
            (.boolean, 1, "an integer does not fit"),
            (.float(bits: 64), "1.5", "a string does not fit"),
            (.float(bits: 64), .int(Int.max), "an integer beyond 2^53 does not fit exactly"),
            (.float(bits: 32), 1e300, "a number out of the range of float"),
            (.date, .timestamp(Timestamp(microseconds: 1)), "a timestamp that is not midnight UTC does not fit"),
            (.date, "2024-13-01", "a string that is not a date does not fit"),
            (.timestamp(unit: .millis, utc: true), .timestamp(Timestamp(microseconds: 1001)), "a timestamp with microseconds does not fit"),
            (.timestamp(unit: .nanos, utc: true), .timestamp(Timestamp(microseconds: Int64.max)), "a timestamp out of the range of nanoseconds"),
            (.timestamp(unit: .micros, utc: true), 5, "an integer does not fit"),
            (.time(unit: .millis), "12:00:00.0001", "a time with sub-millisecond digits does not fit"),
            (.time(unit: .micros), "24:00:00", "a string that is not a time of day (HH:MM:SS) does not fit"),
            (.uuid, "123e4567-e89b-12d3-a456-42661417400", "a string that is not a UUID does not fit"),
            (.binary, "abc!", "a string that is not base64 does not fit"),
            (.fixedBinary(length: 4), "AQID", "3 bytes of base64 do not fit 4 bytes"),
            (.integer(bits: 8, signed: true), 128, "an integer out of the range of int8"),
            (.integer(bits: 16, signed: false), -1, "an integer out of the range of uint16"),
            (.integer(bits: 64, signed: false), -1, "a negative integer does not fit"),
            (.integer(bits: 64, signed: false), "18446744073709551616", "a string that is not an unsigned integer does not fit"),
            (.json, .double(.nan), "a non-finite number has no JSON form"),
        ]
        for (type, value, detail) in cases {
            let error = Self.failure([Self.batch("f", [.null, value], from: 7)], options: Self.declared("f", type))
            let name = ParquetSchemaInference.declaredPlanName(type)
            #expect(error?.message == "Parquet: record 8, field \"f\" (\(name)): \(detail)", "\(type.description) ← \(value)")
        }
    }

    @Test func decimalsThatDoNotFit() {
        let cases: [(Value, String)] = [
            (12.345, "a number with 3 fraction digits does not fit"),
            ("0.001", "a number with 3 fraction digits does not fit"),
            (1e-7, "a number with 7 fraction digits does not fit"),
            (123.4, "a number with 3 integer digits does not fit"),
            (100, "a number with 3 integer digits does not fit"),
            ("-100.00", "a number with 3 integer digits does not fit"),
            ("1e3", "a number with 4 integer digits does not fit"),
            ("12a", "a string that is not a decimal number does not fit"),
            (.double(.infinity), "a non-finite number does not fit"),
            (true, "a boolean does not fit"),
        ]
        for (value, detail) in cases {
            let error = Self.failure([Self.batch("p", [value])], options: Self.declared("p", .decimal(precision: 4, scale: 2)))
            #expect(error?.message == "Parquet: record 1, field \"p\" (decimal(4,2)): \(detail)", "\(value)")
        }
        // Digits that are only trailing zeros fit; wide decimals check the same way.
        #expect(Self.failure([Self.batch("p", ["12.3400", 99.99, "-0.0"])], options: Self.declared("p", .decimal(precision: 4, scale: 2))) == nil)
        let wide = Self.failure([Self.batch("p", ["1.123"])], options: Self.declared("p", .decimal(precision: 25, scale: 2)))
        #expect(wide?.message == "Parquet: record 1, field \"p\" (decimal(25,2)): a number with 3 fraction digits does not fit")
    }

    @Test func nullInANonNullableField() {
        let error = Self.failure(
            [Self.batch("id", ["a", .null])], options: Self.declared("id", .string, nullable: false))
        #expect(error?.message == "Parquet: record 2, field \"id\": null in a field declared not nullable")
        // A batch without the field is null there too.
        let other = RecordBatch(fields: ["x"], columns: [Column(values: [1])], positions: [5])
        let missing = Self.failure([Self.batch("id", ["a"]), other], options: Self.declared("id", .string, nullable: false))
        #expect(missing?.message == "Parquet: record 5, field \"id\": null in a field declared not nullable")
    }

    @Test func fieldsAfterTheSchemaIsFixed() async throws {
        let options = ParquetWriteOptions(rowGroupSize: 2, compression: .none)
        let first = Self.batch("a", [1, 2])
        let later = RecordBatch(
            fields: ["a", "b", "c", "d"],
            columns: [Column(values: [3, 4, 5]), Column(values: [.null, 1, 2]), Column(values: [.null, .null, "x"]), Column(values: [.null, .null, .null])],
            positions: [3, 4, 5])
        let error = Self.failure([first, later], options: options)
        #expect(
            error?.message
                == "Parquet: record 4: fields \"b\", \"c\" first appear after the first row group fixed the file's schema (a Parquet file has one schema)")
        // A new field holding only nulls is left out.
        let onlyNulls = RecordBatch(fields: ["a", "d"], columns: [Column(values: [3]), Column(values: [.null])], positions: [3])
        let result = try await ParquetWriterOracle.read(try ParquetWriterOracle.encode([first, onlyNulls], options: options), engines: ["pyarrow"])
        ParquetWriterOracle.expectColumns(result, [("a", [1, 2, 3])], engines: ["pyarrow"])
    }

    @Test func aFailedRowGroupLeavesTheOutputAsItWas() throws {
        var encoder = ParquetEncoder(options: ParquetWriteOptions(rowGroupSize: 2, compression: .none))
        var out: [UInt8] = []
        try encoder.begin(into: &out)
        try encoder.encode(Self.batch("n", [1, 2]), into: &out)
        let written = out
        #expect(throws: FormatError.self) { try encoder.encode(Self.batch("n", [3, "x"], from: 3), into: &out) }
        #expect(out == written)
    }

    @Test func invalidOptions() {
        for (options, message) in [
            (ParquetWriteOptions(rowGroupSize: 0), "Parquet: rowGroupSize must be 1 to 1073741824 rows, not 0"),
            (ParquetWriteOptions(rowGroupByteLimit: 0), "Parquet: rowGroupByteLimit must be at least 1, not 0"),
            (ParquetWriteOptions(pageSize: -1), "Parquet: pageSize must be 1 to 1073741824 bytes, not -1"),
            (ParquetWriteOptions(compression: .gzip, level: 10), "Parquet: the gzip level must be 1 to 9, not 10"),
            (ParquetWriteOptions(compression: .zstd, level: 0), "Parquet: the zstd level must be 1 to 22, not 0"),
        ] {
            var encoder = ParquetEncoder(options: options)
            var out: [UInt8] = []
            #expect(throws: FormatError(message)) { try encoder.begin(into: &out) }
        }
    }
}

extension ParquetSchemaInference {
    /// The type name a declared type's column carries in messages.
    static func declaredPlanName(_ type: LogicalType) -> String {
        (try? declaredPlan(name: "f", hint: FieldSchema(name: "f", type: type)).typeName) ?? "?"
    }
}
