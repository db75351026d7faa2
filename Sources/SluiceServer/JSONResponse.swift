import Hummingbird
import SluiceCore

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
    mutating func decodedBody<T: Decodable>(_ type: T.Type, limit: Int) async throws -> T {
        let body = try await jsonBody(limit: limit)
        do {
            return try ValueDecoder().decode(type, from: body)
        } catch {
            throw APIError(.badRequest, error.message, path: error.path)
        }
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
