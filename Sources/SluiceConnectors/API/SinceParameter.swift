import SluiceCore

/// An incremental API read: the query parameter that carries the stored watermark
/// (`?updated_since=2024-05-01T00:00:00Z`), so the API sends only what changed. The engine
/// still drops the records at or before the watermark exactly, as for every source.
public struct SinceParameter: Sendable, Equatable {
    /// How the watermark is written into the parameter.
    public enum Format: String, Sendable, CaseIterable {
        /// As ISO 8601 for a timestamp, as it is for anything else.
        case iso8601
        /// Seconds since the Unix epoch (a timestamp, or an ISO 8601 string, converted).
        case unix
        /// Milliseconds since the Unix epoch.
        case unixMs
    }

    public var parameter: String
    public var format: Format

    /// The `since` block as written.
    public struct Config: Decodable, Sendable, Equatable {
        public var param: String
        public var format: String?
    }

    public init(config: Config) throws(SpecError) {
        guard !config.param.isEmpty else { throw SpecError(path: "since.param", "must name a query parameter") }
        guard let format = Format(rawValue: config.format ?? "iso8601") else {
            throw SpecError(path: "since.format", "unknown value '\(config.format ?? "")'; expected one of iso8601, unix, unixMs")
        }
        parameter = config.param
        self.format = format
    }

    /// The declaration of the `since` key.
    public static let field = FieldShape.optional(
        "since",
        .object([
            .required("param", .nonEmptyText, "The query parameter that carries the watermark (`updated_since`)."),
            .optional("format", .choice(Format.self), default: "iso8601", "How the watermark is written: ISO 8601, or Unix seconds or milliseconds."),
        ]),
        "With `incremental`: send the stored watermark as this query parameter, so the API answers only what changed "
            + "(the engine still drops the records at or before the watermark exactly). Nothing is sent on a first run without `initialValue`.")

    /// The parameter's value for a watermark, or nil when it cannot be written in this format.
    func text(for value: Value) -> String? {
        let instant: Timestamp?
        switch value {
        case .timestamp(let time): instant = time
        case .string(let text): instant = Timestamp(iso8601: text)
        default: instant = nil
        }
        switch format {
        case .iso8601:
            switch value {
            case .timestamp(let time): return time.iso8601
            case .string(let text): return text
            case .int(let number): return String(number)
            case .double(let number): return number.isFinite ? String(number) : nil
            default: return nil
            }
        case .unix, .unixMs:
            let divisor: Int64 = format == .unix ? 1_000_000 : 1000
            if let instant { return String(instant.microseconds / divisor) }
            switch value {
            case .int(let number): return String(number)
            case .double(let number): return number.isFinite && abs(number) < 9e15 ? String(Int64(number)) : nil
            default: return nil
            }
        }
    }
}
