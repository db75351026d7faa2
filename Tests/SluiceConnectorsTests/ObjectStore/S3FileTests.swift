import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// The file source and target over S3 (moto on loopback): every format reads from an object
/// exactly as from the same bytes in a local file (whose reading is itself checked against
/// DuckDB, pyarrow and the other oracles), globs and prefixes list like directories, and what
/// the target writes is what boto3 reads back.
@Suite struct S3FileTests {
    static func source(_ config: Value, roots: [String] = []) throws -> FileSource {
        try FileSource(config: ValueDecoder().decode(FileSource.Config.self, from: config), context: ComponentContext(dataRoots: DataRoots(roots)))
    }

    static func storage() throws -> Value {
        [
            "endpoint": .string(try S3TestServer.endpoint()), "accessKeyId": "test", "secretAccessKey": "test", "partSizeMiB": 5,
            "retries": 1, "retryBackoffSeconds": 0.01,
        ]
    }

    /// Reads `source` both ways (blocks when it splits, and one reader) and checks they agree.
    static func read(_ source: FileSource) async throws -> (lines: [String], bytes: Int, rejected: [Rejection]) {
        let whole = try await MultiFileSourceTests.readAll(source)
        if source.splitsIntoBlocks {
            let blocks = try await MultiFileSourceTests.readAll(source, blocks: true)
            expectSame(blocks.lines, whole.lines)
            #expect(blocks.bytes == whole.bytes)
        }
        return whole
    }

    /// `got` equals `expected`, reported by count and first difference (not whole arrays).
    static func expectSame(_ got: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(got.count == expected.count, sourceLocation: sourceLocation)
        if let index = zip(got, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            Issue.record("line \(index): \(got[index]) instead of \(expected[index])", sourceLocation: sourceLocation)
        }
    }

    /// Puts `files` in a new bucket and in a local directory; reads `pattern` from both with
    /// `config` and checks the records, bytes and rejections are the same.
    static func compare(_ files: [String: [UInt8]], pattern: String, config: [String: Value] = [:]) async throws -> [String] {
        let bucket = try await S3TestServer.bucket()
        let dir = try TemporaryDirectory()
        for (name, bytes) in files {
            try await S3TestServer.put(bucket, name, bytes)
            let path = dir.file(name)
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        var local = config
        local["path"] = .string(dir.file(pattern))
        var remote = config
        remote["path"] = .string("s3://\(bucket)/\(pattern)")
        remote["storage"] = try storage()
        let expected = try await read(source(.object(ValueObject(local.map { ($0.key, $0.value) })), roots: [dir.path]))
        let got = try await read(source(.object(ValueObject(remote.map { ($0.key, $0.value) }))))
        // The file-name field names the object where the local read names the file.
        expectSame(got.lines.map { $0.replacingOccurrences(of: "s3://\(bucket)", with: dir.path) }, expected.lines)
        #expect(got.bytes == expected.bytes)
        // Rejection reasons name the file: its local path or its object address.
        #expect(
            got.rejected.map { $0.reasons.joined().replacingOccurrences(of: "s3://\(bucket)", with: dir.path) }
                == expected.rejected.map { $0.reasons.joined() })
        return got.lines
    }

    @Test func aGlobOfHivePartitionedCSVObjectsReadsLikeLocalFiles() async throws {
        var big = "id,amount,note\n"
        for i in 0..<30_000 { big += "\(i),\(i % 97).5,\"n \(i)\"\n" }
        let lines = try await Self.compare(
            [
                "sales/year=2023/month=11/a.csv": Array("id,amount,note\n1,10.5,x\n2,7,\"y,z\"\n".utf8),
                "sales/year=2024/month=01/b.csv": Array(big.utf8),
                "sales/year=2024/month=01/_SUCCESS": [],
                "sales/year=2024/month=02/.hidden.csv": Array("id,amount,note\n9,9,9\n".utf8),
                "sales/year=2024/month=02/c.csv": Array("id,amount,note\n3,oops\n4,1.25,w\n".utf8),
                "other/d.csv": Array("id,amount,note\n5,5,5\n".utf8),
            ], pattern: "sales/**/*.csv", config: ["fileNameField": "file"])
        #expect(lines.count == 30_003)
        #expect(lines.first?.contains("\"year\":2023") == true)
    }

