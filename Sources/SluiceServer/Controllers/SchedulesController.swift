import Hummingbird
import SluiceCore
import SluiceEngine
import SluiceScheduling

/// `GET/POST /schedules`, `GET/PUT/PATCH/DELETE /schedules/:id`, `GET /schedules/:id/runs`,
/// `POST /schedules/:id/trigger`, `POST /schedules/validate` and `GET /scheduler/queue`.
struct SchedulesController<Context: RequestContext> {
    let coordinator: ScheduleCoordinator
    let maxBodyBytes: Int

    var service: JobService { coordinator.service }

    func addRoutes(to router: Router<Context>) {
        router.get("/schedules", use: list)
        router.post("/schedules", use: create)
        router.post("/schedules/validate", use: validate)
        router.get("/schedules/:id", use: show)
        router.put("/schedules/:id", use: replace)
        router.patch("/schedules/:id", use: update)
        router.delete("/schedules/:id", use: delete)
        router.get("/schedules/:id/runs", use: runs)
        router.post("/schedules/:id/trigger", use: trigger)
        router.get("/scheduler/queue", use: queue)
    }

    /// Explains a cron expression (`{"cron": "0 9 * * 1-5", "timeZone": "Europe/Berlin"}`) or
    /// an interval: what it means and its next 5 fire times, or its error with the position.
    @Sendable func validate(_ request: Request, context: Context) async throws -> Response {
        var request = request
        guard case .object(let body) = try await request.jsonBody(limit: maxBodyBytes) else {
            throw APIError(.badRequest, #"expected {"cron": "…", "timeZone": "…"} or {"interval": "15m"}"#)
        }
        var spec = ValueObject()
        spec["id"] = .string("validate")
        for key in ["cron", "interval", "timeZone"] { if let value = body[key] { spec[key] = value } }
        let schedule = try service.reader.decoded(ScheduleSpec.self, as: "schedule", .object(spec))
        do {
            let fireTimes = try ScheduleCoordinator.fireTimes(schedule)
            var o = ValueObject()
            o["valid"] = .bool(true)
            o["explanation"] = .string(fireTimes.explain(after: .now()))
            o["nextFireTimes"] = .array(fireTimes.nextFireTimes(after: .now(), count: 5).map(Value.timestamp))
            return JSONResponse.make(.object(o))
        } catch {
            var o = ValueObject()
            o["valid"] = .bool(false)
            o["path"] = .string(error.path)
            o["error"] = .string(error.message)
            return JSONResponse.make(.object(o), status: .badRequest)
        }
    }

    @Sendable func runs(_ request: Request, context: Context) async throws -> Response {
        let id = try await existing(context).id
        let limit = request.uri.queryParameters.get("limit").flatMap { Int($0) }.map { max(1, min($0, 1000)) } ?? 100
        let runs = try await coordinator.runs(id: id, limit: limit)
        var shown: [Value] = []
        for run in runs {
            guard case .object(var o) = Presentation.scheduleRun(run) else { continue }
            // The run's job stats, from its job record.
            if let jobId = run.jobId, let job = try await service.store.job(id: jobId), let stats = job.stats {
                o["stats"] = Presentation.stats(stats)
            }
            shown.append(.object(o))
        }
        return JSONResponse.make(["runs": .array(shown), "count": .int(runs.count)])
    }

    @Sendable func trigger(_ request: Request, context: Context) async throws -> Response {
        let id = try await existing(context).id
        let run: RunRecord
        do {
            run = try await coordinator.trigger(id: id)
        } catch let error as SchedulerError {
            throw APIError(.conflict, "\(error)", path: "id")
        }
        return JSONResponse.make(Presentation.scheduleRun(run), status: .accepted)
    }

    @Sendable func queue(_ request: Request, context: Context) async throws -> Response {
        let queued = await coordinator.queue()
        return JSONResponse.make(["queue": .array(queued.map(Presentation.scheduleRun)), "count": .int(queued.count)])
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let schedules = try await service.store.schedules()
        return JSONResponse.make(["schedules": .array(schedules.map(Presentation.schedule)), "count": .int(schedules.count)])
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        var request = request
        let spec = try await request.decodedSpec(ScheduleSpec.self, as: "schedule", reader: service.reader, limit: maxBodyBytes)
        let stored = try await answering { try await coordinator.create(spec) }
        return JSONResponse.make(Presentation.schedule(stored), status: .created)
    }

    /// The schedule with its next 5 fire times.
    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let schedule = try await existing(context)
        guard case .object(var o) = Presentation.schedule(schedule) else { return JSONResponse.make(Presentation.schedule(schedule)) }
        o["nextFireTimes"] = .array(ScheduleCoordinator.nextFireTimes(schedule, count: 5).map(Value.timestamp))
        return JSONResponse.make(.object(o))
    }

    /// Replaces the schedule with the body (whose `id`, when given, must be the path's).
    @Sendable func replace(_ request: Request, context: Context) async throws -> Response {
        let id = try await existing(context).id
        var request = request
        let body = try await request.jsonBody(limit: maxBodyBytes)
        let stored = try await answering { try await coordinator.replace(try decode(body, id: id)) }
        return JSONResponse.make(Presentation.schedule(stored))
    }

    /// Changes the fields the body names (`{"enabled": false}`), keeping the others.
    @Sendable func update(_ request: Request, context: Context) async throws -> Response {
        let id = try await existing(context).id
        var request = request
        guard case .object(let changes) = try await request.jsonBody(limit: maxBodyBytes) else {
            throw APIError(.badRequest, "expected a JSON object of the fields to change")
        }
        try APIError.checkBodyID(changes, matches: id)
        guard let stored = try await answering({ try await coordinator.patch(id: id, changes: changes) }) else {
            throw APIError(.notFound, "no schedule with id '\(id)'", path: "id")
        }
        return JSONResponse.make(Presentation.schedule(stored))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard try await answering({ try await coordinator.delete(id: id) }) else {
            throw APIError(.notFound, "no schedule with id '\(id)'", path: "id")
        }
        return JSONResponse.make(["deleted": .string(id)])
    }

    private func existing(_ context: Context) async throws -> ScheduleSpec {
        let id = context.parameters.get("id") ?? ""
        guard let schedule = try await service.store.schedule(id: id) else {
            throw APIError(.notFound, "no schedule with id '\(id)'", path: "id")
        }
        return schedule
    }

    /// The body as a schedule with the path's `id`.
    private func decode(_ body: Value, id: String) throws -> ScheduleSpec {
        guard case .object(var object) = body else { throw APIError(.badRequest, "expected a JSON object") }
        try APIError.checkBodyID(object, matches: id)
        object["id"] = .string(id)
        return try service.reader.decoded(ScheduleSpec.self, as: "schedule", .object(object))
    }

    /// Runs `body`, turning schedule errors into API errors.
    private func answering<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ScheduleError {
            throw APIError(error) { "a schedule with id '\($0)' exists" }
        }
    }
}
