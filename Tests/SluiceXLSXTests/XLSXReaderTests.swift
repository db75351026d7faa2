import Foundation
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

@testable import SluiceXLSX

@Suite struct XLSXReaderTests {
    /// A workbook written by openpyxl with every kind of cell it writes.
    static let variedWorkbook = """
        import sys, datetime, openpyxl
        from openpyxl.cell.rich_text import CellRichText, TextBlock
        from openpyxl.cell.text import InlineFont
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "Data"
        ws.append(["id", "name", "price", "ok", "when", "day", "at", "note", "", "name"])
        ws.append([1, "apple", 1.25, True, datetime.datetime(2024, 2, 29, 13, 45, 30, 123000), datetime.date(2024, 1, 1), datetime.time(8, 30), "a & b <c>", None, "dup"])
        ws.append([2, "Ünïcödé ✓ 😀", -0.5, False, datetime.datetime(1900, 1, 1), datetime.date(1900, 3, 1), datetime.time(23, 59, 59, 500000), None, 7, None])
        ws.append([])
        ws.append([3, "  spaced  ", 1e-7, None, datetime.datetime(9999, 12, 31, 23, 59, 59), None, None, "line\\nbreak", None, None])
        ws.append([4, CellRichText(["rich ", TextBlock(InlineFont(b=True), "bold"), " text"]), 123456789012, None, None, None, None, None, None, None])
        ws.append([5, "=formula without cache", 2.5e300, None, None, None, None, None, None, None])
        ws.cell(row=8, column=1, value=6)
        ws.cell(row=8, column=12, value="far right")
        ws.merge_cells("B9:D10")
        ws["B9"] = "merged"
        ws["A9"] = 7
        ws["A10"] = 8
        for r in range(2, 11):
            ws.cell(row=r, column=5).number_format = "yyyy-mm-dd hh:mm:ss"
        ws["F2"].number_format = "yyyy-mm-dd"
        ws["C3"].number_format = "0.00%"
        other = wb.create_sheet("Other sheet")
        other.append(["x"])
        other.append([42])
        hidden = wb.create_sheet("Hidden")
        hidden.sheet_state = "hidden"
        hidden.append(["h"])
        wb.save(sys.argv[1])
        """

