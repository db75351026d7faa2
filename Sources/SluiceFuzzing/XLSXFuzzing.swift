import SluiceCore
import SluiceFormats
import SluiceXLSX

/// Fuzzing of the XLSX reader: arbitrary bytes as a workbook give records or a clean
/// ``FormatError``; a read of only the first field gives that field's values of the full read.
enum XLSXFuzzing {
    static func run(_ bytes: [UInt8]) -> FuzzReport {
        let full = read(bytes, projection: nil)
        var report = FuzzReport(outcome: full.error.map { "rejected: \($0)" } ?? "\(full.records.count) records")
        guard full.error == nil, let first = full.records.first?.keys.first else { return report }
        let projected = read(bytes, projection: [first])
        report.check(projected.error == nil, "reading only '\(first)' failed where the full read succeeded")
        let expected = full.records.map { $0[first].map(JSONText.string) ?? "absent" }
        let got = projected.records.map { $0[first].map(JSONText.string) ?? "absent" }
        report.check(projected.error != nil || expected == got, "reading only '\(first)' gave other values than the full read")
        return report
    }

    static func read(_ bytes: [UInt8], projection: Set<String>?) -> (records: [ValueObject], error: (any Error)?) {
        var records: [ValueObject] = []
        do {
            let reader = try XLSXReader(
                input: MemoryInput(name: "fuzz.xlsx", bytes: bytes), options: XLSXReadOptions(batchSize: 256, projection: projection))
            while records.count < 100_000, let chunk = try reader.next() { records += chunk.batch.records }
        } catch {
            return (records, error)
        }
        return (records, nil)
    }
}
