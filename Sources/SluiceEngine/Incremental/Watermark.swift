import SluiceCore

/// How far an incremental source has been loaded: the largest cursor value of the rows that
/// reached the target, and the keys of the rows holding exactly that value (so a row added
/// later with the same cursor value is still told apart from the ones already loaded).
public struct Watermark: Sendable, Equatable {
    /// The largest cursor value loaded.
    public var value: Value
    /// The keys (see ``IncrementalCut/key(of:row:)``) of the loaded rows whose cursor equals `value`.
    public var boundaryKeys: Set<String>

    public init(value: Value, boundaryKeys: Set<String> = []) {
        self.value = value
        self.boundaryKeys = boundaryKeys
    }

    /// The stored form: `{"type": "timestamp", "value": "2024-05-01T10:00:00.000Z", "boundaryKeys": […]}`.
    /// The type keeps a timestamp a timestamp (JSON alone would turn it into a string).
    public var json: Value {
        let type: String
        let stored: Value
        switch value {
        case .timestamp(let t):
            type = "timestamp"
            stored = .string(t.iso8601)
        default:
            type = value.kindName
            stored = value
        }
        var object = ValueObject()
        object.appendUnchecked(key: "type", value: .string(type))
        object.appendUnchecked(key: "value", value: stored)
        object.appendUnchecked(key: "boundaryKeys", value: .array(boundaryKeys.sorted().map(Value.string)))
        return .object(object)
    }

    /// Reads ``json``; `nil` when it is not a watermark.
    public init?(json: Value) {
        guard case .object(let object) = json, case .string(let type)? = object["type"], let stored = object["value"],
            case .array(let keys)? = object["boundaryKeys"]
        else { return nil }
        if type == "timestamp" {
            guard case .string(let text) = stored, let timestamp = Timestamp(iso8601: text) else { return nil }
            value = .timestamp(timestamp)
        } else {
            value = stored
        }
        var boundary = Set<String>()
        for key in keys {
            guard case .string(let text) = key else { return nil }
            boundary.insert(text)
        }
        boundaryKeys = boundary
    }
}

/// A stored watermark with what it belongs to.
public struct WatermarkRecord: Sendable, Equatable {
    /// The name it is stored under (``IncrementalSpec/stateKey`` or the default).
    public var key: String
    /// The source's cursor field.
    public var cursorField: String
    public var watermark: Watermark
    /// The job whose successful run saved it.
    public var jobId: String
    /// Milliseconds since the epoch.
    public var updatedAt: Int64

    public init(key: String, cursorField: String, watermark: Watermark, jobId: String, updatedAt: Int64) {
        self.key = key
        self.cursorField = cursorField
        self.watermark = watermark
        self.jobId = jobId
        self.updatedAt = updatedAt
    }
}

extension JobPlan {
    /// The name an incremental source's watermark is stored under: its `stateKey`, or else the
    /// source's secret-free location and the cursor field (`sqlite:/data/shop.db#orders@updated_at`).
    /// `nil` when the source is not incremental.
    public var watermarkKey: String? {
        guard let incremental = spec.source.incremental else { return nil }
        return incremental.stateKey ?? secrets.scrub("\(source.location)@\(incremental.cursorField)")
    }
}
