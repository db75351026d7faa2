import SluiceCore
import SluiceEngine
import Synchronization

/// A source for tests that need a job to stop at an exact point: it yields `batches` batches
/// of `rows` records `{id, name, amount}` (ids from `firstID` on, `name` is `prefix` and the
/// id, `amount` the id × 1.5), then, as `then` says:
///
/// - `end`: the read ends;
/// - `fail`: the next read fails the job (a job-level error, like a dropped connection);
/// - `hold`: the next read tells ``ScriptedSource/Holds`` under `hold` that it is holding —
///   every batch before it has been written by then, the runner pulling one batch at a time —
///   and waits until the run is cancelled.
struct ScriptedSource: Source {
    static let type = "scripted"

    struct Config: Decodable, Sendable {
        var rows: Int
        var batches: Int
        var firstID: Int?
        var prefix: String?
        var then: String?
        var hold: String?
    }

    static let declaration = ComponentDeclaration(
        summary: "Test records in batches, then an end, a failure or a hold until cancelled.",
        config: ObjectShape([
            .required("rows", .integer(1, 100_000), "Records per batch."),
            .required("batches", .integer(0, 1000), "Batches yielded before `then`."),
            .optional("firstID", .integer(-1_000_000, 1_000_000), default: 1, "The first record's id."),
            .optional("prefix", .text, default: "new", "The start of every name."),
            .optional("then", .choice(["end", "fail", "hold"]), default: "end", "What the read does after the batches."),
            .optional("hold", .nonEmptyText, "The key a holding read signals under."),
        ]),
        examples: [])

    /// The error a `fail` read throws.
    struct Failure: Error, CustomStringConvertible {
        var description: String { "the scripted source failed after its batches" }
    }

    /// Where holding reads tell the tests they hold.
    enum Holds {
        private static let waiting = Mutex<[String: AsyncStream<Void>.Continuation]>([:])

        /// A stream that yields once when a read holds under `key`, and ends when
        /// ``finish(_:)`` is called first.
        static func stream(_ key: String) -> AsyncStream<Void> {
            let (stream, continuation) = AsyncStream<Void>.makeStream()
            waiting.withLock { $0[key] = continuation }
            return stream
        }

        static func signal(_ key: String) {
            _ = waiting.withLock { $0[key]?.yield() }
        }

        /// Ends the stream of `key` (the run is over).
        static func finish(_ key: String) {
            waiting.withLock { $0.removeValue(forKey: key) }?.finish()
        }
    }

    let config: Config

    init(config: Config, context: ComponentContext) throws {
        self.config = config
    }

    var location: String { "scripted:\(config.prefix ?? "new")" }

    func open() async throws -> any BatchReader { Reader(config: config) }

    /// The records of batch `index` (0-based).
    static func records(_ config: Config, batch index: Int) -> [ValueObject] {
        let first = (config.firstID ?? 1) + index * config.rows
        return (first..<first + config.rows).map { id in
            var record = ValueObject()
            record.appendUnchecked(key: "id", value: .int(id))
            record.appendUnchecked(key: "name", value: .string("\(config.prefix ?? "new") \(id)"))
            record.appendUnchecked(key: "amount", value: .double(Double(id) * 1.5))
            return record
        }
    }

    final class Reader: BatchReader {
        let config: Config
        var served = 0

        init(config: Config) {
            self.config = config
        }

        func next() async throws -> SourceChunk? {
            defer { served += 1 }
            if served < config.batches {
                let first = (config.firstID ?? 1) + served * config.rows
                return SourceChunk(
                    batch: RecordBatch(records: ScriptedSource.records(config, batch: served), positions: Array(first..<first + config.rows)))
            }
            switch config.then {
            case "fail":
                throw Failure()
            case "hold":
                if let key = config.hold { Holds.signal(key) }
                try await Task.sleep(for: .seconds(3600))
                return nil
            default:
                return nil
            }
        }
    }
}
