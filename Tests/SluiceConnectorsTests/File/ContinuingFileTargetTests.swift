import Foundation
@testable import SluiceConnectors
import SluiceCore
import SluiceTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A continuous job's micro-batches: the first through the target as configured, the later
/// ones through ``FileTarget/continuing()``, which appends in place (no temporary file, no
/// rename, nothing of the file read or copied), holding the file's length in the scratch
/// ledger so an abort or a crash cuts it back.
@Suite struct ContinuingFileTargetTests {
    /// A data directory for the files and a state directory for the scratch ledger.
    struct Place {
        let data: TemporaryDirectory
        let state: TemporaryDirectory
        var ledger: ScratchLedger { ScratchLedger(directory: state.file("scratch")) }

        init() throws {
            data = try TemporaryDirectory()
            state = try TemporaryDirectory()
        }

        func target(_ config: Value, jobId: String = "job-1") throws -> FileTarget {
            let decoded = try ValueDecoder().decode(FileTarget.Config.self, from: config)
            return try FileTarget(
                config: decoded, context: ComponentContext(dataRoots: DataRoots([data.path]), jobId: jobId, scratch: ledger))
        }

        /// The ledger's append holds (the first micro-batch's temporary file leaves a
        /// `.scratch` ledger, swept when the job ends).
        func holds() throws -> [String] {
            guard FileManager.default.fileExists(atPath: state.file("scratch")) else { return [] }
            return try FileManager.default.contentsOfDirectory(atPath: state.file("scratch")).filter { !$0.hasSuffix(".scratch") }.sorted()
        }

