import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// Signature Version 4 as S3 takes it: AWS's published example, then botocore's own signer
/// (`S3SigV4Auth`, the one boto3 and the AWS CLI use) as the oracle for requests with awkward
/// keys, query values, header values, session tokens, dates and regions.
@Suite struct S3RequestSignerTests {
    /// The "GET Object" example of AWS's Signature Version 4 documentation for S3.
    @Test func awsPublishedGetObjectExample() throws {
        let signer = S3RequestSigner(
            credentials: .init(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1")
        let request = S3RequestSigner.Request(
            method: "GET", host: "examplebucket.s3.amazonaws.com", path: "/test.txt", headers: [("Range", "bytes=0-9")],
            payloadHash: S3RequestSigner.payloadHash([]))
        let time = try #require(Timestamp(iso8601: "2013-05-24T00:00:00Z"))
        let headers = signer.authorizationHeaders(for: request, at: time)
        #expect(headers.map(\.name) == ["x-amz-date", "x-amz-content-sha256", "authorization"])
        #expect(headers[0].value == "20130524T000000Z")
        #expect(headers[1].value == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            headers[2].value
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }

    @Test func credentialsNeverDescribeTheirSecrets() {
        let credentials = S3RequestSigner.Credentials(accessKeyID: "AKID1", secretAccessKey: "s3cr3t/key", sessionToken: "t0ken")
        for text in ["\(credentials)", String(reflecting: credentials), "\([credentials])"] {
            #expect(text.contains("AKID1"), "\(text)")
            #expect(!text.contains("s3cr3t") && !text.contains("t0ken"), "\(text)")
        }
    }

    /// Reads one case per line (JSON) and prints botocore's canonical request and signature.
    static let oracle = #"""
        import json, sys
        from botocore.awsrequest import AWSRequest
        from botocore.auth import S3SigV4Auth
        from botocore.credentials import Credentials
        for line in open(sys.argv[1]):
            c = json.loads(line)
            headers = dict(c["headers"])
            req = AWSRequest(method=c["method"], url="http://" + c["host"] + c["path"], headers=headers,
                             params=[tuple(p) for p in c["query"]])
            auth = S3SigV4Auth(Credentials(c["key"], c["secret"], c["token"]), "s3", c["region"])
            req.context["timestamp"] = c["stamp"]
            canonical = auth.canonical_request(req)
            print(json.dumps({"canonical": canonical, "signature": auth.signature(auth.string_to_sign(req, canonical), req)}))
        """#

    @Test func agreesWithBotocore() async throws {
        let keys = ["plain.csv", "a b/c+d=e&f.csv", "dir/sub dir/ü-日本.parquet", "%41~tilde_(1)!*'", "trailing/", "x"]
        let queries: [[(String, String)]] = [
            [], [("list-type", "2"), ("prefix", "a b/ü"), ("continuation-token", "1/ab+c=="), ("max-keys", "2")],
            [("uploads", "")], [("partNumber", "3"), ("uploadId", "VXBsb2FkIElE~-_.")], [("delimiter", "/"), ("encoding-type", "url")],
        ]
        let headerSets: [[(String, String)]] = [
            [], [("Range", "bytes=100-199")], [("Content-Type", "text/csv; charset=utf-8"), ("x-amz-server-side-encryption", "aws:kms")],
            [("x-amz-meta-note", "  two   spaces  inside ")],
        ]
        let times = ["2015-08-30T12:36:00Z", "2024-02-29T23:59:59Z", "1999-12-31T00:00:00Z"]
        var cases: [(signer: S3RequestSigner, request: S3RequestSigner.Request, time: Timestamp)] = []
        var lines: [String] = []
        for (n, key) in keys.enumerated() {
            for (q, query) in queries.enumerated() {
                let headers = headerSets[(n + q) % headerSets.count]
                let token = (n + q) % 3 == 0 ? "FwoGZXIvYXdzE+token/with=chars" : nil
                let credentials = S3RequestSigner.Credentials(accessKeyID: "AKID\(n)", secretAccessKey: "secret/\(q)+key", sessionToken: token)
                let signer = S3RequestSigner(credentials: credentials, region: q % 2 == 0 ? "us-east-1" : "eu-central-1")
                let body = Array("payload \(n) \(q)".utf8)
                let request = S3RequestSigner.Request(
                    method: ["GET", "PUT", "POST", "DELETE", "HEAD"][(n + q) % 5], host: n % 2 == 0 ? "bucket.s3.amazonaws.com" : "127.0.0.1:9000",
                    path: "/" + (n % 2 == 0 ? "" : "bucket/") + S3RequestSigner.encodedPath(key), query: query.map { ($0.0, $0.1) },
                    headers: headers.map { ($0.0, $0.1) },
                    payloadHash: q == 2 ? S3RequestSigner.unsignedPayload : S3RequestSigner.payloadHash(body))
                let time = try #require(Timestamp(iso8601: times[(n * 5 + q) % times.count]))
                let added = signer.authorizationHeaders(for: request, at: time).dropLast()
                var sent: [Value] = request.headers.map { .array([.string($0.name), .string($0.value)]) }
                for header in added { sent.append(.array([.string(header.name), .string(header.value)])) }
                let line: Value = .object(
                    ValueObject([
                        ("method", .string(request.method)), ("host", .string(request.host)), ("path", .string(request.path)),
                        ("query", .array(request.query.map { .array([.string($0.name), .string($0.value)]) })), ("headers", .array(sent)),
                        ("key", .string(credentials.accessKeyID)), ("secret", .string(credentials.secretAccessKey)),
                        ("token", token.map(Value.string) ?? .null), ("region", .string(signer.region)),
                        ("stamp", .string(S3RequestSigner.timestamp(time))),
                    ]))
                lines.append(JSONText.string(line))
                cases.append((signer, request, time))
            }
        }
        let dir = try TemporaryDirectory(prefix: "sluice-sigv4")
        defer { dir.remove() }
        try dir.write("cases.ndjson", lines.joined(separator: "\n") + "\n")
        let answers = try await Python.run(Self.oracle, arguments: [dir.file("cases.ndjson")]).split(separator: "\n")
        #expect(answers.count == cases.count)
        for ((signer, request, time), answer) in zip(cases, answers) {
            guard case .object(let expected) = try JSONParser.parse(String(answer)) else { continue }
            let headers = signer.authorizationHeaders(for: request, at: time)
            let canonical = signer.canonicalRequest(request, adding: Array(headers.dropLast()))
            #expect(.string(canonical) == expected["canonical"], "\(request.method) \(request.path)")
            let signature = headers.last?.value.split(separator: "=").last.map(String.init) ?? ""
            #expect(.string(signature) == expected["signature"], "\(request.method) \(request.path)")
        }
    }
}
