import SluiceCore

/// One `orderBy` entry of a `window` step: `{"field": "created_at", "direction": "desc"}`, or
/// just the field name for ascending order.
public struct WindowOrderSpec: Decodable, Sendable, Equatable {
    /// The field to sort by.
    public var field: String
    /// `asc` (the default) or `desc`.
    public var direction: String
    /// `last` (the default, as DuckDB's `NULLS LAST` in both directions) or `first`.
    public var nulls: String

    /// An order key.
    public init(field: String, direction: String = "asc", nulls: String = "last") {
        self.field = field
        self.direction = direction
        self.nulls = nulls
    }

    enum CodingKeys: String, CodingKey { case field, direction, nulls }

    /// Decodes an object, or a bare field name meaning ascending order.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let field = try? single.decode(String.self) {
            self.init(field: field)
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            field: try c.decode(String.self, forKey: .field),
            direction: try c.decodeIfPresent(String.self, forKey: .direction) ?? "asc",
            nulls: try c.decodeIfPresent(String.self, forKey: .nulls) ?? "last")
    }
}

/// One `functions` entry of a `window` step:
/// `{"function": "lag", "field": "amount", "as": "prev_amount", "offset": 1}`.
public struct WindowFunctionSpec: Decodable, Sendable, Equatable {
    /// The function name (see ``WindowFunctionKind``).
    public var function: String
    /// The input field: required by lag, lead, sum, avg, min and max; optional for count.
    public var field: String?
    /// The output field.
    public var `as`: String
    /// Rows back (lag) or ahead (lead); 1 when left out.
    public var offset: Int?
    /// What lag and lead give past the partition's edge; null when left out.
    public var `default`: Value?
    /// For sum, avg, count, min and max: the number of rows up to and including the current
    /// one that the function sees; left out, everything from the partition start.
    public var frame: Int?

    /// The largest `offset` and `frame` taken: a billion rows, more than any partition held
    /// in memory (and far from where `row + offset` could overflow).
    public static let maximumRows = 1_000_000_000

    /// A function spec.
    public init(function: String, field: String? = nil, as output: String, offset: Int? = nil, default: Value? = nil, frame: Int? = nil) {
        self.function = function
        self.field = field
        self.as = output
        self.offset = offset
        self.default = `default`
        self.frame = frame
    }
}

/// The functions of the `window` operation.
public enum WindowFunctionKind: String, Sendable, CaseIterable {
    case rowNumber = "row_number", rank, denseRank = "dense_rank", lag, lead, sum, avg, count, min, max

    /// Whether the function reads a field.
    var needsField: Bool {
        switch self {
        case .rowNumber, .rank, .denseRank, .count: return false
        case .lag, .lead, .sum, .avg, .min, .max: return true
        }
    }

    /// Whether the function aggregates over a frame.
    var isFrameAggregate: Bool {
        switch self {
        case .sum, .avg, .count, .min, .max: return true
        case .rowNumber, .rank, .denseRank, .lag, .lead: return false
        }
    }
}

/// A validated window function, ready to compute.
enum WindowFunction: Sendable {
    case rowNumber
    case rank
    case denseRank
    /// lag (negative `by`) or lead (positive): the field's value `by` rows away in the
    /// partition's order, or `fill` past its edge.
    case shift(field: String, by: Int, fill: Value)
    /// sum, avg, count, min or max over the last `frame` rows (`nil`: from the partition start).
    case aggregate(FrameAggregate.Function, field: String?, frame: Int?)

    /// Validates `spec`; errors carry paths relative to the spec (`field`, `offset`, …).
    init(_ spec: WindowFunctionSpec) throws(SpecError) {
        guard let kind = WindowFunctionKind(rawValue: spec.function) else {
            throw SpecError(
                path: "function",
                "unknown window function '\(spec.function)'; expected one of \(WindowFunctionKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard !spec.as.isEmpty else { throw SpecError(path: "as", "expected a non-empty output field name") }
        if kind.needsField, spec.field == nil { throw SpecError(path: "field", "required for \(kind.rawValue)") }
        if !kind.needsField, kind != .count, spec.field != nil {
            throw SpecError(path: "field", "\(kind.rawValue) takes no field")
        }
        if kind != .lag, kind != .lead {
            if spec.offset != nil { throw SpecError(path: "offset", "only lag and lead take an offset") }
            if spec.default != nil { throw SpecError(path: "default", "only lag and lead take a default") }
        }
        if !kind.isFrameAggregate, spec.frame != nil {
            throw SpecError(path: "frame", "only sum, avg, count, min and max take a frame")
        }
        if let frame = spec.frame, frame < 1 || frame > WindowFunctionSpec.maximumRows {
            throw SpecError(path: "frame", "expected a number of rows from 1 to \(WindowFunctionSpec.maximumRows), found \(frame)")
        }
        let field = spec.field ?? ""
        switch kind {
        case .rowNumber: self = .rowNumber
        case .rank: self = .rank
        case .denseRank: self = .denseRank
        case .lag, .lead:
            let offset = spec.offset ?? 1
            guard offset >= 0, offset <= WindowFunctionSpec.maximumRows else {
                throw SpecError(path: "offset", "expected a number of rows from 0 to \(WindowFunctionSpec.maximumRows), found \(offset)")
            }
            self = .shift(field: field, by: kind == .lag ? -offset : offset, fill: spec.default ?? .null)
        case .sum: self = .aggregate(.sum, field: field, frame: spec.frame)
        case .avg: self = .aggregate(.avg, field: field, frame: spec.frame)
        case .count: self = .aggregate(.count, field: spec.field, frame: spec.frame)
        case .min: self = .aggregate(.min, field: field, frame: spec.frame)
        case .max: self = .aggregate(.max, field: field, frame: spec.frame)
        }
    }

    /// The input field read, if any.
    var field: String? {
        switch self {
        case .rowNumber, .rank, .denseRank: return nil
        case .shift(let field, _, _): return field
        case .aggregate(_, let field, _): return field
        }
    }
}
