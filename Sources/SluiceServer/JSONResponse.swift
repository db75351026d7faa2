import Hummingbird
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

    /// The body parsed as JSON, within the size limit; malformed JSON is a 400 naming the spot.
    mutating func jsonBody(limit: Int) async throws -> Value {
        let buffer = try await collectBody(upTo: limit)
        guard buffer.readableBytes > 0 else { throw APIError(.badRequest, "request body is empty; expected a JSON object") }
        do {
            return try buffer.withUnsafeReadableBytes { raw in try JSONParser.parse(raw) }
        } catch let error as JSONParseError {
            throw APIError(.badRequest, "request body is not valid JSON: \(error.description)")
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
