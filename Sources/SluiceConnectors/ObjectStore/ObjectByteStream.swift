import SluiceCore

/// An object read front to back through ranged reads: up to ``ObjectStore/partsInFlight``
/// ranges of ``ObjectStore/partBytes`` are fetched at once ahead of the reader, so reading
/// runs at the network's pace while the bytes before are decoded. Memory stays bounded by
/// those ranges.
///
/// Each range names the version the listing saw (`If-Match`), so an object replaced while it
/// is read fails the read instead of mixing two versions; one deleted fails it too.
final class ObjectByteStream: ByteStream {
    private let store: any ObjectStore
    private let key: String
    private let size: Int
    private let version: String?
    /// The next byte not yet asked for.
    private var nextOffset = 0
    /// Ranges asked for, in order.
    private var fetches: [Task<[UInt8], any Error>] = []
    /// The range being handed out.
    private var current: [UInt8] = []
    private var currentStart = 0
    private(set) var consumed = 0

    init(store: any ObjectStore, key: String, size: Int, version: String?) {
        self.store = store
        self.key = key
        self.size = size
        self.version = version
    }

    deinit {
        for fetch in fetches { fetch.cancel() }
    }

    private var ended: Bool { currentStart == current.count && fetches.isEmpty && nextOffset >= size }

    /// Asks for ranges until the allowed number are in flight or the object is covered.
    private func askAhead() {
        let store = self.store
        let key = self.key
        let version = self.version
        while fetches.count < max(1, store.partsInFlight), nextOffset < size {
            let end = min(size, nextOffset + max(1, store.partBytes))
            let range = nextOffset..<end
            fetches.append(Task { try await store.read(key, range: range, ifMatch: version) })
            nextOffset = end
        }
    }

    func ready() async throws {
        while currentStart == current.count, !ended {
            askAhead()
            guard !fetches.isEmpty else { return }
            let fetch = fetches.removeFirst()
            let bytes = try await withTaskCancellationHandler {
                try await fetch.value
            } onCancel: {
                fetch.cancel()
            }
            current = bytes
            currentStart = 0
            askAhead()
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0, !ended else { return 0 }
        guard currentStart < current.count else {
            throw ConnectorError.io("reading \(store.url(of: key)): read before the bytes arrived (a reader did not wait for them)")
        }
        let count = min(buffer.count, current.count - currentStart)
        current.withUnsafeBytes { source in
            if let from = source.baseAddress { base.copyMemory(from: from + currentStart, byteCount: count) }
        }
        currentStart += count
        consumed += count
        return count
    }
}
