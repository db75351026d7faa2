import Foundation
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

@testable import SluiceXLSX

/// Helpers shared by the XLSX tests.
enum XLSXTestSupport {
    /// Reads every chunk of `input` with `options`; returns the records (as objects with every
    /// field, nulls included), the positions, and the total of the chunks' byte counts.
    static func readAll(_ input: any RandomAccessInput, options: XLSXReadOptions = XLSXReadOptions()) throws -> (
        fields: [String], rows: [[Value]], positions: [Int], bytes: Int
    ) {
        let reader = try XLSXReader(input: input, options: options)
        var fields: [String] = []
        var records: [[String: Value]] = []
        var positions: [Int] = []
        var bytes = 0
        while let chunk = try reader.next() {
            bytes += chunk.bytes
            let batch = chunk.batch
            for name in batch.fields where !fields.contains(name) { fields.append(name) }
            for r in 0..<batch.count {
                var record: [String: Value] = [:]
                for (c, name) in batch.fields.enumerated() { record[name] = batch.value(row: r, column: c) }
                records.append(record)
            }
            positions.append(contentsOf: batch.positions)
        }
        // Fields that appear in a later batch read as null in earlier rows.
        let rows = records.map { record in fields.map { record[$0] ?? .null } }
        return (fields, rows, positions, bytes)
    }

    /// The bytes of the file at `path`.
    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// Runs a Python script with `path` as its argument (the openpyxl oracle).
    @discardableResult
    static func python(_ script: String, _ arguments: String...) async throws -> String {
        try await Python.run(script, arguments: arguments)
    }

    /// Parses the JSON the oracle scripts print into Values.
    static func json(_ text: String) throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }
}

extension XLSXTestSupport {
    /// Python that reads a workbook with openpyxl (`read_only=True, data_only=True`) and
    /// prints what Sluice should read, in Sluice's conventions: the first non-empty row names
    /// the fields (empty names → columnN, duplicates → name_2), fully empty rows are left out,
    /// datetimes are `{"ts": ISO}`, times `HH:MM:SS[.ffffff]`, timedeltas `H:MM:SS[.ffffff]`,
    /// integral floats ints. `error_cells` (a list of coordinates) read as null.
    static let oracle = """
        import sys, json, datetime, openpyxl
        def conv(v):
            if v is None or isinstance(v, bool): return v
            if isinstance(v, int): return v
            if isinstance(v, float): return int(v) if v.is_integer() and abs(v) < 2**53 else v
            if isinstance(v, datetime.datetime):
                frac = '%03d' % (v.microsecond // 1000) if v.microsecond % 1000 == 0 else '%06d' % v.microsecond
                return {"ts": v.strftime('%Y-%m-%dT%H:%M:%S.') + frac + 'Z'}
            if isinstance(v, datetime.time): return v.isoformat()
            if isinstance(v, datetime.timedelta):
                total = v.days * 86400 * 10**6 + v.seconds * 10**6 + v.microseconds
                sign = '-' if total < 0 else ''
                total = abs(total)
                h, rest = divmod(total, 3600 * 10**6)
                text = '%s%02d:%02d:%02d' % (sign, h, rest // (60 * 10**6), rest // 10**6 % 60)
                if rest % 10**6: text += '.%06d' % (rest % 10**6)
                return text
            return str(v)
        def name(v):
            if v is None: return ''
            if isinstance(v, bool): return 'TRUE' if v else 'FALSE'
            if isinstance(v, float) and v.is_integer(): return str(int(v))
            return str(v)
        def read(path, sheet, header, errors, skip_empty):
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
            ws = wb[sheet] if sheet else wb.worksheets[0]
            rows = []
            for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
                values = [None if openpyxl.utils.get_column_letter(i + 1) + str(number) in errors else c for i, c in enumerate(cells)]
                rows.append((number, values))
            if header:
                while rows and not any(v is not None for v in rows[0][1]): rows.pop(0)
            if skip_empty: rows = [(n, vs) for n, vs in rows if any(v is not None for v in vs)]
            fields = []
            if header and rows:
                number, values = rows.pop(0)
                names = [name(v) for v in values]
                while names and names[-1] == '': names.pop()
                fields = names
            width = max([len(fields)] + [max([i + 1 for i, v in enumerate(vs) if v is not None] + [0]) for _, vs in rows])
            while len(fields) < width: fields.append('')
            used, unique = set(), []
            for i, f in enumerate(fields):
                base = f if f else 'column%d' % (i + 1)
                n, candidate = 2, base
                while candidate in used:
                    candidate = '%s_%d' % (base, n); n += 1
                used.add(candidate); unique.append(candidate)
            out = {"sheets": wb.sheetnames, "fields": unique, "positions": [n for n, _ in rows],
                   "rows": [[conv(vs[i]) if i < len(vs) else None for i in range(width)] for _, vs in rows]}
            print(json.dumps(out))
        read(sys.argv[1], sys.argv[2] or None, sys.argv[3] == '1', set(json.loads(sys.argv[4])), sys.argv[5] == '1')
        """

