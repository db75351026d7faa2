import Synchronization

/// What the connection side of a stream source hands to its reader.
enum StreamItem: Sendable {
    /// The records (and refused messages) of one message or event.
    case message(StreamMessage)
    /// The stream cannot go on: the job fails with this error.
    case failed(any Error)
    /// The server ended the stream for good (an SSE answer of 204): the read ends.
    case ended
}

/// A bounded queue between the task that holds the connection (one producer) and the
/// source's reader (one consumer). The producer waits while the queue holds `capacity`
/// messages or `capacityBytes` bytes of them (one message is always let in when it is
/// empty), so a slow job slows the reading of the socket instead of filling memory.
final class StreamQueue: Sendable {
    private struct Waiting {
        let item: StreamItem
        let bytes: Int
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var items: [(item: StreamItem, bytes: Int)] = []
        var head = 0
        var bytes = 0
        var closed = false
        var consumer: CheckedContinuation<StreamItem?, Never>?
        var producer: Waiting?

        var count: Int { items.count - head }

        mutating func pop() -> StreamItem? {
            guard head < items.count else { return nil }
            let (item, size) = items[head]
            head += 1
            bytes -= size
            if head > 64, head * 2 > items.count {
                items.removeFirst(head)
                head = 0
            }
            return item
        }
    }

    private let state = Mutex(State())
    let capacity: Int
    let capacityBytes: Int

    init(capacity: Int, capacityBytes: Int) {
        self.capacity = max(1, capacity)
        self.capacityBytes = max(1, capacityBytes)
    }

    /// Adds `item` (of about `bytes` bytes), waiting while the queue is full; a failure or the
    /// end is always let in at once. Throws `CancellationError` when the reader has closed the
    /// queue or the calling task is cancelled.
    func send(_ item: StreamItem, bytes: Int) async throws {
        let urgent: Bool
        switch item {
        case .message: urgent = false
        case .failed, .ended: urgent = true
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Action {
                    case admitted(CheckedContinuation<StreamItem?, Never>?)
                    case refused
                    case waiting
                }
                let action: Action = state.withLock { state in
                    if state.closed || Task.isCancelled { return .refused }
                    let fits = state.count == 0 || (state.count < capacity && state.bytes + bytes <= capacityBytes)
                    guard urgent || fits else {
                        state.producer = Waiting(item: item, bytes: bytes, continuation: continuation)
                        return .waiting
                    }
                    if let consumer = state.consumer {
                        state.consumer = nil
                        return .admitted(consumer)
                    }
                    state.items.append((item, bytes))
                    state.bytes += bytes
                    return .admitted(nil)
                }
                switch action {
                case .admitted(let consumer):
                    consumer?.resume(returning: item)
                    continuation.resume()
                case .refused:
                    continuation.resume(throwing: CancellationError())
                case .waiting:
                    break
                }
            }
        } onCancel: {
            let waiting = state.withLock { state in
                defer { state.producer = nil }
                return state.producer
            }
            waiting?.continuation.resume(throwing: CancellationError())
        }
    }

    /// The next item, waiting for one; `nil` when the calling task is cancelled.
    func receive() async -> StreamItem? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<StreamItem?, Never>) in
                let (item, admitted): (StreamItem??, Waiting?) = state.withLock { state in
                    if let item = state.pop() { return (.some(item), admitProducer(&state)) }
                    if Task.isCancelled || state.closed { return (.some(nil), nil) }
                    state.consumer = continuation
                    return (nil, nil)
                }
                admitted?.continuation.resume()
                if let item { continuation.resume(returning: item) }
            }
        } onCancel: {
            let consumer = state.withLock { state in
                defer { state.consumer = nil }
                return state.consumer
            }
            consumer?.resume(returning: nil)
        }
    }

    /// The next item, or `nil` when none arrives within `timeout` (or the task is cancelled).
    func receive(timeout: Duration) async -> StreamItem? {
        if let item = poll() { return item }
        return await withTaskGroup(of: StreamItem?.self) { group in
            group.addTask { await self.receive() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            var result: StreamItem? = nil
            // The first to finish decides; an item the receiver got while being cancelled is kept.
            while let next = await group.next() {
                group.cancelAll()
                if result == nil { result = next }
            }
            return result
        }
    }

    /// The next item if one is waiting.
    func poll() -> StreamItem? {
        let (item, admitted): (StreamItem?, Waiting?) = state.withLock { state in
            guard let item = state.pop() else { return (nil, nil) }
            return (item, admitProducer(&state))
        }
        admitted?.continuation.resume()
        return item
    }

    /// Refuses further items and wakes a waiting producer with `CancellationError`.
    func close() {
        let (producer, consumer) = state.withLock { state in
            state.closed = true
            state.items.removeAll()
            state.head = 0
            state.bytes = 0
            defer {
                state.producer = nil
                state.consumer = nil
            }
            return (state.producer, state.consumer)
        }
        producer?.continuation.resume(throwing: CancellationError())
        consumer?.resume(returning: nil)
    }

    /// Moves a waiting producer's item into the queue once it fits; returns it to be resumed.
    private func admitProducer(_ state: inout State) -> Waiting? {
        guard let waiting = state.producer else { return nil }
        guard state.count == 0 || (state.count < capacity && state.bytes + waiting.bytes <= capacityBytes) else { return nil }
        state.producer = nil
        state.items.append((waiting.item, waiting.bytes))
        state.bytes += waiting.bytes
        return waiting
    }
}
