// Faults of S3 that moto cannot produce: moto is a correct S3 implementation on loopback, so it
// never refuses a key, throttles, fails one request in a hundred, stalls or cuts an answer
// short. A loopback proxy in front of it (scripts/object-stores/s3_fault_proxy.py) forwards
// every request unchanged and injects those faults when a test arms them; boto3, talking to
// moto directly, checks what each fault left behind.
import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

#if canImport(Glibc)
import Glibc
#endif

/// The fault proxy in front of moto, started for one test (so its counts are that test's
/// alone) and stopped at its end.
struct S3FaultProxy {
    /// A fault to arm: which requests it applies to, and what the proxy does instead of
    /// forwarding them unchanged (see the proxy's documentation).
    struct Fault: Encodable {
        /// The HTTP method; nil for any.
        var method: String?
        /// The S3 operation, as the counts name it (`GetObject`, `UploadPart`, …).
        var kind: String?
        /// A query parameter the request has.
        var query: String?
        /// A substring of the request's path.
        var path: String?
        /// The key id in the request's `Authorization` credential.
        var accessKey: String?
        /// Matching requests let through before the fault applies.
        var skip: Int?
        /// Matching requests the fault applies to (-1: every one).
        var count: Int?
        /// `status`, `stall`, `hold`, `stallBody` or `truncate`.
        var action: String
        /// A `status` answer's HTTP status, error code, message and `Retry-After` header.
        var status: Int?
        var code: String?
        var message: String?
        var retryAfter: String?
        /// How long a `stall`, `hold` or `stallBody` lasts at most.
        var seconds: Double?
        /// The rate of a `slowUpload`.
        var bytesPerSecond: Double?

        /// An S3 error answer (`status`, with `code` and `message` in the error document).
        static func answer(
            _ status: Int, _ code: String, _ message: String, method: String?, kind: String? = nil, query: String? = nil,
            accessKey: String? = nil, count: Int = 1, retryAfter: String? = nil
        ) -> Fault {
            Fault(
                method: method, kind: kind, query: query, accessKey: accessKey, count: count, action: "status", status: status, code: code,
                message: message, retryAfter: retryAfter)
        }
    }

    /// One request as the proxy saw it.
    struct Seen: Decodable, Equatable {
        var method: String
        var kind: String
        /// The action of the fault applied to it, if any.
        var fault: String?
        /// Seconds on the proxy's monotonic clock when it arrived.
        var time: Double
    }

    /// The proxy failed to start or answer, or never saw what a test waited for.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The python process.
    let process: Process
    /// The loopback port it listens on.
    let port: Int

