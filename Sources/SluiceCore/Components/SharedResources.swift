import Synchronization

/// A long-lived object that several jobs share, such as the connection pool of one database.
public protocol SharedResource: AnyObject, Sendable {
    /// Releases what the resource holds (closes connections). Called once, at shutdown.
    func shutdown() async
}

/// The resources jobs share for as long as the process runs, each under a key that says what
/// it is for (`postgres://app@db:5432/sales`). Jobs that connect to the same database find
/// the same pool here, so they share its connections instead of opening their own.
public final class SharedResources: Sendable {
    private let storage = Mutex<[String: any SharedResource]>([:])

    public init() {}

    /// The resource stored under `key`, made by `make` (once) when there is none.
    ///
    /// Throws ``SharedResourceMismatch`` when the key holds a resource of another type.
    public func resource<R: SharedResource>(_ key: String, as type: R.Type = R.self, make: () throws -> R) throws -> R {
        try storage.withLock { resources in
            if let existing = resources[key] {
                guard let typed = existing as? R else {
                    throw SharedResourceMismatch(key: key, stored: "\(Swift.type(of: existing))", wanted: "\(R.self)")
                }
                return typed
            }
            let made = try make()
            resources[key] = made
            return made
        }
    }

    /// How many resources are held.
    public var count: Int { storage.withLock { $0.count } }

    /// Shuts every resource down and forgets them.
    public func shutdown() async {
        let resources = storage.withLock { resources in
            let all = Array(resources.values)
            resources.removeAll()
            return all
        }
        for resource in resources { await resource.shutdown() }
    }
}

/// Two kinds of resource were asked for under one key.
public struct SharedResourceMismatch: Error, CustomStringConvertible {
    public let key: String
    public let stored: String
    public let wanted: String
    public var description: String { "shared resource '\(key)' is a \(stored), not a \(wanted)" }
}
