import SluiceTestSupport
import Foundation
import SluiceCore
import Testing

@testable import SluiceFormats

/// Checks the CSV reader and writer against Python's `csv` module, an independent
/// implementation of the same dialect. python3 must be installed: the test fails (it does
/// not skip) when it is missing.
@Suite("CSV against Python's csv module")
struct CSVDifferentialTests {
    /// Parses the CSV file at `path` with Python's `csv.reader` (blank lines dropped).
    func pythonRows(_ csv: [UInt8], delimiter: Character = ",") async throws -> [[String]] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-csv-\(UUID().uuidString).csv")
        try Data(csv).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                rows = [r for r in csv.reader(f, delimiter=sys.argv[2]) if r]
            sys.stdout.write(json.dumps(rows))
            """
        let data = try await Python.run(script, arguments: [url.path, String(delimiter)])
        guard case .array(let rows) = try JSONParser.parse(data) else { throw OracleError(message: "unexpected output") }
        return rows.map { row in (row.arrayValue ?? []).map { $0.stringValue ?? "?" } }
    }

    struct OracleError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// One cell of tricky CSV text, with the string it stands for.
    func randomCell(_ rng: inout SplitMix, delimiter: String) -> (text: String, value: String) {
        let safe = ["a", "b", "Zz", "0", "12", "-3.5", "é", "😀", " ", "x y", "true"]
        let risky = ["\"", delimiter, "\n", "\r\n", " ", "\"\"", "a"]
        switch rng.int(0...9) {
        case 0:
            return ("", "")
        case 1, 2, 3:
            let s = (0..<rng.int(1...3)).map { _ in safe[rng.int(0...(safe.count - 1))] }.joined()
            return s.hasPrefix("\"") ? ("\"\(s)\"", s) : (s, s)
        case 4, 5, 6:
            let s = (0..<rng.int(0...5)).map { _ in (risky + safe)[rng.int(0...(risky.count + safe.count - 1))] }.joined()
            return ("\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"", s)
        case 7:
            // A quote inside an unquoted cell is an ordinary character.
            return ("ab\"c", "ab\"c")
        case 8:
            // Text after a closing quote is appended to the cell.
            return ("\"q,\"\"\"tail", "q,\"tail")
        default:
            return ("\"\"", "")
        }
    }

    @Test("reader: every cell of generated tricky CSV equals Python's", arguments: [",", ";", "\t"])
    func reader(delimiter: String) async throws {
        var rng = SplitMix(seed: UInt64(delimiter.unicodeScalars.first?.value ?? 0))
        let columns = 6
        var text = ""
        var expected: [[String]] = []
        for r in 0..<3000 {
            var cells: [String] = []
            var values: [String] = []
            for _ in 0..<columns {
                let cell = randomCell(&rng, delimiter: delimiter)
                cells.append(cell.text)
                values.append(cell.value)
            }
            text += cells.joined(separator: delimiter)
            if r < 2999 || rng.next() % 2 == 0 { text += rng.next() % 3 == 0 ? "\r\n" : "\n" }
            expected.append(values)
        }
        let input = Array(text.utf8)
        let python = try await pythonRows(input, delimiter: Character(delimiter))
        let types = Dictionary(uniqueKeysWithValues: (1...columns).map { ("column\($0)", FieldType.string) })
        let options = DecodeOptions(batchSize: 700, delimiter: delimiter.utf8.first ?? 0x2C, hasHeader: false, fieldTypes: types)
        let ours = try decode(.csv, input, options: options, pieces: [65_536, 7])
        let oursRows: [[String]] = ours.batches.flatMap { batch in
            (0..<batch.count).map { row in batch.columns.map { $0.value(at: row).stringValue ?? "" } }
        }
        #expect(ours.rejections.isEmpty)
        #expect(python.count == 3000)
        #expect(oursRows.count == python.count)
        if let i = (0..<min(oursRows.count, python.count)).first(where: { oursRows[$0] != python[$0] }) {
            Issue.record("row \(i): ours \(oursRows[i]) python \(python[i])")
        }
        #expect(oursRows == expected)
    }

    @Test("writer: Python reads back exactly the strings written")
    func writer() async throws {
        var rng = SplitMix(seed: 77)
        let names = ["plain", "with,comma", "quote\"d", " lead", "multi\nline"]
        var records: [ValueObject] = []
        for _ in 0..<2000 {
            var record = ValueObject()
            for name in names {
                let pieces = ["a", ",", "\"", "\n", "\r\n", " ", "é", "\t", "x"]
                let s = (0..<rng.int(0...6)).map { _ in pieces[rng.int(0...(pieces.count - 1))] }.joined()
                record[name] = rng.next() % 10 == 0 ? .null : .string(s)
            }
            records.append(record)
        }
        let text = encode(.csv, [RecordBatch(records: records)])
        let python = try await pythonRows(Array(text.utf8))
        #expect(python.first == names)
        let expected = records.map { record in names.map { record[$0]?.stringValue ?? "" } }
        #expect(Array(python.dropFirst()) == expected)
    }
}