    /// `http://127.0.0.1:PORT`: the endpoint Sluice is pointed at.
    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Starts a proxy in front of moto (`SLUICE_TEST_S3_ENDPOINT`) on a free port, and waits
    /// until it answers.
    static func start() async throws -> S3FaultProxy {
        let upstream = try S3TestServer.endpoint()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RepositoryFiles.path("scripts/object-stores/s3_fault_proxy.py"), "0", upstream]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // It prints its port once it listens; nothing (end of file) if it failed to start.
        let line = try await out.fileHandleForReading.firstLine()
        guard let port = Int(String(decoding: line, as: UTF8.self)), port > 0 else {
            await process.killAndWait()
            throw Failure(description: "the fault proxy did not start (it printed '\(String(decoding: line, as: UTF8.self))')")
        }
        let proxy = S3FaultProxy(process: process, port: port)
        _ = try await proxy.counts()
        return proxy
    }

    /// Stops it (SIGKILL: the test process may ignore SIGTERM, and children inherit that) and
    /// waits, outside the cooperative pool, until it has ended.
    func stop() async {
        await process.killAndWait()
    }

    /// Sends a control request; its answer's body.
    private func control(_ request: ObjectRequest) async throws -> [UInt8] {
        let response = try await ObjectTransport(timeoutSeconds: 30, retries: 0).send("asking the fault proxy") { request }
        guard response.status == 200 else { throw Failure(description: "the fault proxy answered \(response.status): \(response.bodyText)") }
        return response.body
    }

    /// Arms `fault` after the faults armed before it.
    func arm(_ fault: Fault) async throws {
        _ = try await control(ObjectRequest(method: .POST, url: endpoint + "/__fault", body: Array(try JSONEncoder().encode(fault))))
    }

    /// Lets every held request go on.
    func release() async throws {
        _ = try await control(ObjectRequest(method: .POST, url: endpoint + "/__fault/release", body: []))
    }

    /// The requests seen so far, by `METHOD Operation` (`GET GetObject`).
    func counts() async throws -> [String: Int] {
        try JSONDecoder().decode([String: Int].self, from: Data(try await control(ObjectRequest(method: .GET, url: endpoint + "/__fault/counts"))))
    }

    /// The requests seen so far, in arrival order.
    func log() async throws -> [Seen] {
        try JSONDecoder().decode([Seen].self, from: Data(try await control(ObjectRequest(method: .GET, url: endpoint + "/__fault/log"))))
    }

    /// Waits until `done` holds for the counts, polling; fails after `limit` seconds (a limit,
    /// not a measurement: a fault that never came would otherwise hang the test).
    func waitFor(_ what: String, limit: Double = 60, _ done: ([String: Int]) -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(limit)
        while ContinuousClock.now < deadline {
            if done(try await counts()) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "the proxy never saw \(what); it saw \(try await counts())")
    }

    /// Storage settings that send every request through the proxy.
    func storage(
        retries: Int = 1, partSizeMiB: Int = 5, parallelism: Int = 3, timeoutSeconds: Double = 30, accessKeyId: String = "test"
    ) -> ObjectStorageConfig {
        var config = ObjectStorageConfig()
        config.endpoint = endpoint
        config.accessKeyId = accessKeyId
        config.secretAccessKey = "test"
        config.partSizeMiB = partSizeMiB
        config.parallelism = parallelism
        config.retries = retries
        config.retryBackoffSeconds = 0.01
        config.timeoutSeconds = timeoutSeconds
        return config
    }
}