        func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: data.file(name)))) }

        func remove() {
            data.remove()
            state.remove()
        }
    }

    /// Records `rows`, with text a CSV writer must quote (a delimiter, quotes, line breaks).
    static func batch(_ rows: Range<Int>) -> RecordBatch {
        RecordBatch(records: rows.map { i in
            ValueObject([("id", .int(i)), ("name", .string("n \(i), \"q\";" + (i % 4 == 0 ? "\nline" : "")))])
        })
    }

    /// One micro-batch: opens a write, writes `batches` (as the target's encoder's bytes when
    /// `encoded`), commits.
    static func commit(_ target: any Target, _ batches: [RecordBatch], encoded: Bool = false, batchSize: Int = 2) async throws {
        let writer = try await target.open(batchSize: batchSize)
        for batch in batches {
            if encoded, let encode = target.batchEncoder {
                _ = try await writer.writeEncoded(encode(batch), rows: batch.count)
            } else {
                try await writer.write(batch)
            }
        }
        try await writer.commit()
    }

    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    /// The micro-batches of the suite's jobs: three commits of 12 records.
    static let microBatches: [[RecordBatch]] = [[batch(0..<3), batch(3..<5)], [batch(5..<8)], [batch(8..<9), batch(9..<12)]]

    /// A file target's config; CSV with `;` as delimiter.
    static func config(_ path: String, format: String) -> Value {
        format == "csv" ? ["path": .string(path), "delimiter": ";"] : ["path": .string(path)]
    }

    @Test(arguments: ["ndjson", "csv"])
    func threeMicroBatchesHoldEveryRecordOnceInOrder(format: String) async throws {
        let place = try Place()
        defer { place.remove() }
        let name = "out.\(format)"
        try place.data.write(name, "old\n")  // the first micro-batch replaces it (mode write)
        let first = try place.target(Self.config(place.data.file(name), format: format))
        try await Self.commit(first, Self.microBatches[0])
        let inode = try #require(Self.inode(place.data.file(name)))
        for (index, batches) in Self.microBatches.dropFirst().enumerated() {
            try await Self.commit(try first.continuing(), batches, encoded: index == 0)
            #expect(Self.inode(place.data.file(name)) == inode)
            #expect(try place.holds() == [])
        }
        #expect(try place.data.list() == [name])

        // Byte for byte what one write of all the records makes.
        let whole = try place.target(Self.config(place.data.file("whole.\(format)"), format: format))
        try await Self.commit(whole, [Self.batch(0..<12)])
        #expect(try place.bytes(name) == place.bytes("whole.\(format)"))

        let parsed = try await Python.run(
            """
            import csv, json, sys
            if sys.argv[2] == 'csv':
                rows = list(csv.reader(open(sys.argv[1], newline=''), delimiter=';'))
                print(rows[0])
                rows = [(int(r[0]), r[1]) for r in rows[1:]]
            else:
                rows = [(r['id'], r['name']) for r in map(json.loads, open(sys.argv[1]))]
            expected = [(i, 'n %d, "q";' % i + ('\\nline' if i % 4 == 0 else '')) for i in range(12)]
            print(rows == expected, len(rows))
            """, arguments: [place.data.file(name), format])
        #expect(parsed == (format == "csv" ? "['id', 'name']\nTrue 12\n" : "True 12\n"))
    }

    @Test(arguments: ["gz", "zst"])
    func aCompressedFileGetsOneMemberOrFramePerMicroBatch(codec: String) async throws {
        let place = try Place()
        defer { place.remove() }
        let name = "out.csv.\(codec)"
        let first = try place.target(["path": .string(place.data.file(name))])
        try await Self.commit(first, Self.microBatches[0])
        let inode = try #require(Self.inode(place.data.file(name)))
        for batches in Self.microBatches.dropFirst() {
            try await Self.commit(try first.continuing(), batches)
        }
        // An idle micro-batch adds nothing, not even an empty member.
        let before = try place.bytes(name)
        try await Self.commit(try first.continuing(), [])
        #expect(try place.bytes(name) == before)
        #expect(Self.inode(place.data.file(name)) == inode)
        #expect(try place.data.list() == [name])
        #expect(try place.holds() == [])

        try await Self.commit(try place.target(["path": .string(place.data.file("whole.csv"))]), [Self.batch(0..<12)])
        let matches = try await Python.run(
            """
            import gzip, io, sys, zstandard
            data = open(sys.argv[1], 'rb').read()
            if sys.argv[3] == 'gz':
                plain = gzip.decompress(data)
            else:
                plain = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True).read()
            print(plain == open(sys.argv[2], 'rb').read())
            """, arguments: [place.data.file(name), place.data.file("whole.csv"), codec])
        #expect(matches == "True\n")
    }

    @Test func anAbortedContinuationLeavesTheFileAsThePreviousCommitLeftIt() async throws {
        let place = try Place()
        defer { place.remove() }
        let path = place.data.file("out.ndjson")
        let first = try place.target(["path": .string(path)])
        try await Self.commit(first, Self.microBatches[0])
        try await Self.commit(try first.continuing(), Self.microBatches[1])
        let committed = try place.bytes("out.ndjson")

        let writer = try await first.continuing().open(batchSize: 1)
        for start in 12..<20 { try await writer.write(Self.batch(start..<(start + 1))) }
        // One row per flush, each write waiting for the one before: the file has grown.
        #expect(try place.bytes("out.ndjson").count > committed.count)
        #expect(try place.holds() == ["job-1.append"])
        await writer.abort()
        #expect(try place.bytes("out.ndjson") == committed)
        #expect(try place.holds() == [])

        // The next micro-batch goes on from there.
        try await Self.commit(try first.continuing(), Self.microBatches[2])
        try await Self.commit(try place.target(["path": .string(place.data.file("whole.ndjson"))]), [Self.batch(0..<12)])
        #expect(try place.bytes("out.ndjson") == place.bytes("whole.ndjson"))
    }

    @Test func anOpenContinuationWritesNoTemporaryFileAndHoldsTheLength() async throws {
        let place = try Place()
        defer { place.remove() }
        let path = place.data.file("out.csv")
        let first = try place.target(["path": .string(path)])
        try await Self.commit(first, Self.microBatches[0])
        let length = try place.bytes("out.csv").count
        let inode = try #require(Self.inode(path))

        let writer = try await first.continuing().open(batchSize: 1)
        for start in 5..<9 { try await writer.write(Self.batch(start..<(start + 1))) }
        #expect(try place.data.list() == ["out.csv"])
        #expect(try place.holds() == ["job-1.append"])
        let hold = try String(contentsOfFile: place.state.file("scratch/job-1.append"), encoding: .utf8)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(hold == "#owner \(ProcessIdentity.current)\n\(length) \(info.st_dev):\(inode) \(path)\n")
        // A second write to the same file while this one is open is refused.
        await #expect(throws: ConnectorError.io("cannot append to '\(path)': another write is appending to it")) {
            _ = try await place.target(["path": .string(path)], jobId: "job-2").continuing().open(batchSize: nil)
        }
        try await writer.commit()
        #expect(Self.inode(path) == inode)
        #expect(try place.data.list() == ["out.csv"])
        #expect(try place.holds() == [])
        #expect(try place.bytes("out.csv").count > length)
    }

    /// A process killed mid-append: the hold is made, bytes went past the held length, no
    /// commit. The sweep of the job (or of every dead job at the next start) cuts them off.
    @Test(arguments: [false, true])
    func aCrashedAppendIsCutBackBySweeping(all: Bool) async throws {
        let place = try Place()
        defer { place.remove() }
        let path = place.data.file("out.ndjson")
        let first = try place.target(["path": .string(path)], jobId: "crashed")
        try await Self.commit(first, Self.microBatches[0])
        let committed = try place.bytes("out.ndjson")

        let sink = try InPlaceAppendSink(path: path, shown: "'\(path)'", scratch: place.ledger, jobId: "crashed")
        try await sink.write(Array("{\"id\":99}\n{\"id\":".utf8))
        #expect(try place.bytes("out.ndjson").count == committed.count + 16)
        let cut = all ? place.ledger.sweepAll(keeping: []) : place.ledger.sweep(jobId: "crashed")
        #expect(cut == [path])
        #expect(try place.bytes("out.ndjson") == committed)
        #expect(try place.holds() == [])
        withExtendedLifetime(sink) {}
    }

    @Test func aContinuationEndsAnUnfinishedLineAndWritesAHeaderOnlyIntoAnEmptyFile() async throws {
        let place = try Place()
        defer { place.remove() }
        try place.data.write("cut.ndjson", "{\"id\":-1}")
        let ndjson = try place.target(["path": .string(place.data.file("cut.ndjson"))])
        try await Self.commit(try ndjson.continuing(), [Self.batch(1..<2)])
        #expect(try place.data.read("cut.ndjson") == "{\"id\":-1}\n{\"id\":1,\"name\":\"n 1, \\\"q\\\";\"}\n")

        // A missing file is created (a CSV one with its header); `header: false` writes none.
        let csv = try place.target(["path": .string(place.data.file("new.csv"))])
        try await Self.commit(try csv.continuing(), [Self.batch(1..<2)])
        try await Self.commit(try csv.continuing(), [Self.batch(2..<3)])
        #expect(try place.data.read("new.csv") == "id,name\n1,\"n 1, \"\"q\"\";\"\n2,\"n 2, \"\"q\"\";\"\n")
        let bare = try place.target(["path": .string(place.data.file("bare.csv")), "header": false])
        try await Self.commit(try bare.continuing(), [Self.batch(1..<2)])
        #expect(try place.data.read("bare.csv") == "1,\"n 1, \"\"q\"\";\"\n")
        #expect(try place.holds() == [])
    }

    @Test func whatCannotBeAppendedToInPlaceIsRefusedNamingTheKey() throws {
        let place = try Place()
        defer { place.remove() }
        let why = "a continuous job appends each micro-batch to the file"
        let refusals: [(Value, SpecError)] = [
            (
                ["path": .string(place.data.file("out.json"))],
                SpecError(path: "format", "\(why); a JSON document cannot be appended to in place: use ndjson")
            ),
            (
                ["path": .string(place.data.file("out.parquet"))],
                SpecError(path: "format", "\(why); a parquet file cannot be appended to in place (its footer describes the whole file): use ndjson or csv")
            ),
            (
                ["path": .string(place.data.file("out.avro"))],
                SpecError(path: "format", "\(why); an avro file cannot be appended to in place (Sluice writes it whole, after one schema header): use ndjson or csv")
            ),
            (
                ["path": .string(place.data.file("out.xlsx"))],
                SpecError(path: "format", "\(why); an xlsx file cannot be appended to in place (it is a zip archive whose directory comes last): use ndjson or csv")
            ),
            (
                ["path": .string(place.data.file("out.csv.bz2"))],
                SpecError(path: "compression", "\(why); Sluice does not write bzip2: use gzip or zstd, or none")
            ),
            (
                ["path": .string(place.data.file("parts")), "format": "ndjson", "partitionBy": ["day"]],
                SpecError(
                    path: "partitionBy",
                    "\(why); with partitionBy every micro-batch would add a new file to each partition it touches, filling the folders with small files: write one ndjson or csv file without partitionBy")
            ),
            (
                ["path": "s3://bucket/out.ndjson", "storage": ["endpoint": "http://127.0.0.1:9", "accessKeyId": "test", "secretAccessKey": "test"]],
                SpecError(
                    path: "path",
                    "\(why); an object in S3, Google Cloud Storage or Azure Blob cannot be appended to in place (every upload replaces the whole object): write to a local file")
            ),
        ]
        for (config, error) in refusals {
            let target = try place.target(config)
            #expect(throws: error) { _ = try target.continuing() }
        }
        #expect(try place.data.list() == [])
        #expect(try place.holds() == [])
    }
}
