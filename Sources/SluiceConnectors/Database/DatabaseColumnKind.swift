import SluiceCore

/// What a database column holds, as far as Sluice's values go. Each connector turns it into
/// its own column type (SQLite: `INTEGER`, `REAL`, `TEXT`, `BOOLEAN`, `DATETIME`, `JSON`).
public enum DatabaseColumnKind: Sendable, Equatable {
    case integer, real, text, boolean, timestamp, json
    /// An exact decimal, as a Parquet or Avro source declares it.
    case decimal(precision: Int, scale: Int)

    /// The kind for a type a source declares (a Parquet or Avro schema): decimals keep their
    /// precision and scale; unsigned 64-bit integers become `decimal(20,0)` (they may pass
    /// the signed range); dates and timestamps → timestamp; lists, structs, maps and JSON →
    /// json; floats → real; strings, UUIDs, enums, binary (base64) and times of day → text.
    public static func declared(_ type: LogicalType) -> DatabaseColumnKind {
        switch type {
        case .boolean: return .boolean
        case .integer(let bits, let signed): return !signed && bits >= 64 ? .decimal(precision: 20, scale: 0) : .integer
        case .float: return .real
        case .decimal(let precision, let scale): return .decimal(precision: precision, scale: scale)
        case .date, .timestamp: return .timestamp
        case .json, .list, .structure, .map: return .json
        case .string, .binary, .fixedBinary, .uuid, .time, .enumeration: return .text
        }
    }

    /// The kind for a schema field type: string → text, number → integer when every
    /// non-null `sample` value is an int (and there is one) or else real, boolean → boolean,
    /// date → timestamp, array and object → json.
    public static func forField(_ type: FieldType, samples: [Value]) -> DatabaseColumnKind {
        switch type {
        case .string: return .text
        case .number: return inferNumber(samples)
        case .boolean: return .boolean
        case .date: return .timestamp
        case .array, .object: return .json
        }
    }

    /// The kind for a field with no schema, from its values: the kind of the first non-null
    /// value, widened integer → real when a double follows; text when there is none or the
    /// kinds disagree otherwise.
    public static func infer(from samples: [Value]) -> DatabaseColumnKind {
        var kind: DatabaseColumnKind?
        for value in samples {
            let next: DatabaseColumnKind
            switch value {
            case .null: continue
            case .int: next = .integer
            case .double: next = .real
            case .bool: next = .boolean
            case .string: next = .text
            case .timestamp: next = .timestamp
            case .array, .object: next = .json
            }
            guard let current = kind else {
                kind = next
                continue
            }
            if current == next { continue }
            if (current == .integer && next == .real) || (current == .real && next == .integer) {
                kind = .real
            } else {
                return .text
            }
        }
        return kind ?? .text
    }

    private static func inferNumber(_ samples: [Value]) -> DatabaseColumnKind {
        var sawInt = false
        for value in samples {
            switch value {
            case .null: continue
            case .int: sawInt = true
            default: return .real
            }
        }
        return sawInt ? .integer : .real
    }
}
