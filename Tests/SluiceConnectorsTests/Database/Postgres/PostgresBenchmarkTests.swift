import Foundation
import SluiceConnectors
import SluiceCore
import SluiceFormats
import SluiceTestSupport
import Testing

/// Throughput of the postgres source and target on a 1M-row table. Manual: enable, then run
/// in release mode (see the report in the connector's docs).
@Suite struct PostgresBenchmarkTests {
    static let table = "sluice_bench_1m"

    static func prepare(rows: Int) async throws {
        let existing = try await PostgresFixture.psql("SELECT count(*) FROM pg_class WHERE relname = '\(table)'")
        if existing == "1", try await PostgresFixture.psql("SELECT count(*) FROM \(table)") == "\(rows)" { return }
        try await PostgresFixture.psql("""
            DROP TABLE IF EXISTS \(table);
            CREATE TABLE \(table) (id int8, name text, amount numeric(12,2), created timestamptz, active bool, tags jsonb);
            INSERT INTO \(table) SELECT g, 'customer ' || g, (g % 100000) / 100.0, timestamptz '2024-01-01' + g * interval '1.5 second',
              g % 2 = 0, jsonb_build_array('tag' || (g % 10), g % 7) FROM generate_series(1, \(rows)) g;
            """)
        try await PostgresFixture.psql("VACUUM ANALYZE \(table)")
    }

    static func rate(_ rows: Int, _ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return "\(rows) rows in \(String(format: "%.2f", seconds)) s = \(Int(Double(rows) / seconds)) rows/s"
    }

    @Test(.disabled("manual benchmark")) func millionRowThroughput() async throws {
        let rows = 1_000_000
        try await Self.prepare(rows: rows)
        let clock = ContinuousClock()

        // (a) Read: just iterate the chunks.
        let source = try PostgresFixture.source(["table": .string(Self.table)])
        var read = 0
        let readTime = try await clock.measure {
            let reader = try await source.open()
            while let chunk = try await reader.next() { read += chunk.batch.count }
        }
        #expect(read == rows)
        print("postgres source read: \(Self.rate(read, readTime))")

        // (b) Source → target, insert mode (COPY), into a fresh table.
        let copyTable = "\(Self.table)_copy"
        try await PostgresFixture.psql("DROP TABLE IF EXISTS \(copyTable); CREATE TABLE \(copyTable) (LIKE \(Self.table))")
        let target = try PostgresFixture.target(["table": .string(copyTable)])
        var written = 0
        let copyTime = try await clock.measure {
            let reader = try await source.open()
            let writer = try await target.open(batchSize: nil)
            while let chunk = try await reader.next() {
                try await writer.write(chunk.batch)
                written += chunk.batch.count
            }
            try await writer.commit()
        }
        #expect(try await PostgresFixture.psql("SELECT count(*) FROM \(copyTable)") == "\(rows)")
        print("postgres -> postgres insert: \(Self.rate(written, copyTime))")

        // (c) Source → NDJSON file.
        let path = "/tmp/sluice_bench_postgres.ndjson"
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var encoded = 0
        let ndjsonTime = try await clock.measure {
            let reader = try await source.open()
            var encoder = makeEncoder(.ndjson, options: EncodeOptions())
            var out: [UInt8] = []
            while let chunk = try await reader.next() {
                out.removeAll(keepingCapacity: true)
                encoder.encode(chunk.batch, into: &out)
                try handle.write(contentsOf: out)
                encoded += chunk.batch.count
            }
            try handle.close()
        }
        print("postgres -> ndjson: \(Self.rate(encoded, ndjsonTime))")
    }
}
