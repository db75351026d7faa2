import Foundation
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

@testable import SluiceXLSX

@Suite struct XLSXEncoderTests {
    /// Encodes `batches`, handing each call a fresh buffer as a target would, and returns the file.
    static func write(_ batches: [RecordBatch], options: XLSXWriteOptions = XLSXWriteOptions()) throws -> [UInt8] {
        var encoder = XLSXEncoder(options: options)
        var file: [UInt8] = []
        var out: [UInt8] = []
        try encoder.begin(into: &out)
        file += out
        for batch in batches {
            out = []
            try encoder.encode(batch, into: &out)
            file += out
        }
        out = []
        try encoder.finish(into: &out)
        file += out
        return file
    }

    /// openpyxl's reading of every sheet: name → rows of `[type, value, number_format]`.
    static let reader = """
        import sys, json, datetime, zipfile, openpyxl
        assert zipfile.ZipFile(sys.argv[1]).testzip() is None
        wb = openpyxl.load_workbook(sys.argv[1])
        out = {"sheets": wb.sheetnames, "data": {}}
        for ws in wb.worksheets:
            rows = []
            for row in ws.iter_rows():
                cells = []
                for c in row:
                    v = c.value
                    if v is None: cells.append(["none"])
                    elif isinstance(v, bool): cells.append(["bool", v])
                    elif isinstance(v, int): cells.append(["int", v])
                    elif isinstance(v, float): cells.append(["float", v])
                    elif isinstance(v, datetime.datetime): cells.append(["datetime", v.isoformat(), c.number_format])
                    else: cells.append(["str", v, c.font.b])
                rows.append(cells)
            out["data"][ws.title] = rows
        print(json.dumps(out))
        """

    static func openpyxl(_ bytes: [UInt8]) async throws -> (sheets: [String], data: [String: [[[Value]]]]) {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("out.xlsx")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let value = try XLSXTestSupport.json(try await XLSXTestSupport.python(reader, path))
        let sheets = (value.value(atPath: "sheets")?.arrayValue ?? []).compactMap(\.stringValue)
        var data: [String: [[[Value]]]] = [:]
        for name in sheets {
            let rows = value.value(atPath: "data")?.objectValue?[name]?.arrayValue ?? []
            data[name] = rows.map { ($0.arrayValue ?? []).map { $0.arrayValue ?? [] } }
        }
        return (sheets, data)
    }

    static func batch(_ fields: [String], _ rows: [[Value]], firstPosition: Int = 1) -> RecordBatch {
        var builders = Array(repeating: ColumnBuilder(), count: fields.count)
        for row in rows {
            for (i, value) in row.enumerated() { builders[i].append(value) }
        }
        return RecordBatch(fields: fields, columns: builders.map { $0.build() }, positions: Array(firstPosition..<(firstPosition + rows.count)))
    }

    static func ts(_ text: String) -> Value { .timestamp(Timestamp(iso8601: text)!) }

