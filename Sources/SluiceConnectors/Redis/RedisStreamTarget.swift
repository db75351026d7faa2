import SluiceCore
import SluiceRedisWire

/// Appends records to a Redis stream with `XADD` (trimmed to about `maxLen` entries when set):
/// each record's fields as the entry's fields (text as it is, other values as JSON, nulls
/// left out), or with `valueField` the whole record as JSON in that one field.
///
/// By default the load is all or nothing: the entries are kept until the job commits and then
/// added in one `MULTI`/`EXEC` transaction (at most `maxTransactionBytes`), so a failed job adds
/// none. With `atomic: false` each batch is added as it comes, and a failed job leaves what was
/// added (at-least-once), for loads larger than memory.
public struct RedisStreamTarget: Target {
    public static let type = "redis_stream"

    /// `target.config` of a Redis stream target.
    public struct Config: Decodable, Sendable {
        public var url: String
        public var stream: String
        public var valueField: String?
        public var maxLen: Int?
        public var atomic: Bool?
        public var maxTransactionBytes: Int?
        public var connectTimeoutMs: Int?
        public var timeoutMs: Int?
    }

    let endpoint: RedisEndpoint
    let stream: String
    let valueField: String?
    let maxLen: Int?
    let atomic: Bool
    let maxTransactionBytes: Int
    var commandTimeout: Duration { endpoint.commandTimeout }

    public init(config: Config, context: ComponentContext) throws {
        endpoint = try RedisEndpoint(url: config.url, connectTimeoutMs: config.connectTimeoutMs, timeoutMs: config.timeoutMs)
        guard !config.stream.isEmpty, config.stream.utf8.count <= 1024 else { throw SpecError(path: "stream", "must be 1 to 1024 bytes long") }
        stream = config.stream
        valueField = config.valueField
        if let maxLen = config.maxLen, maxLen < 1 { throw SpecError(path: "maxLen", "must be at least 1, got \(maxLen)") }
        maxLen = config.maxLen
        atomic = config.atomic ?? true
        maxTransactionBytes = try RedisEndpoint.bounded(
            config.maxTransactionBytes, "maxTransactionBytes", default: 256 << 20, range: 1024...(4 << 30))
    }

    public var location: String { "redis_stream:\(endpoint.url.shown)/\(stream)" }

    public func open(batchSize: Int?) async throws -> any TargetWriter {
        let connection = try await endpoint.connect(location: location)
        do {
            // A key of another type would make every XADD fail inside the transaction.
            let type = try await connection.send(RESPCommand(["TYPE", stream])).text ?? ""
            guard type == "stream" || type == "none" else {
                throw ConnectorError.remote("\(location): the key '\(stream)' holds a \(type), not a stream")
            }
        } catch let error as RedisError {
            await connection.close()
            throw ConnectorError.remote("\(location): \(error)")
        } catch {
            await connection.close()
            throw error
        }
        return RedisStreamWriter(target: self, lease: RedisConnectionLease(connection))
    }

    /// The `XADD` of one record.
    func add(_ record: ValueObject) -> RESPCommand {
        var arguments: [[UInt8]] = [Array("XADD".utf8), Array(stream.utf8)]
        if let maxLen { arguments += [Array("MAXLEN".utf8), Array("~".utf8), Array(String(maxLen).utf8)] }
        arguments.append(Array("*".utf8))
        if let valueField {
            arguments += [Array(valueField.utf8), Array(JSONText.string(.object(record)).utf8)]
        } else {
            for (name, value) in zip(record.keys, record.values) {
                switch value {
                case .null: continue
                case .string(let text): arguments += [Array(name.utf8), Array(text.utf8)]
                default: arguments += [Array(name.utf8), Array(JSONText.string(value).utf8)]
                }
            }
            // An entry needs at least one field.
            if arguments.count == (maxLen == nil ? 3 : 6) { arguments += [Array("_empty".utf8), Array("1".utf8)] }
        }
        return RESPCommand(arguments)
    }
}

/// One load into a Redis stream (see ``RedisStreamTarget``).
final class RedisStreamWriter: TargetWriter {
    private let target: RedisStreamTarget
    private let lease: RedisConnectionLease
    private var connection: RedisConnection { lease.connection }
    private var held: [RESPCommand] = []
    private var heldBytes = 0

    init(target: RedisStreamTarget, lease: RedisConnectionLease) {
        self.target = target
        self.lease = lease
    }

    func write(_ batch: RecordBatch) async throws -> Int {
        let commands = batch.records.map(target.add)
        let bytes = commands.reduce(0) { total, command in total + command.arguments.reduce(0) { $0 + $1.count } }
        if target.atomic {
            heldBytes += bytes
            guard heldBytes <= target.maxTransactionBytes else {
                throw ConnectorError.io(
                    "\(target.location): the load is larger than maxTransactionBytes (\(target.maxTransactionBytes) bytes); raise it, or set atomic to false to add each batch as it comes")
            }
            held += commands
        } else {
            try await send(commands)
        }
        return bytes
    }

    func commit() async throws {
        guard target.atomic, !held.isEmpty else { return }
        let commands = [RESPCommand(["MULTI"])] + held + [RESPCommand(["EXEC"])]
        held = []
        let replies: [RESPValue]
        do {
            replies = try await connection.pipeline(commands, timeout: target.commandTimeout + .milliseconds(commands.count / 10))
        } catch {
            throw ConnectorError.remote("\(target.location): \(error)")
        }
        guard let exec = replies.last else { return }
        if case .error(let message) = exec { throw ConnectorError.remote("\(target.location): the transaction was refused: \(message)") }
        if let failed = exec.elements?.first(where: { if case .error = $0 { return true } else { return false } }), case .error(let message) = failed {
            throw ConnectorError.remote("\(target.location): an entry was refused: \(message)")
        }
    }

    func abort() async {
        held = []
        heldBytes = 0
    }

    private func send(_ commands: [RESPCommand]) async throws {
        let replies: [RESPValue]
        do {
            replies = try await connection.pipeline(commands, timeout: target.commandTimeout)
        } catch {
            throw ConnectorError.remote("\(target.location): \(error)")
        }
        for case .error(let message) in replies { throw ConnectorError.remote("\(target.location): an entry was refused: \(message)") }
    }
}

extension RedisStreamTarget: ContinuingTarget {
    /// Every micro-batch adds entries to the stream (one `MULTI`/`EXEC` each when atomic).
    public func continuing() throws -> any Target { self }
}
