/// A failure of the state store that is not a plain SQLite error.
public enum StateStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The store was used after ``SQLiteStateStore/close()``.
    case closed
    /// The database was written by a newer Sluice whose schema this one does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// A stored row could not be read back (hand-edited or damaged database).
    case corruptRow(table: String, key: String, reason: String)
    /// ``DeadLetterStore/updateDeadLetter(id:error:stage:timestamp:)`` named an id that is not stored.
    case deadLetterNotFound(id: Int64)
    /// The directory for the database file could not be created.
    case cannotCreateDirectory(path: String, reason: String)

    public var description: String {
        switch self {
        case .closed:
            return "the state store is closed"
        case .newerSchema(let path, let found, let supported):
            return "state database '\(path)' has schema version \(found), but this version of sluice supports up to "
                + "\(supported); upgrade sluice or point it at another state file"
        case .corruptRow(let table, let key, let reason):
            return "state database row '\(key)' in table '\(table)' cannot be read: \(reason)"
        case .deadLetterNotFound(let id):
            return "no dead letter with id \(id)"
        case .cannotCreateDirectory(let path, let reason):
            return "cannot create the state directory '\(path)': \(reason)"
        }
    }
}
