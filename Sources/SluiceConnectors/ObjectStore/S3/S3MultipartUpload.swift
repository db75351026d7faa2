// Written for Sluice: S3's multipart upload (CreateMultipartUpload, UploadPart,
// CompleteMultipartUpload, AbortMultipartUpload) over AsyncHTTPClient; no AWS SDK is in the
// package mirror.
import SluiceCore
import Synchronization

/// One multipart upload to S3: parts are uploaded (several at once) while the job runs, and
/// the object appears only when ``complete(parts:lastPart:)`` sends the part list. ``abort()``
/// deletes the upload and every part stored so far.
final class S3MultipartUpload: ObjectUpload {
    private let store: S3Store
    private let key: String
    private let uploadID: String
    /// The ETag S3 gave each uploaded part, by part number.
    private let etags = Mutex<[Int: String]>([:])

    init(store: S3Store, key: String, uploadID: String) {
        self.store = store
        self.key = key
        self.uploadID = uploadID
    }

    private var query: [(name: String, value: String)] { [("uploadId", uploadID)] }

    func upload(part number: Int, bytes: [UInt8]) async throws {
        let what = "uploading part \(number) of \(store.url(of: key))"
        let store = self.store
        let key = self.key
        let query = self.query + [("partNumber", String(number))]
        let response = try await store.send(what) {
            store.request(.PUT, key: key, query: query, headers: [("content-length", String(bytes.count))], body: bytes)
        }
        guard response.status == 200 else { throw store.failure(what, response) }
        guard let etag = response.headers.first(name: "ETag") else { throw ConnectorError.remote("\(what): the answer has no ETag") }
        etags.withLock { $0[number] = etag }
    }

    func complete(parts: Int, lastPart: [UInt8]) async throws {
        var count = parts
        if !lastPart.isEmpty || parts == 0 {
            count += 1
            try await upload(part: count, bytes: lastPart)
        }
        let tags = etags.withLock { $0 }
        var document = "<CompleteMultipartUpload>"
        for number in 1...count {
            guard let etag = tags[number] else { throw ConnectorError.remote("completing \(store.url(of: key)): part \(number) was not uploaded") }
            document += "<Part><PartNumber>\(number)</PartNumber><ETag>\(ObjectXML.escape(etag))</ETag></Part>"
        }
        document += "</CompleteMultipartUpload>"
        let body = Array(document.utf8)
        let what = "completing the upload of \(store.url(of: key))"
        let store = self.store
        let key = self.key
        let query = self.query
        let response = try await store.send(what) {
            store.request(.POST, key: key, query: query, headers: [("content-length", String(body.count))], body: body)
        }
        // S3 may answer 200 with an error document when completing fails late.
        guard response.status == 200, ObjectXML(response.body).value("Code") == nil else { throw store.failure(what, response) }
    }

    func abort() async {
        let store = self.store
        let key = self.key
        let query = self.query
        _ = try? await store.send("aborting the upload of \(store.url(of: key))") { store.request(.DELETE, key: key, query: query) }
    }
}
