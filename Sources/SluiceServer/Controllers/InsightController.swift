import Hummingbird
import SluiceCore
import SluiceEngine

/// `GET /lineage/:entityId`, `GET /performance` and `GET /health`.
struct InsightController<Context: RequestContext> {
    let service: JobService
    /// `SLUICE_API_TOKEN`, when set: `/health` answers without it, but shows the last error
    /// of each dependency only to a caller that sends it.
    var apiToken: [UInt8]? = nil

    func addRoutes(to router: Router<Context>) {
        router.get("/lineage/:entityId", use: lineage)
        router.get("/performance", use: performance)
        router.get("/health", use: health)
    }

    @Sendable func lineage(_ request: Request, context: Context) async throws -> Response {
        let entityId = context.parameters.get("entityId") ?? ""
        guard let graph = try await service.store.lineage(of: entityId) else {
            throw APIError(.notFound, "no lineage recorded for entity '\(entityId)'", path: "entityId")
        }
        var o = ValueObject()
        o["entityId"] = .string(entityId)
        o["nodes"] = .array(graph.nodes.map(Presentation.lineageNode))
        o["edges"] = .array(graph.edges.map(Presentation.lineageEdge))
        return JSONResponse.make(.object(o))
    }

    @Sendable func performance(_ request: Request, context: Context) async throws -> Response {
        let summaries = try await service.performance()
        let throughput = try await service.throughput()
        var o = ValueObject()
        for phase in Phase.allCases {
            guard case .object(var summary)? = summaries[phase].map(Presentation.phaseSummary) else {
                o[phase.rawValue] = .null
                continue
            }
            if let rates = throughput[phase] {
                summary["recordsPerSecond"] = .double(rates.recordsPerSecond)
                if let mb = rates.mbPerSecond { summary["mbPerSecond"] = .double(mb) }
            }
            o[phase.rawValue] = .object(summary)
        }
        return JSONResponse.make(.object(o))
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        let report = try await service.health()
        let detailed = apiToken.map { token in
            let header = request.headers[.authorization] ?? ""
            return header.hasPrefix("Bearer ") && TokenAuthMiddleware<Context>.constantTimeEqual(Array(header.utf8.dropFirst(7)), token)
        } ?? true
        let dependencies: [Value] = report.dependencies.map { dependency in
            var o = ValueObject()
            o["endpoint"] = .string(dependency.endpoint)
            o["circuit"] = .string(dependency.circuit)
            o["consecutiveFailures"] = .int(dependency.consecutiveFailures)
            o["openUntil"] = dependency.openUntil.map(Value.string) ?? .null
            if detailed { o["lastError"] = dependency.lastError.map(Value.string) ?? .null }
            return .object(o)
        }
        return JSONResponse.make([
            "status": .string(report.status), "timestamp": .int(Int(report.timestamp)), "uptime": .double(report.uptime),
            "jobs": .int(report.jobs), "dlqSize": .int(report.dlqSize), "dependencies": .array(dependencies),
        ])
    }
}
