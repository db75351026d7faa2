import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// The S3 store against a real S3 implementation (moto on loopback), with boto3 as the
/// independent client: listing pages, stat, ranged reads, version checks, single and
/// multipart uploads, aborts, and the messages of a missing bucket or object.
@Suite struct S3StoreTests {
    /// Deterministic bytes: `count` of a simple generator, so every part differs.
    static func bytes(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    @Test func listsEveryPageInKeyOrderUnderThePrefix() async throws {
        let bucket = try await S3TestServer.bucket()
        let keys = ["a/3.csv", "a/1.csv", "a/2 x+y ü.csv", "a/sub/4.csv", "a/5.csv", "b/1.csv", "ab.csv"]
        for (index, key) in keys.enumerated() { try await S3TestServer.put(bucket, key, Array(repeating: 65, count: index + 1)) }
        var store = try S3TestServer.store(bucket)
        store.pageSize = 2
        let listed = try await store.list(prefix: "a/", limit: 100)
        #expect(listed.map(\.key) == ["a/1.csv", "a/2 x+y ü.csv", "a/3.csv", "a/5.csv", "a/sub/4.csv"])
        #expect(listed.map(\.size) == [2, 3, 1, 5, 4])
        #expect(listed.allSatisfy { ($0.etag ?? "").hasPrefix("\"") })
        await #expect(throws: ConnectorError.remote("listing s3://\(bucket)/a/ finds more than 4 objects; narrow the prefix or pattern")) {
            try await store.list(prefix: "a/", limit: 4)
        }
        #expect(try await store.list(prefix: "", limit: 100).count == 7)
    }

