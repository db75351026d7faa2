import Synchronization

/// A value computed on its first use and kept from then on.
///
/// The registry's component declarations and the grammars built from them are held this
/// way, so starting a server or a command costs nothing per component: the work happens when
/// a spec, the catalogue or the reference first needs it. Copies of a struct that holds one
/// share the computed value, and concurrent first uses wait for a single computation.
final class LazyValue<Value: Sendable>: Sendable {
    private let make: @Sendable () -> Value
    private let cell = Mutex<Value?>(nil)

    /// A value that `make` computes when it is first asked for.
    init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
    }

    /// The value, computed now if this is the first use.
    var value: Value {
        cell.withLock { stored in
            if let stored { return stored }
            let made = make()
            stored = made
            return made
        }
    }

    /// Whether the value has been computed yet.
    var isComputed: Bool { cell.withLock { $0 != nil } }
}
