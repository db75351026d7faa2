import Logging
import SluiceCore
import Testing

@testable import SluiceConnectors

/// The stream reader against an in-process connector, so that what has arrived by a deadline
/// is known exactly.
@Suite struct StreamSourceReaderTests {
    /// Delivers `count` one-record messages, says so, then holds the connection open.
    struct BurstConnector: StreamConnector {
        let count: Int
        let sent: AsyncStream<Void>.Continuation

        func run(_ session: StreamSession) async throws -> ConnectionEnd {
            session.connected()
            for n in 1...count {
                let message = StreamMessage(records: [ValueObject([("n", .int(n))])], rejected: [], position: n, bytes: 8)
                try await session.deliver(message)
            }
            sent.yield()
            try await Task.sleep(for: .seconds(3600))
            return .dropped
        }
    }

    static func settings(maxRecords: Int?, maxDurationMs: Int?) throws -> StreamSettings {
        try StreamSettings(
            maxRecords: maxRecords, maxDurationMs: maxDurationMs, connectTimeoutMs: nil, idleTimeoutMs: nil, maxMessageBytes: nil,
            retry: nil, batchSize: 1000)
    }

    static func reader(_ count: Int, settings: StreamSettings) -> (StreamSourceReader, AsyncStream<Void>) {
        let (sent, signal) = AsyncStream<Void>.makeStream()
        let reader = StreamSourceReader(
            connector: BurstConnector(count: count, sent: signal), settings: settings, location: "test://burst",
            logger: Logger(label: "test"))
        return (reader, sent)
    }

    static func numbers(_ reader: StreamSourceReader) async throws -> [Int] {
        var numbers: [Int] = []
        while let chunk = try await reader.next() {
            numbers += chunk.batch.records.compactMap {
                if case .int(let n)? = $0["n"] { return n }
                return nil
            }
        }
        return numbers
    }

    /// A job that asks for its first batch only after `maxDurationMs` is over still gets every
    /// message that arrived before: the duration ends the connection, not what it delivered.
    @Test func messagesThatArrivedBeforeTheDeadlineAreKept() async throws {
        let (reader, sent) = Self.reader(5, settings: try Self.settings(maxRecords: nil, maxDurationMs: 50))
        for await _ in sent { break }
        try await Task.sleep(for: .milliseconds(100))  // the 50 ms are surely over
        #expect(try await Self.numbers(reader) == [1, 2, 3, 4, 5])
    }

    /// `maxRecords` still cuts what had arrived when the deadline passed.
    @Test func maxRecordsCutsWhatArrivedBeforeTheDeadline() async throws {
        let (reader, sent) = Self.reader(5, settings: try Self.settings(maxRecords: 3, maxDurationMs: 50))
        for await _ in sent { break }
        try await Task.sleep(for: .milliseconds(100))
        #expect(try await Self.numbers(reader) == [1, 2, 3])
    }
}
