import SluiceCore

/// Puts values into nested objects by key path, for ``UnflattenRecords``.
enum NestedInsertion {
    /// Puts `value` at `path` inside `object`, creating objects on the way. A null already
    /// there gives way to an object and a null never replaces one; any other clash (a value
    /// where an object is needed, or two values for one path) fails.
    ///
    /// - Returns: `nil` on success, or how many path parts lead to the spot that clashed.
    static func insert(_ value: Value, at path: ArraySlice<String>, into object: inout ValueObject) -> Int? {
        guard let key = path.first else { return 0 }
        let rest = path.dropFirst()
        if rest.isEmpty {
            switch object[key] {
            case nil, .null?:
                object[key] = value
                return nil
            case .object?:
                return value.isNull ? nil : 1
            default:
                return 1
            }
        }
        var child: ValueObject
        switch object[key] {
        case nil, .null?: child = ValueObject()
        case .object(let existing)?: child = existing
        default: return 1
        }
        // Leave a placeholder so `child` is the only reference while it is extended.
        object[key] = .null
        let clash = insert(value, at: rest, into: &child)
        object[key] = .object(child)
        return clash.map { $0 + 1 }
    }
}