    @Test func aPrefixReadsEveryObjectOfTheFormatBelowIt() async throws {
        let lines = try await Self.compare(
            [
                "in/1.ndjson": Array("{\"a\":1}\n{\"a\":2}\n".utf8),
                "in/deeper/2.ndjson": Array("{\"a\":3}\nnot json\n".utf8),
                "in/3.csv": Array("a\n4\n".utf8),
            ], pattern: "in/", config: ["format": "ndjson"])
        #expect(lines == [#"{"a":1}"#, #"{"a":2}"#, #"{"a":3}"#])
    }

    @Test func compressedNDJSONAndAvroReadLikeLocalFiles() async throws {
        var text = ""
        for i in 0..<40_000 { text += "{\"id\":\(i),\"name\":\"row \(i)\",\"tags\":[\(i % 3)]}\n" }
        let dir = try TemporaryDirectory()
        try Data(text.utf8).write(to: URL(fileURLWithPath: dir.file("e.ndjson")))
        _ = try await Python.run(
            """
            import gzip, sys, fastavro
            data = open(sys.argv[1] + '/e.ndjson', 'rb').read()
            open(sys.argv[1] + '/e.ndjson.gz', 'wb').write(gzip.compress(data))
            schema = {"type": "record", "name": "r", "fields": [{"name": "id", "type": "long"}, {"name": "v", "type": ["null", "string"]}]}
            with open(sys.argv[1] + '/r.avro', 'wb') as f:
                fastavro.writer(f, schema, [{"id": i, "v": None if i % 5 == 0 else "v%d" % i} for i in range(30000)], codec="deflate", sync_interval=4000)
            """, arguments: [dir.path])
        let gz = try await Self.compare(["e.ndjson.gz": [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file("e.ndjson.gz"))))], pattern: "e.ndjson.gz")
        #expect(gz.count == 40_000)
        let avro = try await Self.compare(["r.avro": [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file("r.avro"))))], pattern: "r.avro")
        #expect(avro.count == 30_000 && avro[1] == #"{"id":1,"v":"v1"}"#)
    }

    /// A store that counts the bytes it is asked to read.
    final class CountingStore: ObjectStore, @unchecked Sendable {
        let inner: S3Store
        private let lock = NSLock()
        private var read = 0
        init(_ inner: S3Store) { self.inner = inner }
        var bytesRead: Int { lock.withLock { read } }
        var root: String { inner.root }
        var partBytes: Int { inner.partBytes }
        var partsInFlight: Int { inner.partsInFlight }
        func list(prefix: String, limit: Int) async throws -> [ObjectInfo] { try await inner.list(prefix: prefix, limit: limit) }
        func info(_ key: String) async throws -> ObjectInfo? { try await inner.info(key) }
        func read(_ key: String, range: Range<Int>, ifMatch: String?) async throws -> [UInt8] {
            lock.withLock { read += range.count }
            return try await inner.read(key, range: range, ifMatch: ifMatch)
        }
        func put(_ key: String, bytes: [UInt8]) async throws { try await inner.put(key, bytes: bytes) }
        func startUpload(_ key: String) async throws -> any ObjectUpload { try await inner.startUpload(key) }
    }

    @Test func parquetReadsOnlyTheFooterAndTheColumnChunksItNeeds() async throws {
        let dir = try TemporaryDirectory()
        _ = try await Python.run(
            """
            import sys, random, pyarrow as pa, pyarrow.parquet as pq
            random.seed(5)
            n = 200000
            t = pa.table({"id": list(range(n)), "wide": ["x" * 40 + str(random.random()) for _ in range(n)],
                          "amount": [random.random() * 100 for _ in range(n)], "cat": [["a", "b", "c"][i % 3] for i in range(n)]})
            pq.write_table(t, sys.argv[1] + "/t.parquet", row_group_size=20000, compression="snappy")
            """, arguments: [dir.path])
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file("t.parquet"))))
        let all = try await Self.compare(["t.parquet": bytes], pattern: "t.parquet")
        #expect(all.count == 200_000)

        // Only `id` and `cat`: the wide text column is never fetched.
        let bucket = try await S3TestServer.bucket()
        try await S3TestServer.put(bucket, "t.parquet", bytes)
        let counting = CountingStore(try S3TestServer.store(bucket))
        var source = try Self.source(["path": .string("s3://\(bucket)/t.parquet"), "storage": try Self.storage()])
        source = source.projecting(["id", "cat"])
        let remote = try #require(source.remote)
        let projected = FileSourceWithStore.replacing(source, store: counting, location: remote.location)
        let local = try Self.source(["path": .string(dir.file("t.parquet"))], roots: [dir.path]).projecting(["id", "cat"])
        let expected = try await MultiFileSourceTests.readAll(local, blocks: true)
        let got = try await MultiFileSourceTests.readAll(projected, blocks: true)
        Self.expectSame(got.lines, expected.lines)
        #expect(got.lines.first == #"{"id":0,"cat":"a"}"#)
        let wideBytes = try Int(
            await Python.run(
                "import sys, pyarrow.parquet as pq\nm = pq.ParquetFile(sys.argv[1]).metadata\nprint(sum(m.row_group(i).column(1).total_compressed_size for i in range(m.num_row_groups)))",
                arguments: [dir.file("t.parquet")]
            ).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect(wideBytes > bytes.count / 2)
        #expect(counting.bytesRead <= bytes.count - wideBytes + (64 << 10) + 4, "read \(counting.bytesRead) of \(bytes.count)")
        #expect(counting.bytesRead < bytes.count / 2)
    }

    @Test func xlsxIsFetchedWholeAndReadLikeALocalFile() async throws {
        let dir = try TemporaryDirectory()
        _ = try await Python.run(
            """
            import sys, openpyxl
            wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Data"
            ws.append(["id", "name", "amount"])
            for i in range(500): ws.append([i, "n%d" % i, i * 1.5])
            wb.save(sys.argv[1] + "/w.xlsx")
            """, arguments: [dir.path])
        let lines = try await Self.compare(["w.xlsx": [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file("w.xlsx"))))], pattern: "w.xlsx")
        #expect(lines.count == 500 && lines[2] == #"{"id":2,"name":"n2","amount":3}"#)
    }

    @Test func aMissingObjectAndAMissingBucketAreClearFailures() async throws {
        let bucket = try await S3TestServer.bucket()
        let missing = try Self.source(["path": .string("s3://\(bucket)/nope.csv"), "storage": try Self.storage()])
        await #expect(throws: ConnectorError.remote("s3://\(bucket)/nope.csv: there is no such object, and no objects below it")) {
            _ = try await missing.open()
        }
        let noBucket = try Self.source(["path": "s3://sluice-missing-bucket/x.csv", "storage": try Self.storage()])
        let error = await #expect(throws: ConnectorError.self) { _ = try await noBucket.open() }
        #expect("\(error.map { "\($0)" } ?? "")".contains("the bucket 'sluice-missing-bucket' does not exist"))
    }

    // MARK: - Targets

    static func target(_ config: Value, roots: [String] = []) throws -> FileTarget {
        try FileTarget(config: ValueDecoder().decode(FileTarget.Config.self, from: config), context: ComponentContext(dataRoots: DataRoots(roots)))
    }

    static func batch(_ rows: Range<Int>) -> RecordBatch {
        RecordBatch(records: rows.map { i in ValueObject([("id", .int(i)), ("name", .string("name \(i)")), ("amount", .double(Double(i) / 4))]) })
    }

    /// Writes the same batches to a local file and to an object; the object holds the same bytes.
    static func writeBoth(_ name: String, config: [String: Value] = [:], rows: Int) async throws -> (bucket: String, bytes: [UInt8]) {
        let bucket = try await S3TestServer.bucket()
        let dir = try TemporaryDirectory()
        var local = config
        local["path"] = .string(dir.file(name))
        var remote = config
        remote["path"] = .string("s3://\(bucket)/out/\(name)")
        remote["storage"] = try storage()
        for target in [try Self.target(.object(ValueObject(local.map { ($0.key, $0.value) })), roots: [dir.path]), try Self.target(.object(ValueObject(remote.map { ($0.key, $0.value) })))] {
            let writer = try await target.open(batchSize: nil)
            var start = 0
            while start < rows {
                _ = try await writer.write(batch(start..<min(rows, start + 10_000)))
                start += 10_000
            }
            try await writer.commit()
        }
        let expected = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file(name))))
        let got = try await S3TestServer.get(bucket, "out/\(name)")
        let same = got == expected
        #expect(same, "the object has \(got.count) bytes, the local file \(expected.count); same: \(same)")
        return (bucket, got)
    }

    @Test func csvAndGzipNDJSONObjectsHoldWhatALocalWriteHolds() async throws {
        let csv = try await Self.writeBoth("o.csv", rows: 3)
        #expect(String(decoding: csv.bytes, as: UTF8.self) == "id,name,amount\n0,name 0,0.0\n1,name 1,0.25\n2,name 2,0.5\n")
        // About 9 MB compressed: a multipart upload of two parts.
        let gz = try await Self.writeBoth("o.ndjson.gz", config: ["compression": "gzip"], rows: 400_000)
        #expect(try await S3TestServer.contents(gz.bucket).uploads == 0)
        let large = try await Self.writeBoth("o.ndjson", rows: 300_000)
        #expect(large.bytes.count > 10 << 20)
        let etag = try await S3TestServer.boto("print(s3.head_object(Bucket=bucket, Key='out/o.ndjson')['ETag'])", bucket: large.bucket)
        #expect(etag.contains("-"), "a multipart upload's ETag: \(etag)")
    }

    @Test func parquetObjectsAreReadByPyarrow() async throws {
        let written = try await Self.writeBoth("o.parquet", rows: 25_000)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("o-\(UUID().uuidString).parquet")
        try Data(written.bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let summary = try await Python.run(
            "import sys, pyarrow.parquet as pq\nt = pq.read_table(sys.argv[1])\nprint(t.num_rows, sum(t.column('id').to_pylist()), t.column('name')[24999])",
            arguments: [file.path])
        #expect(summary == "25000 312487500 name 24999\n")
    }

    @Test func anAbortedWriteLeavesNoObjectAndNoParts() async throws {
        let bucket = try await S3TestServer.bucket()
        let target = try Self.target(["path": .string("s3://\(bucket)/out/x.ndjson"), "storage": try Self.storage()])
        let writer = try await target.open(batchSize: nil)
        for start in stride(from: 0, to: 300_000, by: 10_000) { _ = try await writer.write(Self.batch(start..<(start + 10_000))) }
        #expect(try await S3TestServer.contents(bucket).uploads == 1)
        await writer.abort()
        let after = try await S3TestServer.contents(bucket)
        #expect(after.keys == [] && after.uploads == 0)
    }

    @Test func partitionedOutputGoesToHiveKeys() async throws {
        let bucket = try await S3TestServer.bucket()
        let target = try Self.target(
            ["path": .string("s3://\(bucket)/lake/"), "format": "ndjson", "partitionBy": ["cat"], "storage": try Self.storage()])
        let writer = try await target.open(batchSize: nil)
        let records = (0..<7).map { i in ValueObject([("id", .int(i)), ("cat", .string(i % 2 == 0 ? "even" : "odd"))]) }
        _ = try await writer.write(RecordBatch(records: records))
        try await writer.commit()
        #expect(try await S3TestServer.contents(bucket).keys == ["lake/cat=even/part-0.ndjson", "lake/cat=odd/part-0.ndjson"])
        #expect(String(decoding: try await S3TestServer.get(bucket, "lake/cat=odd/part-0.ndjson"), as: UTF8.self) == "{\"id\":1}\n{\"id\":3}\n{\"id\":5}\n")
    }

    @Test func appendAddsToTheExistingObject() async throws {
        let bucket = try await S3TestServer.bucket()
        try await S3TestServer.put(bucket, "log.csv", Array("id,name,amount\n9,old,1\n".utf8))
        let target = try Self.target(["path": .string("s3://\(bucket)/log.csv"), "mode": "append", "storage": try Self.storage()])
        let writer = try await target.open(batchSize: nil)
        _ = try await writer.write(Self.batch(0..<2))
        try await writer.commit()
        #expect(String(decoding: try await S3TestServer.get(bucket, "log.csv"), as: UTF8.self) == "id,name,amount\n9,old,1\n0,name 0,0.0\n1,name 1,0.25\n")
    }
}

/// A file source whose store is replaced (to count its reads).
enum FileSourceWithStore {
    static func replacing(_ source: FileSource, store: any ObjectStore, location: ObjectLocation) -> FileSource {
        var copy = source
        copy.remote = RemoteObjects(store: store, location: location)
        return copy
    }
}
