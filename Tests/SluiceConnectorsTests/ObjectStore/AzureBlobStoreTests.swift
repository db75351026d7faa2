// Written for Sluice: the package mirror has no Azure SDK, so the Azure Blob store is Sluice's
// own (AsyncHTTPClient and swift-crypto); these are its tests.
//
// No Azure emulator can be installed here (Azurite ships only through npm), so the tests use this stand-in, which verifies every request's SharedKey signature with the official azure-storage-blob SDK's signing code, and the official SDK talks to the same stand-in.
// The stand-in is scripts/object-stores/azure_blob_standin.py, started by
// scripts/object-stores/azure.sh, which names it in SLUICE_TEST_AZURE_ENDPOINT,
// SLUICE_TEST_AZURE_ACCOUNT and SLUICE_TEST_AZURE_KEY.
import Foundation
import SluiceCore
import SluiceTestSupport
import Testing

@testable import SluiceConnectors

/// The Blob stand-in the tests talk to, from the variables `start_azure_standin` exports.
struct AzureStandIn: Sendable {
    /// A variable the tests need is not set: they fail (never skip) and say how to start it.
    struct Missing: Error, CustomStringConvertible {
        let variable: String
        var description: String {
            "\(variable) is not set: run `source scripts/test-databases.sh && source scripts/object-stores/azure.sh && start_azure_standin` "
                + "before `swift test` (needs `python3 -m pip install azure-storage-blob`)"
        }
    }

    let endpoint: String
    let account: String
    let key: String

    init() throws {
        func value(_ name: String) throws -> String {
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else { throw Missing(variable: name) }
            return value
        }
        endpoint = try value("SLUICE_TEST_AZURE_ENDPOINT")
        account = try value("SLUICE_TEST_AZURE_ACCOUNT")
        key = try value("SLUICE_TEST_AZURE_KEY")
    }

    /// Storage settings for the stand-in signed with its key, with quick retries.
    func config(retries: Int = 3, timeoutSeconds: Double = 10) -> ObjectStorageConfig {
        var config = ObjectStorageConfig()
        config.endpoint = endpoint
        config.account = account
        config.accountKey = key
        config.retries = retries
        config.retryBackoffSeconds = 0.01
        config.timeoutSeconds = timeoutSeconds
        return config
    }

    /// A store for a new, empty container of its own (created with a request Sluice signs).
    func newContainer(_ purpose: String, headers: [(name: String, value: String)] = []) async throws -> AzureBlobStore {
        let name = "sluice-\(purpose)-\(UInt32.random(in: 0...UInt32.max))"
        let store = try AzureBlobStore(container: name, account: nil, config: config(), environment: [:])
        let response = try await store.send("creating \(name)", .PUT, blob: nil, query: [("restype", "container")], headers: headers)
        #expect(response.status == 201, "\(response.bodyText)")
        return store
    }

    /// A store for `container` with other settings.
    func store(_ container: String, _ config: ObjectStorageConfig, environment: [String: String] = [:]) throws -> AzureBlobStore {
        try AzureBlobStore(container: container, account: nil, config: config, environment: environment)
    }

    /// Makes the stand-in's next `count` `op` requests on the store's container answer
    /// `status`, stall for `stall` seconds, or (reads) come one byte short.
    func inject(_ store: AzureBlobStore, op: String, count: Int = 1, status: Int? = nil, stall: Double? = nil, short: Bool = false) async throws {
        var json = "{\"container\":\"\(store.container)\",\"op\":\"\(op)\",\"count\":\(count)"
        if let status { json += ",\"status\":\(status)" }
        if let stall { json += ",\"stall\":\(stall)" }
        if short { json += ",\"short\":true" }
        json += "}"
        let body = Array(json.utf8)
        let url = store.endpoint.origin + "/__control"
        let response = try await ObjectTransport(retries: 0).send("injecting a fault") {
            ObjectRequest(method: .POST, url: url, headers: [("Content-Type", "application/json")], body: body)
        }
        #expect(response.status == 204, "\(response.bodyText)")
    }

    /// How many requests of each operation the stand-in has seen on the store's container.
    func counts(_ store: AzureBlobStore) async throws -> [String: Int] {
        let url = store.endpoint.origin + "/__control/counts?container=" + store.container
        let response = try await ObjectTransport(retries: 0).send("reading counts") { ObjectRequest(method: .GET, url: url) }
        return try JSONDecoder().decode([String: Int].self, from: Data(response.body))
    }

    /// Runs `script` after a prelude that connects the official SDK to the stand-in:
    /// `c` is the ContainerClient of `container`, `client(**options)` makes another, and
    /// `args` holds `arguments`.
    func sdk(_ script: String, container: String, _ arguments: [String] = []) async throws -> String {
        try await Python.run(Self.prelude + script, arguments: [endpoint, account, key, container] + arguments)
    }

    static let prelude = #"""
        import base64, json, sys
        from azure.storage.blob import BlobServiceClient
        endpoint, account, key, container = sys.argv[1:5]
        args = sys.argv[5:]
        def client(**options):
            service = BlobServiceClient(account_url=endpoint, credential={"account_name": account, "account_key": key}, **options)
            return service.get_container_client(container)
        c = client()

