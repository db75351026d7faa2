import Synchronization

/// Whether a connection can still be used; shared by the connection and its channel handler.
final class MySQLConnectionHealth: Sendable {
    private let state = Atomic<Bool>(true)
    var isUsable: Bool { state.load(ordering: .acquiring) }
    func markBroken() { state.store(false, ordering: .releasing) }
}

/// A flag that is set once, from any thread (a login's timer sets it when it fires).
final class MySQLOnceFlag: Sendable {
    private let state = Atomic<Bool>(false)
    var isSet: Bool { state.load(ordering: .acquiring) }
    func set() { state.store(true, ordering: .releasing) }
}