    /// What the oracle says Sluice reads from `path`.
    static func expected(_ path: String, sheet: String = "", header: Bool = true, skipEmptyRows: Bool = true, errorCells: [String] = []) async throws -> (
        sheets: [String], fields: [String], rows: [[Value]], positions: [Int]
    ) {
        let errors = String(decoding: try JSONEncoderHelper.encode(errorCells), as: UTF8.self)
        let out = try json(try await python(oracle, path, sheet, header ? "1" : "0", errors, skipEmptyRows ? "1" : "0"))
        guard case .object(let o) = out else { throw OracleError(description: "oracle printed \(out)") }
        let sheets = (o["sheets"]?.arrayValue ?? []).compactMap(\.stringValue)
        let fields = (o["fields"]?.arrayValue ?? []).compactMap(\.stringValue)
        let positions = (o["positions"]?.arrayValue ?? []).compactMap { value -> Int? in
            if case .int(let i) = value { return i }
            return nil
        }
        let rows = (o["rows"]?.arrayValue ?? []).map { ($0.arrayValue ?? []).map(sluiceValue) }
        return (sheets, fields, rows, positions)
    }

    /// `{"ts": ISO}` → a timestamp; everything else as it is.
    static func sluiceValue(_ value: Value) -> Value {
        if case .object(let o) = value, let text = o["ts"]?.stringValue, let t = Timestamp(iso8601: text) { return .timestamp(t) }
        return value
    }

    struct OracleError: Error, CustomStringConvertible {
        var description: String
    }

    /// Compares rows, recording the first difference only (never the whole arrays).
    static func expectSameRows(_ got: [[Value]], _ want: [[Value]], sourceLocation: SourceLocation = #_sourceLocation) {
        if got.count != want.count {
            Issue.record("got \(got.count) rows, expected \(want.count)", sourceLocation: sourceLocation)
        }
        for (i, (g, w)) in zip(got, want).enumerated() where !sameRow(g, w) {
            Issue.record("row \(i): got \(g), expected \(w)", sourceLocation: sourceLocation)
            return
        }
    }

    /// Values equal, with timestamps compared exactly and numbers by value.
    static func sameRow(_ a: [Value], _ b: [Value]) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            if case .double(let dx) = x, case .double(let dy) = y, dx.isNaN, dy.isNaN { continue }
            if x != y { return false }
        }
        return true
    }

    /// Reads `path` with Sluice and with the oracle and expects the same fields, rows and positions.
    static func expectMatchesOracle(
        _ path: String, sheet: String = "", options: XLSXReadOptions = XLSXReadOptions(), errorCells: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let want = try await expected(path, sheet: sheet, header: options.header, skipEmptyRows: options.skipEmptyRows, errorCells: errorCells)
        var options = options
        if !sheet.isEmpty { options.sheet = .name(sheet) }
        let got = try readAll(LocalFileInput(path: path), options: options)
        #expect(got.fields == want.fields, sourceLocation: sourceLocation)
        expectSameRows(got.rows, want.rows, sourceLocation: sourceLocation)
        #expect(got.positions == want.positions, sourceLocation: sourceLocation)
        #expect(got.bytes == (try bytes(path)).count, sourceLocation: sourceLocation)
    }
}

extension XLSXTestSupport {
    /// Writes a zip of `parts` (name → text, in order) with Python's zipfile, deflated.
    static func writePackage(_ path: String, parts: [(String, String)], stored: Bool = false) async throws {
        var json: [UInt8] = [UInt8(ascii: "[")]
        for (i, (name, text)) in parts.enumerated() {
            if i > 0 { json.append(UInt8(ascii: ",")) }
            json += Array("[".utf8)
            JSONText.appendString(name, to: &json)
            json.append(UInt8(ascii: ","))
            JSONText.appendString(text, to: &json)
            json += Array("]".utf8)
        }
        json.append(UInt8(ascii: "]"))
        try await python(
            """
            import sys, json, zipfile
            parts = json.loads(sys.argv[2])
            method = zipfile.ZIP_STORED if sys.argv[3] == '1' else zipfile.ZIP_DEFLATED
            with zipfile.ZipFile(sys.argv[1], 'w', method) as z:
                for name, text in parts: z.writestr(name, text.encode('utf-8'))
            """, path, String(decoding: json, as: UTF8.self), stored ? "1" : "0")
    }

    /// The parts of a minimal workbook around `sheet` (the sheet1 XML body inside
    /// `<sheetData>`), with optional shared strings, styles and workbook properties.
    static func minimalPackage(
        sheetData: String, sharedStrings: String? = nil, styles: String? = nil, workbookPr: String = "", sheetExtra: String = ""
    ) -> [(String, String)] {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        var workbookRels = #"<Relationship Id="rId1" Type="\#(rel)/worksheet" Target="worksheets/sheet1.xml"/>"#
        if sharedStrings != nil { workbookRels += #"<Relationship Id="rId2" Type="\#(rel)/sharedStrings" Target="sharedStrings.xml"/>"# }
        if styles != nil { workbookRels += #"<Relationship Id="rId3" Type="\#(rel)/styles" Target="/xl/styles.xml"/>"# }
        var parts: [(String, String)] = [
            (
                "[Content_Types].xml",
                #"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#
            ),
            (
                "_rels/.rels",
                #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="\#(rel)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
            (
                "xl/workbook.xml",
                #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="\#(main)" xmlns:r="\#(rel)">\#(workbookPr)<sheets><sheet name="S1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
            (
                "xl/_rels/workbook.xml.rels",
                #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\#(workbookRels)</Relationships>"#
            ),
            ("xl/worksheets/sheet1.xml", #"<worksheet xmlns="\#(main)">\#(sheetExtra)<sheetData>\#(sheetData)</sheetData></worksheet>"#),
        ]
        if let sharedStrings { parts.append(("xl/sharedStrings.xml", #"<sst xmlns="\#(main)">\#(sharedStrings)</sst>"#)) }
        if let styles { parts.append(("xl/styles.xml", #"<styleSheet xmlns="\#(main)">\#(styles)</styleSheet>"#)) }
        return parts
    }
}