        """#
}

/// Bytes no two tests share by accident: a simple pattern seeded by `seed`.
private func pattern(_ count: Int, seed: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ ($0 >> 7) &+ seed) }
}

@Suite struct AzureBlobStoreTests {
    // MARK: Signing, without the stand-in

    /// The string to sign of a Put Block, written out, and the header the SDK's signer
    /// computes for the same request (checked by `signerAgreesWithTheSDK`).
    @Test func stringToSignOfAPutBlock() throws {
        let credentials = try #require(AzureSharedKeySigner.Credentials(account: "acct", base64Key: "a2V5LWJ5dGVz"))
        let signer = AzureSharedKeySigner(credentials: credentials)
        let request = AzureSharedKeySigner.Request(
            method: "PUT", path: "/acct/c/" + AzureSharedKeySigner.encodedPath("a b+c/ü.txt"),
            query: [("comp", "block"), ("blockid", "YWJj+/==")],
            headers: [
                ("x-ms-version", "2021-08-06"), ("x-ms-date", "Sun, 06 Nov 1994 08:49:37 GMT"), ("Content-MD5", "XrY7u+Ae7tCTyyK7j1rNww=="),
                ("X-MS-Meta-A-Z", "1"), ("x-ms-meta-ab", "2"),
            ],
            contentLength: 11)
        #expect(
            signer.stringToSign(request)
                == "PUT\n\n\n11\nXrY7u+Ae7tCTyyK7j1rNww==\n\n\n\n\n\n\n\n"
                + "x-ms-date:Sun, 06 Nov 1994 08:49:37 GMT\nx-ms-meta-ab:2\nx-ms-meta-a-z:1\nx-ms-version:2021-08-06\n"
                + "/acct/acct/c/a%20b%2Bc/%C3%BC.txt\nblockid:YWJj+/==\ncomp:block")
        var empty = request
        empty.contentLength = 0
        #expect(signer.stringToSign(empty).hasPrefix("PUT\n\n\n\nXrY7u+Ae7tCTyyK7j1rNww==\n"))
    }

    @Test func httpDates() throws {
        let cases = [
            ("1994-11-06T08:49:37Z", "Sun, 06 Nov 1994 08:49:37 GMT"), ("2024-02-29T23:59:59.999Z", "Thu, 29 Feb 2024 23:59:59 GMT"),
            ("1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 GMT"), ("1969-12-31T23:59:59Z", "Wed, 31 Dec 1969 23:59:59 GMT"),
            ("2038-01-19T03:14:08Z", "Tue, 19 Jan 2038 03:14:08 GMT"),
        ]
        for (iso, expected) in cases {
            #expect(AzureSharedKeySigner.httpDate(try #require(Timestamp(iso8601: iso))) == expected)
        }
    }

    @Test func credentialsNeverDescribeTheKey() throws {
        let key = "c2VjcmV0LWtleS1ieXRlcy0xMjM0NTY3ODkw"
        let credentials = try #require(AzureSharedKeySigner.Credentials(account: "acct1", base64Key: key))
        for text in ["\(credentials)", String(reflecting: credentials), "\([credentials])"] {
            #expect(text == "storage account acct1 (account key redacted)" || text == "[storage account acct1 (account key redacted)]", "\(text)")
        }
        #expect(AzureSharedKeySigner.Credentials(account: "a", base64Key: "not base64!") == nil)
        #expect(AzureSharedKeySigner.Credentials(account: "a", base64Key: "") == nil)
    }

    /// Prints, for each request (one JSON object a line), the Authorization header the
    /// azure-storage-blob SDK's SharedKeyCredentialPolicy computes for it.
    static let signingOracle = #"""
        import json, sys
        from azure.core.pipeline import PipelineRequest, PipelineContext
        from azure.core.pipeline.transport import HttpRequest
        from azure.storage.blob._shared.authentication import SharedKeyCredentialPolicy
        for line in open(sys.argv[1]):
            case = json.loads(line)
            headers = {name.lower(): value for name, value in case["headers"]}
            request = HttpRequest(case["method"], case["url"], headers=headers)
            SharedKeyCredentialPolicy(case["account"], case["key"]).on_request(PipelineRequest(request, PipelineContext(None)))
            print(request.headers["Authorization"])
        """#

    /// One request for the oracle: what was sent (without Authorization, with Content-Length).
    struct OracleCase: Encodable {
        var method: String
        var url: String
        var headers: [[String]]
        var account: String
        var key: String
    }

    /// A request for the signing comparison: its method, whether it names a blob (else the
    /// container), its query, headers and body.
    struct SignCase {
        var method: String
        var blob = true
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var body: [UInt8]?

        init(
            _ method: String, blob: Bool = true, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
            body: [UInt8]? = nil
        ) {
            self.method = method
            self.blob = blob
            self.query = query
            self.headers = headers
            self.body = body
        }

        /// The request `store` builds for this case at `time`.
        func request(_ store: AzureBlobStore, blob name: String?, at time: Timestamp) -> ObjectRequest {
            switch method {
            case "HEAD": return store.makeRequest(.HEAD, blob: name, query: query, headers: headers, body: body, at: time)
            case "PUT": return store.makeRequest(.PUT, blob: name, query: query, headers: headers, body: body, at: time)
            case "DELETE": return store.makeRequest(.DELETE, blob: name, query: query, headers: headers, body: body, at: time)
            default: return store.makeRequest(.GET, blob: name, query: query, headers: headers, body: body, at: time)
            }
        }
    }

    /// Whole requests as the store builds them (URL encoding, headers, the signature), for
    /// names with spaces, `+`, `ü`, `%`, `#`, `?`, ranges, If-Match, block ids, block lists,
    /// list queries with awkward prefixes and markers, metadata headers that sort differently
    /// with and without dashes, a path-style endpoint and the default one: the SDK's signer
    /// must compute the same Authorization for each.
    @Test func signerAgreesWithTheSDK() async throws {
        let keys = ["Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==", "a2V5LWJ5dGVzLSsvPQ=="]
        var stores: [(store: AzureBlobStore, key: String)] = []
        for (n, key) in keys.enumerated() {
            var config = ObjectStorageConfig()
            config.accountKey = key
            if n == 0 { config.endpoint = "http://127.0.0.1:10000/devstoreaccount1" }
            let store = try AzureBlobStore(
                container: n == 0 ? "data" : "my-container", account: n == 0 ? "devstoreaccount1" : "myaccount", config: config, environment: [:])
            stores.append((store, key))
        }
        let names = ["plain.csv", "a b+c=d&e.csv", "dir/sub dir/ü-日本.parquet", "%41~tilde_(1)!*'#?.txt", "trailing/"]
        let requests: [SignCase] = [
            SignCase("GET", blob: false, query: [("restype", "container"), ("comp", "list")]),
            SignCase(
                "GET", blob: false,
                query: [("restype", "container"), ("comp", "list"), ("prefix", "a b/ü+&="), ("marker", "2!YWJj+/=="), ("maxresults", "2")]),
            SignCase("HEAD"),
            SignCase("GET", headers: [("x-ms-range", "bytes=100-199")]),
            SignCase("GET", headers: [("x-ms-range", "bytes=0-0"), ("If-Match", "\"0x8D1234567890ABC\"")]),
            SignCase(
                "PUT", headers: [("x-ms-blob-type", "BlockBlob"), ("Content-MD5", AzureBlobStore.md5(Array("hello".utf8)))],
                body: Array("hello".utf8)),
            SignCase("PUT", headers: [("x-ms-blob-type", "BlockBlob")], body: []),
            SignCase("PUT", query: [("comp", "block"), ("blockid", "MDAwMDAwMDAwMDAwMDAwMC0wMDAwMDE=")], body: pattern(300, seed: 1)),
            SignCase(
                "PUT", query: [("comp", "blocklist")], headers: [("Content-Type", "application/xml; charset=utf-8")],
                body: Array("<BlockList></BlockList>".utf8)),
            SignCase(
                "PUT",
                headers: [("x-ms-blob-type", "BlockBlob"), ("x-ms-meta-a-z", "1"), ("x-ms-meta-ab", "2"), ("x-ms-meta-a9", "3"), ("X-Ms-Meta-B-A", "4")],
                body: Array("x".utf8)),
            SignCase("DELETE"),
        ]
        let time = try #require(Timestamp(iso8601: "2024-02-29T23:59:59Z"))
        var cases: [OracleCase] = []
        var expected: [String] = []
        for (s, (store, key)) in stores.enumerated() {
            for (r, signCase) in requests.enumerated() {
                let name = signCase.blob ? names[(s + r) % names.count] : nil
                let request = signCase.request(store, blob: name, at: time)
                var sent = request.headers.filter { $0.name != "Authorization" }.map { [$0.name, $0.value] }
                if let body = signCase.body { sent.append(["Content-Length", String(body.count)]) }
                cases.append(OracleCase(method: signCase.method, url: request.url, headers: sent, account: store.account ?? "", key: key))
                expected.append(request.headers.first { $0.name == "Authorization" }?.value ?? "(none)")
            }
        }
        // The URLs are the ones the store sends: the name path-encoded, the query encoded.
        #expect(cases[3].url == "http://127.0.0.1:10000/devstoreaccount1/data/%2541~tilde_%281%29%21%2A%27%23%3F.txt")
        #expect(
            cases[1].url
                == "http://127.0.0.1:10000/devstoreaccount1/data?restype=container&comp=list&prefix=a%20b%2F%C3%BC%2B%26%3D&marker=2%21YWJj%2B%2F%3D%3D&maxresults=2"
        )
        #expect(cases[requests.count + 6].url == "https://myaccount.blob.core.windows.net/my-container/dir/sub%20dir/%C3%BC-%E6%97%A5%E6%9C%AC.parquet")
        let dir = try TemporaryDirectory(prefix: "sluice-azure-sign")
        defer { dir.remove() }
        let encoder = JSONEncoder()
        let lines = try cases.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try dir.write("cases.ndjson", lines.joined(separator: "\n") + "\n")
        let answers = try await Python.run(Self.signingOracle, arguments: [dir.file("cases.ndjson")]).split(separator: "\n").map(String.init)
        #expect(answers.count == expected.count)
        for (n, (answer, mine)) in zip(answers, expected).enumerated() {
            #expect(answer == mine, "\(cases[n].method) \(cases[n].url)")
        }
        #expect(expected.allSatisfy { $0.hasPrefix("SharedKey devstoreaccount1:") || $0.hasPrefix("SharedKey myaccount:") })
    }

    // MARK: Settings

    @Test func settingsAndTheirErrors() throws {
        func error(_ config: ObjectStorageConfig, account: String? = nil, environment: [String: String] = [:]) -> String {
            do {
                _ = try AzureBlobStore(container: "c", account: account, config: config, environment: environment)
                return "no error"
            } catch {
                return error.message
            }
        }
        #expect(
            error(ObjectStorageConfig(), account: "acct")
                == "storage: no Azure credentials: set storage.accountKey (or AZURE_STORAGE_KEY) with the account, storage.sasToken "
                + "(or AZURE_STORAGE_SAS_TOKEN), or storage.anonymous: true for a public container")
        var config = ObjectStorageConfig()
        config.accountKey = "this is not base64, it is the s3cr3t"
        let notBase64 = error(config, account: "acct")
        #expect(
            notBase64 == "storage: the Azure account key (storage.accountKey or AZURE_STORAGE_KEY) is not base64; it should be the key as the portal shows it")
        #expect(
            error(ObjectStorageConfig(), environment: ["AZURE_STORAGE_KEY": "a2V5"])
                == "storage: signing with an account key needs the storage account: set storage.account or AZURE_STORAGE_ACCOUNT, "
                + "or use an address that names it (https://ACCOUNT.blob.core.windows.net/container/…)")
        config.accountKey = "a2V5"
        config.sasToken = "sv=1&sig=x"
        #expect(error(config, account: "acct") == "storage: set only one of storage.accountKey and storage.sasToken")
        var anonymous = ObjectStorageConfig()
        anonymous.anonymous = true
        #expect(
            error(anonymous)
                == "storage: the storage account is not known: set storage.account or AZURE_STORAGE_ACCOUNT, "
                + "or use an address that names it (https://ACCOUNT.blob.core.windows.net/container/…)")

        // The account: the settings, else the address, else the environment.
        var keyed = ObjectStorageConfig()
        keyed.accountKey = "a2V5"
        let fromAddress = try AzureBlobStore(container: "c", account: "fromaddress", config: keyed, environment: ["AZURE_STORAGE_ACCOUNT": "fromenv"])
        #expect(fromAddress.account == "fromaddress")
        #expect(fromAddress.endpoint.origin == "https://fromaddress.blob.core.windows.net")
        #expect(fromAddress.root == "az://c")
        #expect(fromAddress.url(of: "a/b.csv") == "az://c/a/b.csv")
        let fromEnvironment = try AzureBlobStore(container: "c", account: nil, config: keyed, environment: ["AZURE_STORAGE_ACCOUNT": "fromenv"])
        #expect(fromEnvironment.account == "fromenv")
        keyed.account = "fromsettings"
        #expect(try AzureBlobStore(container: "c", account: "fromaddress", config: keyed, environment: [:]).account == "fromsettings")

        // Credentials from the environment: the key first, else the SAS (without its `?`).
        let environment = ["AZURE_STORAGE_ACCOUNT": "acct", "AZURE_STORAGE_KEY": "a2V5", "AZURE_STORAGE_SAS_TOKEN": "?sv=2024&sig=abc"]
        guard case .sharedKey = try AzureBlobStore(container: "c", account: nil, config: ObjectStorageConfig(), environment: environment).authorization
        else {
            Issue.record("the environment's key was not used")
            return
        }
        let sasOnly = try AzureBlobStore(container: "c", account: nil, config: ObjectStorageConfig(), environment: ["AZURE_STORAGE_SAS_TOKEN": "?sv=2024&sig=abc", "AZURE_STORAGE_ACCOUNT": "acct"])
        guard case .sas(let token) = sasOnly.authorization else {
            Issue.record("the environment's SAS was not used")
            return
        }
        #expect(token == "sv=2024&sig=abc")
        let request = sasOnly.makeRequest(.GET, blob: "x y", query: [("comp", "list")], headers: [], body: nil, at: Timestamp(microseconds: 0))
        #expect(request.url == "https://acct.blob.core.windows.net/c/x%20y?comp=list&sv=2024&sig=abc")
        #expect(!request.headers.contains { $0.name == "Authorization" })
        // A SAS in the settings wins over the environment's key.
        var sasConfig = ObjectStorageConfig()
        sasConfig.sasToken = "sv=2025&sig=def"
        guard case .sas("sv=2025&sig=def") = try AzureBlobStore(container: "c", account: nil, config: sasConfig, environment: environment).authorization
        else {
            Issue.record("the settings' SAS was not used")
            return
        }

        // A custom endpoint is path-style; its host is checked like every endpoint's.
        var custom = ObjectStorageConfig()
        custom.anonymous = true
        custom.endpoint = "http://127.0.0.1:10000/devstoreaccount1/"
        let emulator = try AzureBlobStore(container: "c", account: nil, config: custom, environment: [:])
        #expect(emulator.path(of: "d/e f") == "/devstoreaccount1/c/d/e%20f")
        custom.endpoint = "http://169.254.169.254/x"
        #expect(error(custom).contains("link-local or cloud metadata address"))
    }

    // MARK: Listings and errors, without the stand-in

    @Test func listingDocuments() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="https://a.blob.core.windows.net/" ContainerName="c">\
            <Prefix>d/</Prefix><MaxResults>3</MaxResults><Blobs>\
            <Blob><Name>d/a &amp; b &lt;1&gt; &#252;&#x65E5;.csv</Name><Properties><Last-Modified>Thu, 29 Feb 2024 23:59:59 GMT</Last-Modified>\
            <Etag>0x8DC1</Etag><Content-Length>12</Content-Length><Content-Type>text/csv</Content-Type></Properties><Metadata /></Blob>\
            <Blob><Name Encoded="true">d/%01control%20char</Name><Properties><Etag>"0x8DC2"</Etag><Content-Length>0</Content-Length></Properties></Blob>\
            <Blob><Name>d/sub</Name><Properties><Content-Length>0</Content-Length><ResourceType>directory</ResourceType></Properties></Blob>\
            <BlobPrefix><Name>d/x/</Name></BlobPrefix>\
            </Blobs><NextMarker>2!abc+/=</NextMarker></EnumerationResults>
            """
        let page = try AzureListingPage(xml: Array(xml.utf8))
        #expect(
            page
                == AzureListingPage(
                    blobs: [
                        ObjectInfo(key: "d/a & b <1> ü日.csv", size: 12, etag: "\"0x8DC1\"", lastModified: "Thu, 29 Feb 2024 23:59:59 GMT"),
                        ObjectInfo(key: "d/\u{01}control char", size: 0, etag: "\"0x8DC2\"", lastModified: nil),
                    ], nextMarker: "2!abc+/="))
        let last = try AzureListingPage(xml: Array("<EnumerationResults><Blobs /><NextMarker /></EnumerationResults>".utf8))
        #expect(last == AzureListingPage(blobs: [], nextMarker: nil))
        for (bad, reason) in [
            ("<Error/>", "the answer is not a blob listing (no <EnumerationResults>)"),
            ("<EnumerationResults><Blobs><Blob><Name>x</Name>", "a <Blob> element is not closed"),
            ("<EnumerationResults><Blob><Name>x &bogus; y</Name></Blob>", "a <Blob> has no readable <Name>"),
            ("<EnumerationResults><Blob><Name>x</Name><Properties><Content-Length>-1</Content-Length></Properties></Blob>", "the blob 'x' has no valid <Content-Length>"),
            ("<EnumerationResults><Blob><Name>x</Name><Properties><Content-Length>99999999999999999999</Content-Length></Properties></Blob>", "the blob 'x' has no valid <Content-Length>"),
        ] {
            #expect(throws: AzureListingPage.ListingError.self) { try AzureListingPage(xml: Array(bad.utf8)) }
            do {
                _ = try AzureListingPage(xml: Array(bad.utf8))
            } catch {
                #expect(error.description == reason)
            }
        }
        // A full page (the service's 5,000) reads in linear time.
        var big = "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ContainerName=\"c\"><Blobs>"
        for n in 0..<5000 {
            big += "<Blob><Name>p/\(n) &amp;.csv</Name><Properties><Last-Modified>Thu, 29 Feb 2024 23:59:59 GMT</Last-Modified>"
            big += "<Etag>0x8D\(n)</Etag><Content-Length>\(n)</Content-Length><Content-Type>text/csv</Content-Type></Properties><Metadata /></Blob>"
        }
        big += "</Blobs><NextMarker>2!next</NextMarker></EnumerationResults>"
        let clock = ContinuousClock()
        let started = clock.now
        let full = try AzureListingPage(xml: Array(big.utf8))
        #expect(clock.now - started < .seconds(5))
        #expect(full.blobs.count == 5000)
        #expect(full.blobs.last == ObjectInfo(key: "p/4999 &.csv", size: 4999, etag: "\"0x8D4999\"", lastModified: "Thu, 29 Feb 2024 23:59:59 GMT"))
        #expect(full.nextMarker == "2!next")

        let failure = AzureErrorDocument(
            xml: Array("<?xml version=\"1.0\"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.\nRequestId:1\nTime:2</Message></Error>".utf8))
        #expect(failure == AzureErrorDocument(code: "BlobNotFound", message: "The specified blob does not exist."))
    }

    // MARK: Against the stand-in

    @Test func wrongKeyIsAClear403NamingTheBlob() async throws {
        let server = try AzureStandIn()
        let store = try await server.newContainer("wrongkey")
        try await store.put("data/x.csv", bytes: Array("a,b\n".utf8))
        var config = server.config()
        let wrongKey = Data((0..<64).map { UInt8($0) }).base64EncodedString()
        config.accountKey = wrongKey
        let wrong = try server.store(store.container, config)
        let hint = " (check the storage account and its key: storage.account, storage.accountKey or AZURE_STORAGE_KEY)"
        await #expect(throws: ConnectorError.remote("reading az://\(store.container)/data/x.csv failed: HTTP 403 AuthenticationFailed: Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature." + hint)) {
            try await wrong.read("data/x.csv", range: 0..<4, ifMatch: nil)
        }
        await #expect(throws: ConnectorError.remote("reading the properties of az://\(store.container)/data/x.csv failed: HTTP 403 AuthenticationFailed" + hint)) {
            try await wrong.info("data/x.csv")
        }
        do {
            _ = try await wrong.read("data/x.csv", range: 0..<4, ifMatch: nil)
        } catch {
            #expect(!"\(error)".contains(wrongKey) && !"\(error)".contains(server.key) && !"\(error)".contains("MAC signature"))
        }
        // A 403 is not retried.
        #expect(try await server.counts(store)["GetBlob"] == 2)
        #expect(try await store.read("data/x.csv", range: 0..<4, ifMatch: nil) == Array("a,b\n".utf8))
    }

    @Test func listingCrossesPagesAndKeepsToThePrefix() async throws {
        let server = try AzureStandIn()
        var store = try await server.newContainer("list")
        store.listPageSize = 2
        let names = ["z.csv", "dir/b.csv", "dir/a b+c.csv", "dir/ü.csv", "dir/sub/x.csv", "dira.csv", "a&<>.csv"]
        for (n, name) in names.enumerated() { try await store.put(name, bytes: pattern(n * 10, seed: n)) }
        let all = try await store.list(prefix: "", limit: 100)
        #expect(all.map(\.key) == ["a&<>.csv", "dir/a b+c.csv", "dir/b.csv", "dir/sub/x.csv", "dir/ü.csv", "dira.csv", "z.csv"])
        #expect(all.map(\.size) == [60, 20, 10, 40, 30, 50, 0])
        #expect(try await server.counts(store)["ListBlobs"] == 4)
        let dir = try await store.list(prefix: "dir/", limit: 100)
        #expect(dir.map(\.key) == ["dir/a b+c.csv", "dir/b.csv", "dir/sub/x.csv", "dir/ü.csv"])
        #expect(try await store.list(prefix: "dir/ü", limit: 100).map(\.key) == ["dir/ü.csv"])
        #expect(try await store.list(prefix: "nothing/", limit: 100) == [])
        // A listing's version is the one the blob's properties give, usable in If-Match.
        let properties = try #require(try await store.info("dir/b.csv"))
        #expect(dir[1] == properties)
        #expect(properties.etag?.hasPrefix("\"0x8D") == true)
        #expect(try await store.read("dir/b.csv", range: 0..<10, ifMatch: dir[1].etag) == pattern(10, seed: 1))
        await #expect(throws: ConnectorError.remote("az://\(store.container)/dir/ holds more than 3 objects; narrow the path or raise the limit")) {
            try await store.list(prefix: "dir/", limit: 3)
        }
        let missing = try server.store("sluice-no-such-container", server.config())
        await #expect(throws: ConnectorError.remote("listing az://sluice-no-such-container failed: HTTP 404 ContainerNotFound: The specified container does not exist.")) {
            try await missing.list(prefix: "", limit: 10)
        }
        await #expect(throws: ConnectorError.remote("reading the properties of az://sluice-no-such-container/x failed: HTTP 404 ContainerNotFound")) {
            try await missing.info("x")
        }
    }

    @Test func rangedReadsGiveExactBytes() async throws {
        let server = try AzureStandIn()
        let store = try await server.newContainer("range")
        let bytes = pattern(1000, seed: 7)
        try await store.put("r/data.bin", bytes: bytes)
        for range in [0..<1, 10..<20, 990..<1000, 0..<1000, 500..<501, 7..<7] {
            #expect(try await store.read("r/data.bin", range: range, ifMatch: nil) == Array(bytes[range]), "\(range)")
        }
        #expect(try await store.info("r/data.bin")?.size == 1000)
        #expect(try await store.info("r/missing.bin") == nil)
        let url = "az://\(store.container)/r/data.bin"
        await #expect(throws: ConnectorError.remote("reading \(url): asked for bytes 995-1004 (10 bytes) but the answer held 5")) {
            try await store.read("r/data.bin", range: 995..<1005, ifMatch: nil)
        }
        await #expect(throws: ConnectorError.remote("reading \(url): bytes 1000-1009 are past the blob's end (it is shorter than expected)")) {
            try await store.read("r/data.bin", range: 1000..<1010, ifMatch: nil)
        }
        // A server answering short is caught.
        try await server.inject(store, op: "GetBlob", short: true)
        await #expect(throws: ConnectorError.remote("reading \(url): asked for bytes 100-199 (100 bytes) but the answer held 99")) {
            try await store.read("r/data.bin", range: 100..<200, ifMatch: nil)
        }
        await #expect(throws: ConnectorError.remote("az://\(store.container)/r/gone.bin no longer exists: it was deleted while being read")) {
            try await store.read("r/gone.bin", range: 0..<10, ifMatch: nil)
        }
    }

    @Test func ifMatchFailsAfterReplacement() async throws {
        let server = try AzureStandIn()
        let store = try await server.newContainer("ifmatch")
        try await store.put("v.txt", bytes: Array("version one".utf8))
        let first = try #require(try await store.info("v.txt"))
        let firstTag = try #require(first.etag)
        #expect(try await store.read("v.txt", range: 0..<7, ifMatch: firstTag) == Array("version".utf8))
        try await store.put("v.txt", bytes: Array("version two!".utf8))
        let second = try #require(try await store.info("v.txt"))
        #expect(second.etag != first.etag)
        #expect(second.size == 12)
        await #expect(
            throws: ConnectorError.remote("az://\(store.container)/v.txt changed while being read (its ETag is no longer \(firstTag)); run again to read the new version")
        ) {
            try await store.read("v.txt", range: 0..<7, ifMatch: firstTag)
        }
        #expect(try await store.read("v.txt", range: 8..<12, ifMatch: second.etag) == Array("two!".utf8))
        // Deleted (by the SDK) while being read.
        #expect(try await server.sdk("c.delete_blob(args[0]); print(c.get_blob_client(args[0]).exists())", container: store.container, ["v.txt"]) == "False\n")
        #expect(try await store.info("v.txt") == nil)
        await #expect(throws: ConnectorError.remote("az://\(store.container)/v.txt no longer exists: it was deleted while being read")) {
            try await store.read("v.txt", range: 0..<7, ifMatch: second.etag)
        }
    }

    @Test func theSDKReadsWhatSluicePuts() async throws {
        let server = try AzureStandIn()
        let store = try await server.newContainer("sdkreads")
        let names = ["plain.bin", "dir/a b+c=d&e ü 日本 %41#?.bin"]
        for (n, name) in names.enumerated() { try await store.put(name, bytes: pattern(3000 + n, seed: 40 + n)) }
        try await store.put("empty.bin", bytes: [])
        let out = try await server.sdk(
            #"""
            for name in args:
                data = c.download_blob(name).readall()
                print(len(data), base64.b64encode(data).decode())
            print(sorted(b.name for b in c.list_blobs()) == sorted(args + ["empty.bin"]))
            print(c.get_blob_client("empty.bin").get_blob_properties().size)
            """#, container: store.container, names)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (n, _) in names.enumerated() {
            let parts = lines[n].split(separator: " ")
            #expect(parts.first == "\(3000 + n)")
            #expect(parts.last.flatMap { Data(base64Encoded: String($0)) }.map(Array.init) == pattern(3000 + n, seed: 40 + n))
        }
        #expect(lines[names.count] == "True")
        #expect(lines[names.count + 1] == "0")
        #expect(try await store.info("empty.bin")?.size == 0)
    }

    @Test func sluiceReadsWhatTheSDKUploads() async throws {
        let server = try AzureStandIn()
        let store = try await server.newContainer("sdkwrites")
        // One blob in a single Put Blob, one in 4 KiB blocks (Put Block, Put Block List).
        _ = try await server.sdk(
            #"""
            c.upload_blob(args[0], bytes((i * 7 + 3) % 256 for i in range(5000)))
            client(max_single_put_size=4096, max_block_size=4096).upload_blob(args[1], bytes((i * 13 + 5) % 256 for i in range(10000)))
            """#, container: store.container, ["one put.bin", "blocks/ü+.bin"])
        #expect(try await server.counts(store)["PutBlock"] == 3)
        let listed = try await store.list(prefix: "", limit: 10)
        #expect(listed.map(\.key) == ["blocks/ü+.bin", "one put.bin"])
        #expect(listed.map(\.size) == [10000, 5000])
        let one = try await store.read("one put.bin", range: 0..<5000, ifMatch: listed[1].etag)
        let expectedOne: [UInt8] = (0..<5000).map { (i: Int) -> UInt8 in UInt8(truncatingIfNeeded: i * 7 + 3) }
        #expect(one == expectedOne)
        let blocks = try await store.read("blocks/ü+.bin", range: 4000..<4200, ifMatch: listed[0].etag)
        let expectedBlocks: [UInt8] = (4000..<4200).map { (i: Int) -> UInt8 in UInt8(truncatingIfNeeded: i * 13 + 5) }
        #expect(blocks == expectedBlocks)
    }

    @Test func multiBlockUploadIsReadBackByTheSDK() async throws {
        let server = try AzureStandIn()
        let store = try await server.newContainer("blocks")
        let parts = (1...5).map { pattern(1000 + $0, seed: $0) }
        let last = pattern(77, seed: 99)
        let upload = try await store.startUpload("out/part 0+ü.bin")
        // Out of order and at once, as the writer sends them.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for number in [3, 1, 5, 2, 4] { group.addTask { try await upload.upload(part: number, bytes: parts[number - 1]) } }
            try await group.waitForAll()
        }
        // Nothing is visible before the commit.
        #expect(try await store.info("out/part 0+ü.bin") == nil)
        #expect(try await store.list(prefix: "out/", limit: 10) == [])
        try await upload.complete(parts: 5, lastPart: last)
        let counts = try await server.counts(store)
        #expect(counts["PutBlock"] == 6)
        #expect(counts["PutBlockList"] == 1)
        let expected = parts.flatMap { $0 } + last
        let out = try await server.sdk(
            "print(base64.b64encode(c.download_blob(args[0]).readall()).decode())", container: store.container, ["out/part 0+ü.bin"])
        #expect(Data(base64Encoded: out.trimmingCharacters(in: .whitespacesAndNewlines)).map(Array.init) == expected)
        #expect(try await store.info("out/part 0+ü.bin")?.size == expected.count)

        // Block ids: one length, the upload's tag, the part number.
        let blockUpload = try #require(upload as? AzureBlockUpload)
        let id = try #require(Data(base64Encoded: blockUpload.blockID(7)))
        #expect(String(decoding: id, as: UTF8.self) == blockUpload.tag + "-000007")
        #expect(blockUpload.blockID(1).count == blockUpload.blockID(50_000).count)

        // An upload of nothing makes an empty blob; an empty last part adds no block.
        let empty = try await store.startUpload("out/empty.bin")
        try await empty.complete(parts: 0, lastPart: [])
        #expect(try await store.info("out/empty.bin")?.size == 0)
        let exact = try await store.startUpload("out/exact.bin")
        try await exact.upload(part: 1, bytes: parts[0])
        try await exact.complete(parts: 1, lastPart: [])
        #expect(try await store.read("out/exact.bin", range: 0..<parts[0].count, ifMatch: nil) == parts[0])
        #expect(try await server.counts(store)["PutBlock"] == 7)
        await #expect(throws: ConnectorError.remote("writing block 50001 of az://\(store.container)/out/exact.bin: a block blob has at most 50000 blocks; raise storage.partSizeMiB")) {
            try await exact.upload(part: 50_001, bytes: [1])
        }
    }

    @Test func anUploadNeverCompletedLeavesNoBlob() async throws {
        let server = try AzureStandIn()
        let store = try await server.newContainer("abort")
        let upload = try await store.startUpload("never.bin")
        try await upload.upload(part: 1, bytes: pattern(500, seed: 1))
        try await upload.upload(part: 2, bytes: pattern(500, seed: 2))
        await upload.abort()
        #expect(try await store.info("never.bin") == nil)
        #expect(try await store.list(prefix: "", limit: 10) == [])
        // An existing blob is left as it was by an abandoned upload to its name.
        try await store.put("kept.bin", bytes: Array("old".utf8))
        let replacing = try await store.startUpload("kept.bin")
        try await replacing.upload(part: 1, bytes: pattern(500, seed: 3))
        await replacing.abort()
        #expect(try await store.read("kept.bin", range: 0..<3, ifMatch: nil) == Array("old".utf8))
        let out = try await server.sdk(
            "print(c.get_blob_client(args[0]).exists(), [b.name for b in c.list_blobs()])", container: store.container, ["never.bin"])
        #expect(out == "False ['kept.bin']\n")
    }

    @Test func failedRequestsAreRetried() async throws {
        let server = try AzureStandIn()
        let store = try await server.newContainer("retry")
        try await server.inject(store, op: "PutBlock", status: 500)
        try await server.inject(store, op: "PutBlockList", status: 503)
        let upload = try await store.startUpload("r.bin")
        try await upload.upload(part: 1, bytes: pattern(2000, seed: 5))
        try await upload.upload(part: 2, bytes: pattern(2000, seed: 6))
        try await upload.complete(parts: 2, lastPart: pattern(10, seed: 7))
        let counts = try await server.counts(store)
        #expect(counts["PutBlock"] == 4)
        #expect(counts["PutBlockList"] == 2)
        let out = try await server.sdk("print(base64.b64encode(c.download_blob(args[0]).readall()).decode())", container: store.container, ["r.bin"])
        #expect(
            Data(base64Encoded: out.trimmingCharacters(in: .whitespacesAndNewlines)).map(Array.init)
                == pattern(2000, seed: 5) + pattern(2000, seed: 6) + pattern(10, seed: 7))

        // A stalled read times out and is sent again.
        // (The timeout leaves room for a loaded machine; the stall is well past it.)
        var quick = server.config(timeoutSeconds: 1.5)
        quick.retries = 2
        let impatient = try server.store(store.container, quick)
        try await server.inject(store, op: "GetBlob", stall: 6)
        #expect(try await impatient.read("r.bin", range: 0..<10, ifMatch: nil) == Array(pattern(2000, seed: 5)[0..<10]))
        #expect(try await server.counts(store)["GetBlob"] == 3)  // the SDK's read, the stalled one, the retry

        // When the attempts run out, the last answer is the error.
        let once = try server.store(store.container, server.config(retries: 1))
        try await server.inject(store, op: "PutBlob", count: 2, status: 500)
        await #expect(throws: ConnectorError.remote("writing az://\(store.container)/p.bin failed: HTTP 500 InternalError: fault injected by the test")) {
            try await once.put("p.bin", bytes: [1, 2, 3])
        }
        #expect(try await store.info("p.bin") == nil)
    }

    /// Makes an account SAS with the SDK (`generate_account_sas`) for `permission`.
    static let makeSAS = #"""
        import datetime
        from azure.storage.blob import generate_account_sas, ResourceTypes, AccountSasPermissions
        expiry = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
        print(generate_account_sas(account, key, resource_types=ResourceTypes(container=True, object=True),
                                   permission=AccountSasPermissions.from_string(args[0]), expiry=expiry))
        """#

    @Test func sasAuthenticatedReads() async throws {
        let server = try AzureStandIn()
        let store = try await server.newContainer("sas")
        try await store.put("s/data.csv", bytes: Array("id,name\n1,ä\n".utf8))
        let token = try await server.sdk(Self.makeSAS, container: store.container, ["rl"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.contains("sig="))
        var config = ObjectStorageConfig()
        config.endpoint = server.endpoint
        config.sasToken = "?" + token
        config.retries = 0
        let sas = try server.store(store.container, config)
        #expect(try await sas.list(prefix: "s/", limit: 10).map(\.key) == ["s/data.csv"])
        #expect(try await sas.info("s/data.csv")?.size == 13)
        #expect(try await sas.read("s/data.csv", range: 8..<13, ifMatch: nil) == Array("1,ä\n".utf8))
        // The same token from the environment.
        let fromEnvironment = try server.store(store.container, { var c = config; c.sasToken = nil; return c }(), environment: ["AZURE_STORAGE_SAS_TOKEN": token])
        #expect(try await fromEnvironment.read("s/data.csv", range: 0..<2, ifMatch: nil) == Array("id".utf8))

        // Writing needs a permission this token lacks; the message never shows the token.
        let hint = " (check the SAS token: its signature, expiry and permissions)"
        do {
            try await sas.put("s/new.csv", bytes: [1])
            Issue.record("the write was allowed")
        } catch {
            #expect(
                error as? ConnectorError
                    == .remote(
                        "writing az://\(store.container)/s/new.csv failed: HTTP 403 AuthorizationPermissionMismatch: This request is not authorized to perform this operation using this permission."
                            + hint))
            let signature = token.split(separator: "&").first { $0.hasPrefix("sig=") }.map { String($0.dropFirst(4)) } ?? "sig"
            #expect(!"\(error)".contains(signature) && !"\(error)".contains(token))
        }
        // A token whose signature does not match is refused.
        var tampered = config
        tampered.sasToken = token.replacingOccurrences(of: "sp=rl", with: "sp=rwl")
        #expect(tampered.sasToken != config.sasToken)
        await #expect(
            throws: ConnectorError.remote(
                "reading az://\(store.container)/s/data.csv failed: HTTP 403 AuthenticationFailed: Server failed to authenticate the request. Signature did not match."
                    + hint)
        ) {
            try await server.store(store.container, tampered).read("s/data.csv", range: 0..<2, ifMatch: nil)
        }
    }

    @Test func anonymousReadsOfAPublicContainer() async throws {
        let server = try AzureStandIn()
        let store = try await server.newContainer("public", headers: [("x-ms-blob-public-access", "container")])
        try await store.put("pub.txt", bytes: Array("open".utf8))
        var config = ObjectStorageConfig()
        config.endpoint = server.endpoint
        config.anonymous = true
        let anonymous = try server.store(store.container, config)
        #expect(try await anonymous.list(prefix: "", limit: 10).map(\.key) == ["pub.txt"])
        #expect(try await anonymous.read("pub.txt", range: 0..<4, ifMatch: nil) == Array("open".utf8))
        await #expect(
            throws: ConnectorError.remote(
                "writing az://\(store.container)/pub.txt failed: HTTP 404 ResourceNotFound: The specified resource does not exist.")
        ) {
            try await anonymous.put("pub.txt", bytes: [0])
        }
    }
}