    @Test func openpyxlReadsWhatSluiceWrites() async throws {
        let fields = ["i", "d", "b", "s", "t", "mixed"]
        let first = Self.batch(
            fields,
            [
                [1, 1.5, true, "plain", Self.ts("2024-02-29"), 7],
                [-42, -0.001, false, "a & b <c> \"q\" 'a'", Self.ts("2024-02-29T13:45:30.250Z"), "text"],
            ])
        let second = Self.batch(
            fields,
            [
                [nil, nil, nil, nil, nil, nil],
                [9_007_199_254_740_993, 1e300, true, "  spaced  ", Self.ts("1900-01-01"), .array([1, "x"])],
                [0, .double(.nan), nil, "Ünïcödé 😀\nline", Self.ts("1900-03-01T06:00:00Z"), .object(ValueObject([("k", 1)]))],
                [1, 2.0, false, "tab\there", Self.ts("1899-12-31"), .timestamp(Timestamp(iso8601: "2000-01-01T00:00:01Z")!)],
            ], firstPosition: 3)
        let bytes = try Self.write([first, second])
        let read = try await Self.openpyxl(bytes)
        #expect(read.sheets == ["Sheet1"])
        let rows = try #require(read.data["Sheet1"])
        #expect(rows.count == 7)
        #expect(rows[0] == fields.map { [Value.string("str"), Value.string($0), Value.bool(true)] })
        #expect(rows[1] == [["int", 1], ["float", 1.5], ["bool", true], ["str", "plain", false], ["datetime", "2024-02-29T00:00:00", "yyyy-mm-dd"], ["int", 7]])
        #expect(rows[2] == [
            ["int", -42], ["float", -0.001], ["bool", false], ["str", "a & b <c> \"q\" 'a'", false],
            ["datetime", "2024-02-29T13:45:30.250000", "yyyy-mm-dd hh:mm:ss"], ["str", "text", false],
        ])
        #expect(rows[3] == Array(repeating: ["none"], count: 6))
        #expect(rows[4] == [
            ["int", 9_007_199_254_740_993], ["float", 1e300], ["bool", true], ["str", "  spaced  ", false],
            ["datetime", "1900-01-01T00:00:00", "yyyy-mm-dd"], ["str", "[1,\"x\"]", false],
        ])
        #expect(rows[5] == [
            ["int", 0], ["str", "NaN", false], ["none"], ["str", "Ünïcödé 😀\nline", false], ["datetime", "1900-03-01T06:00:00", "yyyy-mm-dd hh:mm:ss"],
            ["str", "{\"k\":1}", false],
        ])
        #expect(rows[6] == [
            ["int", 1], ["float", 2], ["bool", false], ["str", "tab\there", false], ["str", "1899-12-31T00:00:00.000Z", false],
            ["datetime", "2000-01-01T00:00:01", "yyyy-mm-dd hh:mm:ss"],
        ])
    }

    @Test func sluiceReadsBackWhatItWrites() throws {
        let fields = ["n", "x", "s", "when"]
        var rows: [[Value]] = []
        for i in 0..<3000 {
            rows.append([
                .int(i), i % 3 == 0 ? .null : .double(Double(i) / 8), .string(i % 5 == 0 ? "ctrl\u{1}_x0041_\r\(i)" : "s\(i)"),
                .timestamp(Timestamp(microseconds: 1_700_000_000_000_000 + Int64(i) * 3_600_123_000)),
            ])
        }
        let batches = stride(from: 0, to: rows.count, by: 1000).map { Self.batch(fields, Array(rows[$0..<($0 + 1000)]), firstPosition: $0 + 1) }
        let bytes = try Self.write(batches)
        let read = try XLSXTestSupport.readAll(MemoryInput(name: "roundtrip.xlsx", bytes: bytes), options: XLSXReadOptions(batchSize: 700))
        #expect(read.fields == fields)
        XLSXTestSupport.expectSameRows(read.rows, rows.map { row in row.map { $0 == .null ? .null : $0 } })
        #expect(read.positions == Array(2...3001))
        #expect(read.bytes == bytes.count)
    }

    @Test func splitFieldMakesOneSheetPerValue() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let fields = ["region", "n"]
        let batches = [
            Self.batch(fields, [["EU", 1], ["US", 2], ["EU", 3]]),
            Self.batch(fields, [[nil, 4], ["a/b:c", 5], ["US", 6], ["eu", 7], [.string(String(repeating: "z", count: 40)), 8]], firstPosition: 4),
        ]
        let options = XLSXWriteOptions(splitField: "region", scratchDirectory: dir.path)
        let bytes = try Self.write(batches, options: options)
        #expect(try dir.list() == [], "scratch files are unlinked at once")
        let read = try await Self.openpyxl(bytes)
        #expect(read.sheets == ["EU", "US", "(blank)", "a_b_c", "eu (2)", String(repeating: "z", count: 31)])
        let header: [[Value]] = [["str", "region", true], ["str", "n", true]]
        #expect(read.data["EU"] == [header, [["str", "EU", false], ["int", 1]], [["str", "EU", false], ["int", 3]]])
        #expect(read.data["US"] == [header, [["str", "US", false], ["int", 2]], [["str", "US", false], ["int", 6]]])
        #expect(read.data["(blank)"] == [header, [["none"], ["int", 4]]])
        #expect(read.data["eu (2)"]?.count == 2)
        // Sluice reads each sheet back.
        let input = MemoryInput(name: "split.xlsx", bytes: bytes)
        let us = try XLSXTestSupport.readAll(input, options: XLSXReadOptions(sheet: .name("US")))
        #expect(us.rows == [["US", 2], ["US", 6]])
    }

    @Test func noRecordsStillMakesAWorkbook() async throws {
        let empty = try await Self.openpyxl(try Self.write([]))
        #expect(empty.sheets == ["Sheet1"])
        let declared = try Self.write(
            [], options: XLSXWriteOptions(sheetName: "Out", fieldSchemas: [FieldSchema(name: "a", type: .string), FieldSchema(name: "b", type: .date)]))
        let read = try await Self.openpyxl(declared)
        #expect(read.sheets == ["Out"])
        #expect(read.data["Out"] == [[["str", "a", true], ["str", "b", true]]])
        let split = try await Self.openpyxl(try Self.write([], options: XLSXWriteOptions(splitField: "x")))
        #expect(split.sheets == ["Sheet1"])
        let noHeader = try await Self.openpyxl(try Self.write([Self.batch(["a"], [[1]])], options: XLSXWriteOptions(header: false)))
        #expect(noHeader.data["Sheet1"] == [[["int", 1]]])
    }

    @Test func declaredTypesChooseDateFormats() async throws {
        let options = XLSXWriteOptions(fieldSchemas: [
            FieldSchema(name: "day", type: .date), FieldSchema(name: "at", type: .timestamp(unit: .micros, utc: true)),
            FieldSchema(name: "extra", type: .string),
        ])
        let batch = Self.batch(["at", "day", "ignored"], [[Self.ts("2024-01-01"), Self.ts("2024-01-02"), 1]])
        let read = try await Self.openpyxl(try Self.write([batch], options: options))
        #expect(read.data["Sheet1"]?[1] == [
            ["datetime", "2024-01-02T00:00:00", "yyyy-mm-dd"], ["datetime", "2024-01-01T00:00:00", "yyyy-mm-dd hh:mm:ss"], ["none"],
        ])
    }

    @Test func excelLimitsAreEnforced() throws {
        let long = String(repeating: "é", count: XLSXLimits.maximumCellCharacters + 1)
        #expect {
            _ = try Self.write([Self.batch(["s"], [["ok"], [.string(long)]])])
        } throws: { error in
            (error as? FormatError)?.message.contains("32767") == true && (error as? FormatError)?.message.contains("record 2") == true
        }
        let fits = String(repeating: "é", count: XLSXLimits.maximumCellCharacters)
        _ = try Self.write([Self.batch(["s"], [[.string(fits)]])])
        let wide = (0...XLSXLimits.maximumColumns).map { "f\($0)" }
        #expect {
            _ = try Self.write([Self.batch(wide, [wide.map { _ in Value.int(1) }])])
        } throws: { error in
            (error as? FormatError)?.message.contains("16384") == true
        }
        let values = (0..<(XLSXWriteOptions.maximumSheets + 1)).map { Value.int($0) }
        #expect {
            _ = try Self.write([Self.batch(["k"], values.map { [$0] })], options: XLSXWriteOptions(splitField: "k"))
        } throws: { error in
            (error as? FormatError)?.message.contains("256") == true
        }
    }

    @Test func theRowLimit() throws {
        // A sheet takes exactly Excel's number of rows…
        let sheet = try XLSXSheetStream(name: "S", number: 1, level: 1, scratch: nil)
        for expected in 1...XLSXLimits.maximumRows {
            guard sheet.beginRow() == expected else {
                Issue.record("row \(expected) refused")
                return
            }
            sheet.endRow()
            if sheet.shouldFlush {
                var sink: [UInt8] = []
                try sheet.flush(into: &sink)
            }
        }
        #expect(sheet.beginRow() == nil)
        // …and the encoder names the limit when records go past it (header + limit rows).
        let rows = XLSXLimits.maximumRows
        let full = RecordBatch(fields: ["n"], columns: [Column(storage: .ints(Array(repeating: 1, count: rows)))], positions: Array(1...rows))
        #expect {
            _ = try Self.write([full], options: XLSXWriteOptions(compressionLevel: 1))
        } throws: { error in
            (error as? FormatError)?.message.contains("1048576") == true && (error as? FormatError)?.message.contains("record \(rows)") == true
        }
    }
}
