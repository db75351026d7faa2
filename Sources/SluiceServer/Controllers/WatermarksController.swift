import Hummingbird
import SluiceCore
import SluiceEngine

/// `GET /watermarks` lists the stored watermarks of incremental sources;
/// `DELETE /watermarks?key=…` forgets one, so the next run starts over from `initialValue`.
/// (Keys hold `/` and `:`, so they travel as a query parameter, not a path segment.)
struct WatermarksController<Context: RequestContext> {
    let service: JobService

    func addRoutes(to router: Router<Context>) {
        router.get("/watermarks", use: list)
        router.delete("/watermarks", use: delete)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let records = try await service.store.watermarks()
        return JSONResponse.make(["watermarks": .array(records.map(Self.present)), "count": .int(records.count)])
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        guard let key = request.uri.queryParameters.get("key"), !key.isEmpty else {
            throw APIError(.badRequest, "give the watermark to forget as ?key=…", path: "key")
        }
        guard try await service.store.deleteWatermark(key: key) else {
            throw APIError(.notFound, "no watermark with key '\(key)'", path: "key")
        }
        return JSONResponse.make(["deleted": .string(key)])
    }

    static func present(_ record: WatermarkRecord) -> Value {
        var object = ValueObject()
        object.appendUnchecked(key: "key", value: .string(record.key))
        object.appendUnchecked(key: "cursorField", value: .string(record.cursorField))
        let value: Value
        if case .timestamp(let t) = record.watermark.value { value = .string(t.iso8601) } else { value = record.watermark.value }
        object.appendUnchecked(key: "value", value: value)
        object.appendUnchecked(key: "boundaryRows", value: .int(record.watermark.boundaryKeys.count))
        object.appendUnchecked(key: "jobId", value: .string(record.jobId))
        object.appendUnchecked(key: "updatedAt", value: .string(Timestamp(milliseconds: record.updatedAt).iso8601))
        return .object(object)
    }
}
