import SluiceCore

/// What a database column holds, as far as Sluice's values go. Each connector turns it into
/// its own column type (SQLite: `INTEGER`, `REAL`, `TEXT`, `BOOLEAN`, `DATETIME`, `JSON`).
public enum DatabaseColumnKind: Sendable, Equatable {
    case integer, real, text, boolean, timestamp, json

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
