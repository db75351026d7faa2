import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// The requests the S3 store really sends, checked on arrival by botocore's signer
/// (`scripts/object-stores/s3_signature_check.py`): moto accepts any signature, so this is what
/// proves the path and query encoding, the Host header, the payload hash and the session token
/// go over the wire exactly as signed.
@Suite struct S3WireSignatureTests {
    /// The checking server, on a port of its own.
    final class Checker {
        let process = Process()
        let port: Int

        /// Starts the checker and waits (outside the cooperative pool) for the port it prints.
        init(key: String, secret: String, token: String?) async throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", RepositoryFiles.path("scripts/object-stores/s3_signature_check.py"), "0", key, secret] + (token.map { [$0] } ?? [])
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let line = try await out.fileHandleForReading.firstLine()
            port = Int(String(decoding: line, as: UTF8.self)) ?? 0
        }

        /// SIGKILL, then waits (outside the cooperative pool) until it has ended.
        func stop() async {
            await process.killAndWait()
        }

        struct Counts: Decodable {
            var ok: Int
            var bad: Int
            var bad_requests: [String]
        }

        func counts() async throws -> Counts {
            let url = "http://127.0.0.1:\(port)/__counts"
            let response = try await ObjectTransport(retries: 0).send("counts") { ObjectRequest(method: .GET, url: url) }
            return try JSONDecoder().decode(Counts.self, from: Data(response.body))
        }
    }

    @Test(arguments: [nil, "FwoGZXIvYXdzEJr//////////token+with/odd=chars"])
    func everyOperationArrivesCorrectlySigned(token: String?) async throws {
        let checker = try await Checker(key: "AKIDCHECK", secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", token: token)
        try await withAsyncCleanup {
            var config = ObjectStorageConfig()
            config.endpoint = "http://127.0.0.1:\(checker.port)"
            config.accessKeyId = "AKIDCHECK"
            config.secretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
            config.sessionToken = token
            config.partSizeMiB = 5
            config.retries = 0
            config.serverSideEncryption = "aws:kms"
            config.kmsKeyId = "arn:aws:kms:us-east-1:111122223333:key/abc"
            let store = try S3Store(bucket: "my.bucket-1", config: config, environment: [:])
            let keys = ["plain.csv", "dir/with space/and+plus=eq&amp.csv", "ünï/cödé 日本.ndjson", "tilde~star*paren(1).parquet", "percent%2F.csv"]
            for key in keys {
                #expect(try await store.info(key)?.etag == "\"abc\"")
                #expect(try await store.read(key, range: 3..<17, ifMatch: "\"abc\"").count == 14)
                try await store.put(key, bytes: Array("id,name\n1,Ada\n".utf8))
            }
            #expect(try await store.list(prefix: "dir/with space/a+b=c&d", limit: 10).map(\.key) == ["k"])
            let sink = ObjectUploadSink(store: store, key: keys[2])
            try await sink.write([UInt8](repeating: 7, count: (5 << 20) + 123))
            try await sink.commit()
            let upload = try await store.startUpload(keys[1])
            try await upload.upload(part: 1, bytes: [1, 2, 3])
            await upload.abort()
            let counts = try await checker.counts()
            // 3 per key, 1 listing, 3 for the sink's upload (start, part, complete with the last
            // part: 4), 3 for the aborted one.
            #expect(counts.bad == 0, "\(counts.bad_requests)")
            #expect(counts.ok == keys.count * 3 + 1 + 4 + 3)
        } cleanup: {
            await checker.stop()
        }
    }

    @Test func aWrongSecretIsRefusedByTheChecker() async throws {
        let checker = try await Checker(key: "AKIDCHECK", secret: "right-secret", token: nil)
        try await withAsyncCleanup {
            var config = ObjectStorageConfig()
            config.endpoint = "http://127.0.0.1:\(checker.port)"
            config.accessKeyId = "AKIDCHECK"
            config.secretAccessKey = "wrong-secret"
            config.retries = 0
            let store = try S3Store(bucket: "b", config: config, environment: [:])
            let error = await #expect(throws: ConnectorError.self) { try await store.read("k.csv", range: 0..<4, ifMatch: nil) }
            let message = error.map { "\($0)" } ?? ""
            #expect(message == "reading s3://b/k.csv (bytes 0-3): HTTP 403 SignatureDoesNotMatch: checked with botocore (check the access key and secret)")
            #expect(!message.contains("wrong-secret"))
            #expect(try await checker.counts().bad == 1)
        } cleanup: {
            await checker.stop()
        }
    }
}
