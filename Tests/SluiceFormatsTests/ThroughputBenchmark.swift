import Foundation
import SluiceCore
import Testing

@testable import SluiceFormats

/// A throughput check to run by hand in release mode, e.g.
/// `swift test -c release --filter ThroughputBenchmark` after removing `.disabled`.
/// It prints MB/s and asserts only the row counts, never a time.
@Suite("Throughput (manual)")
struct ThroughputBenchmark {
    func measure(_ format: DataFormat, _ input: [UInt8], rows: Int) throws {
        let start = DispatchTime.now()
        let decoded = try decode(format, input, pieces: [1 << 20])
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        print("\(format): \(input.count) bytes, \(rows) rows in \(seconds) s = \(Double(input.count) / seconds / 1e6) MB/s")
        #expect(decoded.chunkRows.reduce(0, +) == rows)
    }

    @Test(.disabled("manual benchmark"))
    func csvAndNDJSON() throws {
        let rows = 200_000
        var csv = "id,name,email,amount,active,created,city,score,note\n"
        var ndjson = ""
        for i in 0..<rows {
            csv += "\(i),Name \(i % 97),user\(i)@example.com,\(Double(i) / 7),\(i % 2 == 0),2024-01-\(10 + i % 18),\"Lima, Peru\",\(i * 31 % 1000),plain note\n"
            ndjson += "{\"id\":\(i),\"name\":\"Name \(i % 97)\",\"email\":\"user\(i)@example.com\",\"amount\":\(Double(i) / 7),\"active\":\(i % 2 == 0),\"created\":\"2024-01-\(10 + i % 18)\",\"city\":\"Lima, Peru\",\"score\":\(i * 31 % 1000),\"note\":\"plain note\"}\n"
        }
        try measure(.csv, Array(csv.utf8), rows: rows)
        try measure(.ndjson, Array(ndjson.utf8), rows: rows)
    }
}
