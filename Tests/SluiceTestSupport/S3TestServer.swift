import Foundation

/// The moto server the test command starts (`SLUICE_TEST_S3_ENDPOINT`), with boto3 as the
/// independent client that creates buckets, puts and reads objects for the checks.
public enum S3TestServer {
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "SLUICE_TEST_S3_ENDPOINT is not set: run the tests with scripts/test.sh, which starts moto" }
    }

    public static func endpoint() throws -> String {
        guard let value = ProcessInfo.processInfo.environment["SLUICE_TEST_S3_ENDPOINT"], !value.isEmpty else { throw Missing() }
        return value
    }

    /// Runs `script` with `s3` bound to a boto3 client of the server, `bucket` to `bucket`,
    /// and `args` to the remaining arguments; returns its standard output.
    @discardableResult
    public static func boto(_ script: String, bucket: String, _ arguments: [String] = []) async throws -> String {
        let prelude = """
            import sys, boto3, hashlib, json
            s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
            bucket = sys.argv[2]
            args = sys.argv[3:]

            """
        return try await Python.run(prelude + script, arguments: [try endpoint(), bucket] + arguments)
    }

    /// A new empty bucket with a unique name.
    public static func bucket() async throws -> String {
        let name = "sluice-" + UUID().uuidString.lowercased().prefix(18)
        try await boto("s3.create_bucket(Bucket=bucket)", bucket: String(name))
        return String(name)
    }

    /// Stores `bytes` as `key` with boto3.
    public static func put(_ bucket: String, _ key: String, _ bytes: [UInt8]) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("s3-put-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try await boto("s3.put_object(Bucket=bucket, Key=args[0], Body=open(args[1], 'rb').read())", bucket: bucket, [key, file.path])
    }

    /// The bytes boto3 reads from `key`.
    public static func get(_ bucket: String, _ key: String) async throws -> [UInt8] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("s3-get-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        try await boto("open(args[1], 'wb').write(s3.get_object(Bucket=bucket, Key=args[0])['Body'].read())", bucket: bucket, [key, file.path])
        return [UInt8](try Data(contentsOf: file))
    }

    /// The keys in the bucket and the multipart uploads still open, as boto3 lists them.
    public static func contents(_ bucket: String) async throws -> (keys: [String], uploads: Int) {
        let out = try await boto(
            """
            keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
            uploads = s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
            print(json.dumps({"keys": keys, "uploads": len(uploads)}))
            """, bucket: bucket)
        struct Listing: Decodable {
            var keys: [String]
            var uploads: Int
        }
        let listing = try JSONDecoder().decode(Listing.self, from: Data(out.utf8))
        return (listing.keys, listing.uploads)
    }
}