/// Faults of S3 injected by ``S3FaultProxy``: each gives a failure that names the object and
/// says what went wrong, within its time limit, and leaves no object nor multipart upload
/// behind; the ones worth retrying are retried exactly as often as they should be.
// The time limit only guards against a hang: the whole suite runs at once on two cores, and a
// test may wait minutes for CPU and for a python slot.
@Suite(.timeLimit(.minutes(30))) struct S3FaultTests {
    /// The message of S3's InternalError.
    static let internalError = "We encountered an internal error. Please try again."

    /// A file source reading `path` (an object address) with `storage`.
    static func source(_ path: String, _ storage: ObjectStorageConfig) throws -> FileSource {
        try FileSource(config: FileSource.Config(path: path, storage: storage), context: ComponentContext(dataRoots: DataRoots([])))
    }

    /// A file target writing `path` (an object address) with `storage`.
    static func target(_ path: String, _ storage: ObjectStorageConfig) throws -> FileTarget {
        try FileTarget(config: FileTarget.Config(path: path, storage: storage), context: ComponentContext(dataRoots: DataRoots([])))
    }

    /// Every record `source` gives.
    static func readAll(_ source: FileSource) async throws -> Int {
        let reader = try await source.open()
        var records = 0
        while let chunk = try await reader.next() { records += chunk.batch.count }
        return records
    }

    /// Writes `rows` records to `target`'s writer and commits; the writer is aborted, as a job
    /// run aborts it, when that fails.
    static func write(_ target: FileTarget, rows: Int) async throws {
        let writer = try await target.open(batchSize: nil)
        do {
            for start in stride(from: 0, to: rows, by: 10_000) { _ = try await writer.write(S3FileTests.batch(start..<min(rows, start + 10_000))) }
            try await writer.commit()
        } catch {
            await writer.abort()
            throw error
        }
    }

    /// NDJSON lines `{"id":…,"pad":"…"}` of at least `bytes` bytes in all.
    static func ndjson(atLeast bytes: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 100)
        var id = 0
        let pad = String(repeating: "x", count: 60)
        while out.count < bytes {
            out += Array("{\"id\":\(id),\"pad\":\"\(pad)\"}\n".utf8)
            id += 1
        }
        return out
    }

    /// The keys in `bucket` and its open multipart uploads with how many parts each holds, as
    /// boto3 lists them.
    static func leftovers(_ bucket: String) async throws -> (keys: [String], uploads: [String: Int]) {
        let out = try await S3TestServer.boto(
            """
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
            uploads = {u["Key"]: len(s3.list_parts(Bucket=bucket, Key=u["Key"], UploadId=u["UploadId"]).get("Parts", []))
                       for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])}
            print(json.dumps({"keys": keys, "uploads": uploads}))
            """, bucket: bucket)
        struct Listing: Decodable {
            var keys: [String]
            var uploads: [String: Int]
        }
        let listing = try JSONDecoder().decode(Listing.self, from: Data(out.utf8))
        return (listing.keys, listing.uploads)
    }

    // MARK: - Credentials and permissions

    @Test func aWrongKeyFailsReadsAndWritesNamingTheObjectAndTheReason() async throws {
        let bucket = try await S3TestServer.bucket()
        try await S3TestServer.put(bucket, "data.ndjson", Array("{\"a\":1}\n{\"a\":2}\n".utf8))
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            let unknownKey = "The AWS Access Key Id you provided does not exist in our records."
            try await proxy.arm(.answer(403, "InvalidAccessKeyId", unknownKey, method: nil, accessKey: "WRONGKEY", count: -1))
            let wrong = proxy.storage(accessKeyId: "WRONGKEY")

            // A HEAD answer has no body, so no error code: the store asks again with a one-byte GET.
            let source = try Self.source("s3://\(bucket)/data.ndjson", wrong)
            await #expect(
                throws: ConnectorError.remote("reading s3://\(bucket)/data.ndjson: HTTP 403 InvalidAccessKeyId: \(unknownKey) (check the access key and secret)")
            ) { _ = try await Self.readAll(source) }
            #expect(try await proxy.counts() == ["HEAD HeadObject": 1, "GET GetObject": 1])
            // The same proxy lets the right key through: the refusal was the key's.
            #expect(try await Self.readAll(Self.source("s3://\(bucket)/data.ndjson", proxy.storage())) == 2)

            // A small write is one PUT on commit; a large one starts a multipart upload first.
            await #expect(
                throws: ConnectorError.remote("writing s3://\(bucket)/out/small.ndjson: HTTP 403 InvalidAccessKeyId: \(unknownKey) (check the access key and secret)")
            ) { try await Self.write(Self.target("s3://\(bucket)/out/small.ndjson", wrong), rows: 3) }
            await #expect(
                throws: ConnectorError.remote(
                    "starting the upload of s3://\(bucket)/out/large.ndjson: HTTP 403 InvalidAccessKeyId: \(unknownKey) (check the access key and secret)")
            ) { try await Self.write(Self.target("s3://\(bucket)/out/large.ndjson", wrong), rows: 300_000) }
            // Refusals are not retried (retries is 1 here).
            #expect(
                try await proxy.counts() == [
                    "HEAD HeadObject": 2, "GET GetObject": 2, "PUT PutObject": 1, "POST CreateMultipartUpload": 1,
                ])
            let left = try await Self.leftovers(bucket)
            #expect(left.keys == ["data.ndjson"])
            #expect(left.uploads == [:])
        } cleanup: {
            await proxy.stop()
        }
    }

    @Test func aMissingBucketIsNamed() async throws {
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            let bucket = "sluice-missing-" + UUID().uuidString.lowercased().prefix(12)
            let source = try Self.source("s3://\(bucket)/x.csv", proxy.storage())
            // HEAD finds no object (a 404 without a body either way), so the key is tried as a prefix.
            await #expect(
                throws: ConnectorError.remote(
                    "listing s3://\(bucket)/x.csv/: HTTP 404 NoSuchBucket: The specified bucket does not exist (the bucket '\(bucket)' does not exist)")
            ) { _ = try await Self.readAll(source) }
            #expect(try await proxy.counts() == ["HEAD HeadObject": 1, "GET ListObjectsV2": 1])
        } cleanup: {
            await proxy.stop()
        }
    }

    @Test func accessDeniedOnAReadIsNotRetried() async throws {
        let bucket = try await S3TestServer.bucket()
        try await S3TestServer.put(bucket, "data.ndjson", Array("{\"a\":1}\n".utf8))
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            // Once only: a retry would have succeeded.
            try await proxy.arm(.answer(403, "AccessDenied", "Access Denied", method: "GET", kind: "GetObject"))
            let source = try Self.source("s3://\(bucket)/data.ndjson", proxy.storage(retries: 3))
            await #expect(
                throws: ConnectorError.remote(
                    "reading s3://\(bucket)/data.ndjson (bytes 0-7): HTTP 403 AccessDenied: Access Denied (access denied: check the credentials and the bucket's policy)")
            ) { _ = try await Self.readAll(source) }
            #expect(try await proxy.counts() == ["HEAD HeadObject": 1, "GET GetObject": 1])
        } cleanup: {
            await proxy.stop()
        }
    }

    // MARK: - Reads

    @Test func anObjectDeletedWhileBeingReadFailsTheRead() async throws {
        let bucket = try await S3TestServer.bucket()
        let data = Self.ndjson(atLeast: 16 << 20)
        try await S3TestServer.put(bucket, "big.ndjson", data)
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            // The second range is held until the object is gone, so which range fails is certain.
            // Hold and client timeout are long: under the whole suite the delete (a Python run)
            // may wait minutes for its turn, and a timed-out range would fail for another reason.
            try await proxy.arm(S3FaultProxy.Fault(method: "GET", kind: "GetObject", skip: 1, count: 1, action: "hold", seconds: 1800))
            let source = try Self.source("s3://\(bucket)/big.ndjson", proxy.storage(retries: 0, parallelism: 1, timeoutSeconds: 1800))
            let reader = try await source.open()
            let first = try #require(try await reader.next())
            #expect(first.batch.count > 0)
            try await proxy.waitFor("the second range") { $0["GET GetObject"] == 2 }
            try await S3TestServer.boto("s3.delete_object(Bucket=bucket, Key='big.ndjson')", bucket: bucket)
            try await proxy.release()
            await #expect(
                throws: ConnectorError.remote(
                    "reading s3://\(bucket)/big.ndjson (bytes 5242880-10485759): the object no longer exists (deleted while being read?)")
            ) { while try await reader.next() != nil {} }
            #expect(try await proxy.counts() == ["HEAD HeadObject": 1, "GET GetObject": 2])
        } cleanup: {
            await proxy.stop()
        }
    }

    @Test func aTruncatedAnswerIsRetriedAndOtherwiseSaysItEndedEarly() async throws {
        let bucket = try await S3TestServer.bucket()
        let data = S3StoreTests.bytes(1 << 20)
        try await S3TestServer.put(bucket, "data.bin", data)
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            let store = try S3Store(bucket: bucket, config: proxy.storage(retries: 1), environment: [:])
            let info = try #require(try await store.info("data.bin"))
            try await proxy.arm(S3FaultProxy.Fault(method: "GET", kind: "GetObject", count: 1, action: "truncate"))
            #expect(try await store.read("data.bin", range: 0..<data.count, ifMatch: info.etag) == data)
            #expect(try await proxy.counts() == ["HEAD HeadObject": 1, "GET GetObject": 2])
            #expect(try await proxy.log().map(\.fault) == [nil, "truncate", nil])

            let once = try S3Store(bucket: bucket, config: proxy.storage(retries: 0), environment: [:])
            try await proxy.arm(S3FaultProxy.Fault(method: "GET", kind: "GetObject", count: 1, action: "truncate"))
            await #expect(
                throws: ConnectorError.remote(
                    "reading s3://\(bucket)/data.bin (bytes 0-1048575) failed after 1 attempt: the answer ended early: the connection closed before the 1048576 bytes it declared had arrived")
            ) { try await once.read("data.bin", range: 0..<data.count, ifMatch: info.etag) }
            #expect(try await proxy.counts() == ["HEAD HeadObject": 1, "GET GetObject": 3])
        } cleanup: {
            await proxy.stop()
        }
    }

    @Test func aStalledServerFailsWithinTheTimeout() async throws {
        let bucket = try await S3TestServer.bucket()
        let data = S3StoreTests.bytes(1 << 20)
        try await S3TestServer.put(bucket, "data.bin", data)
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            let store = try S3Store(bucket: bucket, config: proxy.storage(retries: 0, timeoutSeconds: 1), environment: [:])
            // No answer at all (the proxy would wait 60 s).
            try await proxy.arm(S3FaultProxy.Fault(method: "GET", kind: "GetObject", count: 1, action: "stall", seconds: 60))
            await #expect(
                throws: ConnectorError.remote(
                    "reading s3://\(bucket)/data.bin (bytes 0-1048575) failed after 1 attempt: no answer within the timeout (the server stalled)")
            ) { try await store.read("data.bin", range: 0..<data.count, ifMatch: nil) }
            // The head and half the body, then silence.
            try await proxy.arm(S3FaultProxy.Fault(method: "GET", kind: "GetObject", count: 1, action: "stallBody", seconds: 60))
            await #expect(
                throws: ConnectorError.remote(
                    "reading s3://\(bucket)/data.bin (bytes 0-1048575) failed after 1 attempt: the answer stopped arriving partway (the server stalled past the timeout)")
            ) { try await store.read("data.bin", range: 0..<data.count, ifMatch: nil) }
            #expect(try await proxy.counts() == ["GET GetObject": 2])
            // The store is usable again at once.
            #expect(try await store.read("data.bin", range: 10..<20, ifMatch: nil) == Array(data[10..<20]))
        } cleanup: {
            await proxy.stop()
        }
    }

    @Test func slowDownWithRetryAfterIsHonoured() async throws {
        let bucket = try await S3TestServer.bucket()
        let data = S3StoreTests.bytes(100_000)
        try await S3TestServer.put(bucket, "data.bin", data)
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            var config = proxy.storage(retries: 1)
            config.retryBackoffSeconds = 0  // any wait comes from Retry-After
            let store = try S3Store(bucket: bucket, config: config, environment: [:])
            try await proxy.arm(.answer(503, "SlowDown", "Please reduce your request rate.", method: "GET", kind: "GetObject", retryAfter: "1"))
            #expect(try await store.read("data.bin", range: 0..<data.count, ifMatch: nil) == data)
            #expect(try await proxy.counts() == ["GET GetObject": 2])
            let seen = try await proxy.log()
            #expect(seen.map(\.fault) == ["status", nil])
            // A lower bound only (it cannot flake): the retry came no sooner than the server asked.
            if seen.count == 2 { #expect(seen[1].time - seen[0].time >= 1.0, "retried after \(seen[1].time - seen[0].time) s") }
        } cleanup: {
            await proxy.stop()
        }
    }

    // MARK: - Uploads

    @Test func aServerErrorOnOnePartIsRetriedAndTheObjectIsWhole() async throws {
        let bucket = try await S3TestServer.bucket()
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            let store = try S3Store(bucket: bucket, config: proxy.storage(retries: 1), environment: [:])
            try await proxy.arm(.answer(500, "InternalError", Self.internalError, method: "PUT", query: "partNumber"))
            let data = S3StoreTests.bytes(12 << 20)
            let sink = ObjectUploadSink(store: store, key: "big.bin")
            for start in stride(from: 0, to: data.count, by: 1 << 20) { try await sink.write(Array(data[start..<min(data.count, start + (1 << 20))])) }
            try await sink.commit()
            #expect(try await proxy.counts() == ["POST CreateMultipartUpload": 1, "PUT UploadPart": 4, "POST CompleteMultipartUpload": 1])
            #expect(try await proxy.log().compactMap(\.fault) == ["status"])
            let left = try await Self.leftovers(bucket)
            #expect(left.keys == ["big.bin"])
            #expect(left.uploads == [:])
            let etag = try await S3TestServer.boto("print(s3.head_object(Bucket=bucket, Key='big.bin')['ETag'])", bucket: bucket)
            #expect(etag.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("-3\""), "three parts: \(etag)")
            #expect(try await S3TestServer.get(bucket, "big.bin") == data)
        } cleanup: {
            await proxy.stop()
        }
    }

    @Test func aPartThatKeepsFailingFailsTheCommitAndAbortsTheUpload() async throws {
        let bucket = try await S3TestServer.bucket()
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            let store = try S3Store(bucket: bucket, config: proxy.storage(retries: 2), environment: [:])
            try await proxy.arm(.answer(500, "InternalError", Self.internalError, method: "PUT", query: "partNumber", count: -1))
            // One full part on its way while writing; the commit waits for it.
            let sink = ObjectUploadSink(store: store, key: "big.bin")
            try await sink.write(S3StoreTests.bytes(7 << 20))
            await #expect(throws: ConnectorError.remote("uploading part 1 of s3://\(bucket)/big.bin: HTTP 500 InternalError: \(Self.internalError)")) {
                try await sink.commit()
            }
            #expect(try await proxy.counts() == ["POST CreateMultipartUpload": 1, "PUT UploadPart": 3, "DELETE AbortMultipartUpload": 1])
            let left = try await Self.leftovers(bucket)
            #expect(left.keys == [])
            #expect(left.uploads == [:])
        } cleanup: {
            await proxy.stop()
        }
    }

    /// A body that takes longer than `timeoutSeconds` to send is not a stall: the answer's
    /// time limits grow with the body (``ObjectTransport/uploadAllowance(bytes:)``), since the
    /// server answers only once the body is in.
    @Test
    func aSlowUploadIsNotAStall() async throws {
        let bucket = try await S3TestServer.bucket()
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            let store = try S3Store(bucket: bucket, config: proxy.storage(retries: 0, timeoutSeconds: 3), environment: [:])
            let data = S3StoreTests.bytes(40 << 20)
            // Read at 8 MB/s at most: five seconds or more for the body, past the 3 s timeout,
            // though the server never stops reading.
            var slow = S3FaultProxy.Fault(method: "PUT", count: 1, action: "slowUpload")
            slow.bytesPerSecond = 8_000_000
            try await proxy.arm(slow)
            try await store.put("slow.bin", bytes: data)
            #expect(try await proxy.counts() == ["PUT PutObject": 1])
            #expect(try await S3TestServer.get(bucket, "slow.bin") == data)
        } cleanup: {
            await proxy.stop()
        }
    }

    @Test func aCancelledCommitStopsWaitingAndAbortsTheUpload() async throws {
        let bucket = try await S3TestServer.bucket()
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            let store = try S3Store(bucket: bucket, config: proxy.storage(retries: 0), environment: [:])
            // The part never gets an answer (held up to 60 s, longer than the test may take).
            try await proxy.arm(S3FaultProxy.Fault(method: "PUT", query: "partNumber", count: -1, action: "hold", seconds: 60))
            let sink = ObjectUploadSink(store: store, key: "big.bin")
            try await sink.write(S3StoreTests.bytes(7 << 20))
            let commit = Task { try await sink.commit() }
            try await proxy.waitFor("the part upload") { $0["PUT UploadPart"] == 1 }
            // As a stopped job's task is cancelled (a timeout, a cancel, a shutdown).
            commit.cancel()
            await #expect(throws: CancellationError.self) { try await commit.value }
            #expect(try await proxy.counts() == ["POST CreateMultipartUpload": 1, "PUT UploadPart": 1, "DELETE AbortMultipartUpload": 1])
            let left = try await Self.leftovers(bucket)
            #expect(left.keys == [])
            #expect(left.uploads == [:])
        } cleanup: {
            await proxy.stop()
        }
    }

    // MARK: - A killed or interrupted `sluice run`

    /// The `sluice` executable built beside the test bundle.
    static let sluice = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sluice").path

    /// Runs `sluice run` copying a 12 MiB NDJSON file to `s3://bucket/out.ndjson` through the
    /// proxy, with `hold` armed; once `reached` holds for the proxy's counts, sends `signal`.
    /// Returns how the process ended.
    static func interruptedRun(
        bucket: String, proxy: S3FaultProxy, hold: S3FaultProxy.Fault, until what: String, _ reached: @escaping ([String: Int]) -> Bool,
        signal: Int32
    ) async throws -> Process {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try Data(ndjson(atLeast: 12 << 20)).write(to: URL(fileURLWithPath: dir.file("in.ndjson")))
        let storage =
            #"{"endpoint": "\#(proxy.endpoint)", "accessKeyId": "test", "secretAccessKey": "test", "partSizeMiB": 5, "retryBackoffSeconds": 0.01}"#
        let job = try dir.write(
            "job.json",
            #"{"name": "s3-interrupted", "source": {"type": "file", "config": {"path": "\#(dir.file("in.ndjson"))"}}, "transforms": [], "#
                + #""target": {"type": "file", "config": {"path": "s3://\#(bucket)/out.ndjson", "storage": \#(storage)}}}"#)
        try await proxy.arm(hold)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sluice)
        process.arguments = ["run", "--no-state", job]
        process.environment = ProcessInfo.processInfo.environment.merging(["SLUICE_DATA_DIRS": dir.path]) { _, new in new }
        process.standardOutput = FileHandle.nullDevice
        // Into a file, which never fills up and blocks the process as an unread pipe would.
        let log = try dir.write("stderr.log", "")
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        do {
            try await proxy.waitFor(what, reached)
        } catch {
            await process.killAndWait()
            throw S3FaultProxy.Failure(description: "\(error); sluice said: \((try? dir.read("stderr.log")) ?? "")")
        }
        kill(process.processIdentifier, signal)
        // Bounded: a run that did not stop is killed, and the test fails on its status.
        for _ in 0..<1200 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            Issue.record("sluice did not stop within 60 s of signal \(signal)")
            kill(process.processIdentifier, SIGKILL)
        }
        await process.exited()
        return process
    }

    @Test(arguments: ["part", "completion"])
    func aRunKilledMidUploadLeavesNoObject(heldAt: String) async throws {
        let bucket = try await S3TestServer.bucket()
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            // Held (up to 10 minutes, past the end of the test) until the process is gone.
            let hold =
                heldAt == "part"
                ? S3FaultProxy.Fault(method: "PUT", query: "partNumber", count: -1, action: "hold", seconds: 600)
                : S3FaultProxy.Fault(method: "POST", query: "uploadId", count: -1, action: "hold", seconds: 600)
            let process = try await Self.interruptedRun(
                bucket: bucket, proxy: proxy, hold: hold, until: heldAt == "part" ? "an UploadPart" : "the CompleteMultipartUpload",
                { heldAt == "part" ? $0["PUT UploadPart", default: 0] >= 1 : $0["POST CompleteMultipartUpload"] == 1 }, signal: SIGKILL)
            #expect(process.terminationReason == .uncaughtSignal)
            #expect(process.terminationStatus == SIGKILL)
            let counts = try await proxy.counts()
            let left = try await Self.leftovers(bucket)
            // No object; the upload a killed process could not abort stays, invisible, with the
            // parts that reached the store: none while they were held, all of them when the
            // completion was (every UploadPart the proxy saw was forwarded and stored).
            #expect(left.keys == [])
            #expect(left.uploads == ["out.ndjson": heldAt == "part" ? 0 : counts["PUT UploadPart", default: -1]])
            #expect(counts["POST CreateMultipartUpload"] == 1)
            if heldAt == "completion" { #expect(counts["PUT UploadPart"] == 3) }
        } cleanup: {
            await proxy.stop()
        }
    }

    @Test func anInterruptedRunAbortsItsUpload() async throws {
        let bucket = try await S3TestServer.bucket()
        let proxy = try await S3FaultProxy.start()
        try await withAsyncCleanup {
            let hold = S3FaultProxy.Fault(method: "PUT", query: "partNumber", count: -1, action: "hold", seconds: 600)
            // Ctrl-C once both full parts are on their way (and held).
            let process = try await Self.interruptedRun(
                bucket: bucket, proxy: proxy, hold: hold, until: "two UploadParts", { $0["PUT UploadPart", default: 0] >= 2 }, signal: SIGINT)
            #expect(process.terminationReason == .exit)
            #expect(process.terminationStatus == 1)
            #expect(try await proxy.counts() == ["POST CreateMultipartUpload": 1, "PUT UploadPart": 2, "DELETE AbortMultipartUpload": 1])
            let left = try await Self.leftovers(bucket)
            #expect(left.keys == [])
            #expect(left.uploads == [:])
        } cleanup: {
            await proxy.stop()
        }
    }
}
