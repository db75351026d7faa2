import Hummingbird
import SluiceCore
import SluiceEngine

/// An error answered as `{"error": {"message", "path"}}` with an HTTP status.
struct APIError: Error {
    let status: HTTPResponse.Status
    let message: String
    let path: String?
    /// Further errors when several were found (`sluice validate` shows them all too).
    let all: [SpecError]

    init(_ status: HTTPResponse.Status, _ message: String, path: String? = nil, all: [SpecError] = []) {
        self.status = status
        self.message = message
        self.path = path
        self.all = all
    }

    /// A 400 (or 403 for a forbidden path) listing every problem of a spec; the first leads.
    init(planError: JobPlanError) {
        let first = planError.errors.first ?? SpecError("invalid job spec")
        self.init(planError.forbidden ? .forbidden : .badRequest, first.message, path: first.path, all: planError.errors)
    }

    /// A 400 listing every problem of a spec; the first leads.
    init(specErrors: SpecErrors) {
        let first = specErrors.errors.first ?? SpecError("invalid spec")
        self.init(.badRequest, first.message, path: first.path, all: specErrors.errors)
    }

    /// A refused schedule or pipeline: 400 for an invalid field or job (403 for a forbidden
    /// path), 409 for an id in use or a conflict; `duplicate` words the id-in-use message.
    init(_ error: ScheduleError, duplicate: (String) -> String) {
        switch error {
        case .invalid(let specError): self.init(.badRequest, specError.message, path: specError.path)
        case .invalidJob(let planError): self.init(planError: planError)
        case .duplicate(let id): self.init(.conflict, duplicate(id), path: "id")
        case .conflict(let specError): self.init(.conflict, specError.message, path: specError.path)
        }
    }

    /// A 400 for a request whose HTTP framing could not be read (a bad chunk size, a body cut
    /// short): `malformed HTTP request: invalid character in chunk size header`.
    init(malformedRequest error: any Error) {
        self.init(.badRequest, "malformed HTTP request: \(error)")
    }

    /// Refuses a body whose `id`, when given, is not the one in the request path.
    static func checkBodyID(_ body: ValueObject, matches id: String) throws {
        if let given = body["id"], given != .string(id) {
            throw APIError(.badRequest, "id \(JSONText.string(given)) does not match the path's '\(id)'", path: "id")
        }
    }

    /// The JSON body.
    var body: Value {
        var error = ValueObject()
        error["message"] = .string(message)
        error["path"] = path.map(Value.string) ?? .null
        var o = ValueObject()
        o["error"] = .object(error)
        if all.count > 1 {
            o["errors"] = .array(all.map { ["message": .string($0.message), "path": .string($0.path)] })
        }
        return .object(o)
    }
}

