import Hummingbird
import NIOCore
import SluiceCore
import SluiceEngine

/// Builds JSON responses from ``Value``s with Sluice's own serializer (keys in order).
enum JSONResponse {
    static func make(_ value: Value, status: HTTPResponse.Status = .ok) -> Response {
        var bytes = JSONText.bytes(value)
        bytes.append(0x0A)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

extension Request {
    /// The body decoded as `T` (a job or schedule spec); a bad field is a 400 naming its path.
    /// The body read as the spec `name` of `reader`'s grammar (`job`, `schedule`,
    /// `pipeline`): every problem is a 400 naming its path.
    mutating func decodedSpec<T: Decodable>(_ type: T.Type, as name: String, reader: SpecReader, limit: Int) async throws -> T {
        try reader.decoded(type, as: name, try await jsonBody(limit: limit))
    }

    /// The body parsed as JSON, within the size limit. A body must say
    /// `Content-Type: application/json` (415 otherwise: a web page cannot send that type to
    /// another origin without asking first, so a browser cannot be made to submit jobs), be
    /// valid UTF-8 (400 with the offset of the first bad byte), and be well-formed JSON (400
    /// naming the spot; a number beyond a double's range, such as `1e400`, is an error there
    /// too). A body whose HTTP framing is broken (a bad chunk size) is a 400 as well.
    mutating func jsonBody(limit: Int) async throws -> Value {
        guard Self.isJSON(headers[.contentType]) else {
            throw APIError(
                .unsupportedMediaType,
                "request bodies must be sent with Content-Type: application/json, got \(headers[.contentType].map { "'\($0)'" } ?? "none")")
        }
        let buffer = try await limitedBody(limit)
        guard buffer.readableBytes > 0 else { throw APIError(.badRequest, "request body is empty; expected a JSON object") }
        if let offset = buffer.withUnsafeReadableBytes({ Self.firstInvalidUTF8($0) }) {
            throw APIError(.badRequest, "request body is not valid UTF-8 at byte \(offset)")
        }
        do {
            return try buffer.withUnsafeReadableBytes { raw in try JSONParser.parse(raw, outOfRangeNumbers: .error) }
        } catch let error as JSONParseError {
            throw APIError(.badRequest, "request body is not valid JSON: \(error.description)")
        }
    }

    /// The whole body, within the size limit (`NIOTooManyBytesError` over it, which the
    /// ``ErrorMiddleware`` answers with 413); a body whose HTTP framing is broken is a 400.
    mutating func limitedBody(_ limit: Int) async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: limit)
        } catch let error as NIOTooManyBytesError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            throw APIError(malformedRequest: error)
        }
    }

    /// The media type of the Content-Type header, lowercased and without parameters.
    var mediaType: String? {
        headers[.contentType].flatMap { $0.split(separator: ";", maxSplits: 1).first }.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
    }

    /// Whether a Content-Type names JSON (`application/json`, parameters such as a charset allowed).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return mediaType == "application/json"
    }

    /// The offset of the first byte that does not belong to valid UTF-8, or `nil`.
    static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }
}

extension SpecReader {
    /// `value` read as the spec `name`; every problem is a 400 listing each path.
    func decoded<T: Decodable>(_ type: T.Type, as name: String, _ value: Value) throws -> T {
        do {
            return try read(type, as: name, value)
        } catch {
            throw APIError(specErrors: error)
        }
    }
}
