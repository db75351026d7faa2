import Hummingbird
import SluiceCore
import SluiceEngine

/// `GET /components` (every component with its config keys) and `GET /schemas/:name`
/// (`job.json`, `schedule.json`, `pipeline.json`: JSON Schemas for editors).
struct ComponentsController<Context: RequestContext> {
    let service: JobService

    func addRoutes(to router: Router<Context>) {
        router.get("/components", use: components)
        router.get("/schemas/:name", use: schema)
    }

    @Sendable func components(_ request: Request, context: Context) async throws -> Response {
        JSONResponse.make(ComponentCatalog.listing(registry: service.planner.registry))
    }

    @Sendable func schema(_ request: Request, context: Context) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        let roots = ["job.json": "job", "schedule.json": "schedule", "pipeline.json": "pipeline"]
        guard let root = roots[name] else {
            throw APIError(.notFound, "no schema '\(name)'; expected one of job.json, schedule.json, pipeline.json", path: "name")
        }
        var response = JSONResponse.make(ComponentCatalog.schema(of: root, registry: service.planner.registry))
        response.headers[.contentType] = "application/schema+json"
        return response
    }
}
