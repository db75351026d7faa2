import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// The file target and source through Google Cloud Storage (fake-gcs-server) and Azure Blob
/// (the signature-checking stand-in): what the target writes is, byte for byte, what a local
/// write of the same records holds, read back by each cloud's official client; and reading
/// the objects gives the records a local read of the same bytes gives.
@Suite struct CloudFileTests {
    /// One store as the tests use it: its address prefix, `storage` settings, and the
    /// official client's read of an object.
    struct Cloud {
        var prefix: String
        var storage: Value
        var clientRead: (String) async throws -> [UInt8]
    }

    static func gcs() async throws -> Cloud {
        let store = try await GCSStoreTests.freshStore()
        return Cloud(
            prefix: "gs://\(store.bucket)", storage: ["endpoint": .string(try GCSStoreTests.endpoint()), "anonymous": true, "retries": 1],
            clientRead: { key in try await GCSStoreTests.clientRead(store, key)?.bytes ?? [] })
    }

    static func azure() async throws -> Cloud {
        let standIn = try AzureStandIn()
        let store = try await standIn.newContainer("files")
        return Cloud(
            prefix: "az://\(store.container)",
            storage: ["endpoint": .string(standIn.endpoint), "account": .string(standIn.account), "accountKey": .string(standIn.key), "retries": 1, "partSizeMiB": 5],
            clientRead: { key in
                let text = try await standIn.sdk("print(base64.b64encode(c.download_blob(args[0]).readall()).decode())", container: store.container, [key])
                return Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)).map { Array($0) } ?? []
            })
    }

    /// Writes 30,000 records as Parquet and as gzip CSV to `cloud` and to a local directory,
    /// checks the bytes match, then reads the objects back (one by one and with a glob).
    static func roundTrip(_ cloud: Cloud) async throws {
        let dir = try TemporaryDirectory()
        for name in ["o.parquet", "o.csv.gz", "big.ndjson"] {
            let rows = name == "big.ndjson" ? 200_000 : 30_000
            for config in [["path": Value.string(dir.file(name))], ["path": .string("\(cloud.prefix)/out/\(name)"), "storage": cloud.storage]] {
                let target = try S3FileTests.target(.object(ValueObject(config.map { ($0.key, $0.value) })), roots: [dir.path])
                let writer = try await target.open(batchSize: nil)
                for start in stride(from: 0, to: rows, by: 10_000) { _ = try await writer.write(S3FileTests.batch(start..<(start + 10_000))) }
                try await writer.commit()
            }
            let local = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir.file(name))))
            let remote = try await cloud.clientRead("out/\(name)")
            let same = remote == local
            #expect(same, "\(cloud.prefix)/out/\(name): \(remote.count) bytes, the local file \(local.count)")
        }
        for (pattern, localPattern, format) in [("out/o.parquet", "o.parquet", nil), ("out/*.gz", "*.gz", "csv" as String?), ("out/big.ndjson", "big.ndjson", nil)] {
            var remoteConfig: [String: Value] = ["path": .string("\(cloud.prefix)/\(pattern)"), "storage": cloud.storage]
            var localConfig: [String: Value] = ["path": .string(dir.file(localPattern))]
            if let format {
                remoteConfig["format"] = .string(format)
                localConfig["format"] = .string(format)
            }
            let expected = try await S3FileTests.read(S3FileTests.source(.object(ValueObject(localConfig.map { ($0.key, $0.value) })), roots: [dir.path]))
            let got = try await S3FileTests.read(S3FileTests.source(.object(ValueObject(remoteConfig.map { ($0.key, $0.value) }))))
            S3FileTests.expectSame(got.lines, expected.lines)
            #expect(got.bytes == expected.bytes)
            #expect(got.lines.count == (pattern.contains("big") ? 200_000 : 30_000))
        }
    }

    @Test func googleCloudStorage() async throws { try await Self.roundTrip(try await Self.gcs()) }

    @Test func azureBlob() async throws { try await Self.roundTrip(try await Self.azure()) }
}
