import Hummingbird
import SluiceCore
import SluiceEngine

/// `GET /schedules` and `POST /schedules`.
struct SchedulesController<Context: RequestContext> {
    let service: JobService
    let maxBodyBytes: Int

    func addRoutes(to router: Router<Context>) {
        router.get("/schedules", use: list)
        router.post("/schedules", use: create)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let schedules = try await service.store.schedules()
        return JSONResponse.make(["schedules": .array(schedules.map(Presentation.schedule)), "count": .int(schedules.count)])
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let spec = try await request.decodedBody(ScheduleSpec.self, limit: maxBodyBytes)
        do {
            let stored = try await service.createSchedule(spec)
            return JSONResponse.make(Presentation.schedule(stored), status: .created)
        } catch let error as ScheduleError {
            switch error {
            case .invalid(let specError): throw APIError(.badRequest, specError.message, path: specError.path)
            case .invalidJob(let planError): throw APIError(planError: planError)
            case .duplicate(let id): throw APIError(.conflict, "a schedule with id '\(id)' exists", path: "id")
            }
        }
    }
}