    @Test func matchesOpenpyxlOnAVariedWorkbook() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("varied.xlsx")
        try await XLSXTestSupport.python(Self.variedWorkbook, path)
        try await XLSXTestSupport.expectMatchesOracle(path)
        try await XLSXTestSupport.expectMatchesOracle(path, sheet: "Other sheet")
        try await XLSXTestSupport.expectMatchesOracle(path, sheet: "Hidden")
        try await XLSXTestSupport.expectMatchesOracle(path, options: XLSXReadOptions(header: false))
        try await XLSXTestSupport.expectMatchesOracle(path, options: XLSXReadOptions(batchSize: 2))
        try await XLSXTestSupport.expectMatchesOracle(path, options: XLSXReadOptions(batchSize: 3, skipEmptyRows: false))
        try await XLSXTestSupport.expectMatchesOracle(path, options: XLSXReadOptions(header: false, skipEmptyRows: false))
        let result = try XLSXTestSupport.readAll(LocalFileInput(path: path))
        #expect(result.fields == ["id", "name", "price", "ok", "when", "day", "at", "note", "column9", "name_2", "column11", "column12"])
        #expect(result.rows[0][4] == .timestamp(Timestamp(iso8601: "2024-02-29T13:45:30.123Z")!))
        #expect(result.rows[0][6] == "08:30:00")
        #expect(result.rows[3][1] == "rich bold text")
        #expect(result.rows[4][1] == .null)
        #expect(result.positions == [2, 3, 5, 6, 7, 8, 9, 10])
        // Merged B9:D10: the value stays in B9, the other cells of the range are null.
        #expect(result.rows[6] == [7, "merged"] + Array(repeating: nil, count: 10))
        #expect(result.rows[7] == [8] + Array(repeating: nil, count: 11))
    }

    @Test func the1904DateSystem() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("mac.xlsx")
        try await XLSXTestSupport.python(
            """
            import sys, datetime, openpyxl
            from openpyxl.utils.datetime import CALENDAR_MAC_1904
            wb = openpyxl.Workbook()
            wb.epoch = CALENDAR_MAC_1904
            ws = wb.active
            ws.append(["d", "n"])
            ws.append([datetime.datetime(1904, 1, 2), 1])
            ws.append([datetime.datetime(2023, 3, 15, 6, 0), 2])
            ws.append([datetime.date(2000, 2, 29), 3])
            wb.save(sys.argv[1])
            """, path)
        try await XLSXTestSupport.expectMatchesOracle(path)
        let result = try XLSXTestSupport.readAll(LocalFileInput(path: path))
        #expect(result.rows.map { $0[0] } == [
            .timestamp(Timestamp(iso8601: "1904-01-02")!), .timestamp(Timestamp(iso8601: "2023-03-15T06:00:00Z")!),
            .timestamp(Timestamp(iso8601: "2000-02-29")!),
        ])
    }

    @Test func rangesProjectionAndSheetChoice() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("grid.xlsx")
        try await XLSXTestSupport.python(
            """
            import sys, openpyxl
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.title = "First"
            ws["A1"] = "title row"
            for r in range(3, 13):
                for c in range(2, 7):
                    ws.cell(row=r, column=c, value=("h%d" % c) if r == 3 else r * 100 + c)
            wb.create_sheet("Second").append(["only"])
            wb.save(sys.argv[1])
            """, path)
        let input = try LocalFileInput(path: path)
        let ranged = try XLSXTestSupport.readAll(input, options: XLSXReadOptions(range: "B3:D6"))
        #expect(ranged.fields == ["h2", "h3", "h4"])
        #expect(ranged.rows == [[402, 403, 404], [502, 503, 504], [602, 603, 604]])
        #expect(ranged.positions == [4, 5, 6])
        #expect(ranged.bytes == input.size, "a read that stops at the range's end still accounts for the whole file")
        let open = try XLSXTestSupport.readAll(input, options: XLSXReadOptions(range: "C11:"))
        #expect(open.fields == ["1103", "1104", "1105", "1106"])
        #expect(open.rows == [[1203, 1204, 1205, 1206]])
        let columns = try XLSXTestSupport.readAll(input, options: XLSXReadOptions(header: false, range: "E:F"))
        #expect(columns.fields == ["column1", "column2"])
        #expect(columns.rows.first == ["h5", "h6"])
        #expect(columns.rows.count == 10)
        let projected = try XLSXTestSupport.readAll(input, options: XLSXReadOptions(range: "3:12", projection: ["h6", "h4"]))
        #expect(projected.fields == ["h4", "h6"])
        #expect(projected.rows.last == [1204, 1206])
        let second = try XLSXTestSupport.readAll(input, options: XLSXReadOptions(sheet: .index(2)))
        #expect(second.fields == ["only"])
        #expect(second.rows.isEmpty)
        let byName = try XLSXReader(input: input, options: XLSXReadOptions(sheet: .name("second")))
        #expect(byName.sheetName == "Second")
        #expect(byName.sheetNames == ["First", "Second"])
        #expect(throws: FormatError.self) { try XLSXReader(input: input, options: XLSXReadOptions(sheet: .name("Third"))) }
        #expect(throws: FormatError.self) { try XLSXReader(input: input, options: XLSXReadOptions(sheet: .index(3))) }
        #expect(throws: FormatError.self) { try XLSXReader(input: input, options: XLSXReadOptions(range: "D1:A1")) }
    }

    @Test func columnsAreTyped() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file("typed.xlsx")
        try await XLSXTestSupport.python(
            """
            import sys, openpyxl
            wb = openpyxl.Workbook()
            ws = wb.active
            ws.append(["i", "d", "s", "b"])
            for n in range(100): ws.append([n, n + 0.5, "s%d" % n, n % 2 == 0])
            wb.save(sys.argv[1])
            """, path)
        let reader = try XLSXReader(input: LocalFileInput(path: path))
        let chunk = try #require(try reader.next())
        let columns = chunk.batch.columns
        guard case .ints = columns[0].storage, case .doubles = columns[1].storage, case .text = columns[2].storage,
            case .bools = columns[3].storage
        else {
            Issue.record("columns are not typed: \(columns.map(\.storage))")
            return
        }
    }
}