    @Test func statsAndReadsExactRanges() async throws {
        let bucket = try await S3TestServer.bucket()
        let data = Self.bytes(100_000)
        try await S3TestServer.put(bucket, "dir/data bin+1.bin", data)
        let store = try S3TestServer.store(bucket)
        let info = try #require(try await store.info("dir/data bin+1.bin"))
        #expect(info.size == 100_000)
        #expect(try await store.info("dir/missing.bin") == nil)
        #expect(try await store.read("dir/data bin+1.bin", range: 5..<8, ifMatch: info.etag) == Array(data[5..<8]))
        #expect(try await store.read("dir/data bin+1.bin", range: 99_000..<100_000, ifMatch: nil) == Array(data[99_000...]))
        // Replaced since it was listed: the version check refuses to mix two versions.
        try await S3TestServer.put(bucket, "dir/data bin+1.bin", Self.bytes(100_000, seed: 8))
        let error = await #expect(throws: ConnectorError.self) {
            try await store.read("dir/data bin+1.bin", range: 0..<10, ifMatch: info.etag)
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("s3://\(bucket)/dir/data bin+1.bin (bytes 0-9): the object was replaced while being read"))
    }

    @Test func aMissingBucketIsNamed() async throws {
        let store = try S3TestServer.store("sluice-no-such-bucket")
        let error = await #expect(throws: ConnectorError.self) { try await store.list(prefix: "", limit: 10) }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.hasPrefix("listing s3://sluice-no-such-bucket: HTTP 404 NoSuchBucket"), "\(message)")
        #expect(message.contains("(the bucket 'sluice-no-such-bucket' does not exist)"), "\(message)")
    }

    @Test func aSmallWriteIsOnePutThatBotoReads() async throws {
        let bucket = try await S3TestServer.bucket()
        let store = try S3TestServer.store(bucket)
        let sink = ObjectUploadSink(store: store, key: "out/small file.csv")
        try await sink.write(Array("id,name\n1,Ada\n".utf8))
        try await sink.write(Array("2,Grace\n".utf8))
        #expect(try await S3TestServer.contents(bucket).keys == [])
        try await sink.commit()
        #expect(try await S3TestServer.get(bucket, "out/small file.csv") == Array("id,name\n1,Ada\n2,Grace\n".utf8))
    }

    @Test func aLargeWriteIsAMultipartUploadVisibleOnlyOnCommit() async throws {
        let bucket = try await S3TestServer.bucket()
        let store = try S3TestServer.store(bucket)
        let data = Self.bytes(12 << 20)
        let sink = ObjectUploadSink(store: store, key: "big.bin")
        var offset = 0
        while offset < data.count {
            let end = min(data.count, offset + 700_001)
            try await sink.write(Array(data[offset..<end]))
            offset = end
        }
        // Two full parts are on their way or stored; nothing is visible yet.
        let before = try await S3TestServer.contents(bucket)
        #expect(before.keys == [] && before.uploads == 1)
        try await sink.commit()
        let after = try await S3TestServer.contents(bucket)
        #expect(after.keys == ["big.bin"] && after.uploads == 0)
        // Three parts: 5 MiB, 5 MiB and the last 2 MiB.
        let etag = try await S3TestServer.boto("print(s3.head_object(Bucket=bucket, Key='big.bin')['ETag'])", bucket: bucket)
        #expect(etag.trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("-3\""))
        #expect(try await S3TestServer.get(bucket, "big.bin") == data)
    }

    @Test func anAbortedUploadLeavesNoObjectAndNoParts() async throws {
        let bucket = try await S3TestServer.bucket()
        let store = try S3TestServer.store(bucket)
        let sink = ObjectUploadSink(store: store, key: "never.bin")
        try await sink.write(Self.bytes(11 << 20))
        #expect(try await S3TestServer.contents(bucket).uploads == 1)
        await sink.abort()
        let after = try await S3TestServer.contents(bucket)
        #expect(after.keys == [] && after.uploads == 0)
    }

    @Test func aStreamReadsAnObjectAcrossRangesAndNoticesItsDeletion() async throws {
        let bucket = try await S3TestServer.bucket()
        let data = Self.bytes(11 << 20 + 12_345)
        try await S3TestServer.put(bucket, "stream.bin", data)
        var config = try S3TestServer.storage(partSizeMiB: 5, parallelism: 1)
        config.retries = 0
        let store = try S3Store(bucket: bucket, config: config, environment: [:])
        let info = try #require(try await store.info("stream.bin"))
        let stream = ObjectByteStream(store: store, key: "stream.bin", size: info.size, version: info.etag)
        var read: [UInt8] = []
        while true {
            let piece = try await Self.nextPiece(stream)
            if piece.isEmpty { break }
            read += piece
        }
        #expect(read == data)
        #expect(stream.consumed == data.count)

        // Deleted after the first range arrived (one range in flight at a time).
        let second = ObjectByteStream(store: store, key: "stream.bin", size: info.size, version: info.etag)
        var first = 0
        while first < 5 << 20 {
            first += try await Self.nextPiece(second).count
        }
        try await S3TestServer.boto("s3.delete_object(Bucket=bucket, Key='stream.bin')", bucket: bucket)
        let error = await #expect(throws: ConnectorError.self) {
            while try await !Self.nextPiece(second).isEmpty {}
        }
        // The range after the first one was asked for once the first arrived: it may have been
        // served before the deletion; the one after cannot have been.
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("s3://\(bucket)/stream.bin"), "\(message)")
        #expect(message.contains("no longer exists") || message.contains("replaced while being read"), "\(message)")
    }

    /// The next bytes of `stream` once they have arrived (empty at the end).
    static func nextPiece(_ stream: ObjectByteStream) async throws -> [UInt8] {
        try await stream.ready()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
        return Array(buffer[0..<count])
    }

    @Test func credentialsComeFromTheSettingsOrTheEnvironment() throws {
        var config = ObjectStorageConfig()
        config.endpoint = "http://127.0.0.1:9"
        #expect(throws: SpecError.self) { try S3Store(bucket: "b", config: config, environment: [:]) }
        let store = try S3Store(
            bucket: "b", config: config,
            environment: ["AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "tok", "AWS_REGION": "eu-west-3"])
        #expect(store.signer?.credentials.accessKeyID == "AKENV")
        #expect(store.signer?.credentials.sessionToken == "tok")
        #expect(store.signer?.region == "eu-west-3")
        #expect(store.pathStyle)
        config.accessKeyId = "AKCONF"
        config.secretAccessKey = "conf-secret"
        let configured = try S3Store(bucket: "b", config: config, environment: ["AWS_SESSION_TOKEN": "not-for-these-keys"])
        #expect(configured.signer?.credentials.accessKeyID == "AKCONF")
        #expect(configured.signer?.credentials.sessionToken == nil)
        let aws = try S3Store(bucket: "b", config: ObjectStorageConfig(), environment: ["AWS_ACCESS_KEY_ID": "A", "AWS_SECRET_ACCESS_KEY": "S"])
        #expect(!aws.pathStyle)
        #expect(aws.request(.GET, key: "k 1").url == "https://b.s3.us-east-1.amazonaws.com/k%201")
        #expect(configured.request(.GET, key: "k 1", query: [("prefix", "a b")]).url == "http://127.0.0.1:9/b/k%201?prefix=a%20b")
    }

    @Test func metadataEndpointsAreRefusedUnlessAllowed() throws {
        for endpoint in ["http://169.254.169.254", "http://[fd00:ec2::254]", "http://metadata.google.internal", "http://[fe80::1]:80", "http://[::ffff:169.254.169.254]"] {
            var config = ObjectStorageConfig()
            config.endpoint = endpoint
            config.anonymous = true
            #expect(throws: SpecError.self, "\(endpoint)") { try S3Store(bucket: "b", config: config, environment: [:]) }
            config.allowMetadataEndpoints = true
            #expect(throws: Never.self) { try S3Store(bucket: "b", config: config, environment: [:]) }
        }
        var config = ObjectStorageConfig()
        config.endpoint = "http://127.0.0.1:9000"
        config.anonymous = true
        config.allowedHosts = ["minio.internal"]
        #expect(throws: SpecError(path: "storage.endpoint", "the host '127.0.0.1' is not in storage.allowedHosts (minio.internal)")) {
            try S3Store(bucket: "b", config: config, environment: [:])
        }
    }
}

/// The `storage` block as responses, logs and the state database show a spec: every
/// credential masked, the rest as written.
@Suite struct ObjectStorageSecretsTests {
    @Test func everyCredentialKeyIsMasked() throws {
        let storage: Value = [
            "endpoint": "http://127.0.0.1:9000", "accessKeyId": "AKID", "secretAccessKey": "hidden-1", "sessionToken": "hidden-2",
            "serviceAccountKey": "{\"private_key\": \"hidden-3\"}", "accessToken": "hidden-4", "account": "acct", "accountKey": "hidden-5",
            "sasToken": "hidden-6",
        ]
        let shown = JSONText.string(Secrets.redact(["path": "s3://b/k.csv", "storage": storage]))
        #expect(!shown.contains("hidden-"), "\(shown)")
        for kept in ["AKID", "acct", "http://127.0.0.1:9000", "s3://b/k.csv"] { #expect(shown.contains(kept), "\(shown)") }
        #expect(shown.components(separatedBy: "\"***\"").count - 1 == 6)
    }
}
