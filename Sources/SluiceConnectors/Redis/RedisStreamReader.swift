import SluiceCore
import SluiceRedisWire

/// One read of a Redis stream through its consumer group (see ``RedisStreamSource``).
///
/// A continuous read never ends by itself: when nothing new arrives within `blockMs` it hands
/// on an empty chunk (so the job can commit and notice a stop), it looks for other consumers'
/// stale entries every `claimIdleMs`, and a lost connection is made again (for up to
/// `reconnectTimeoutMs`) before the read goes on with this consumer's own pending entries:
/// a reply the old connection never brought back leaves its entries pending here, and they
/// are read from there rather than lost.
final class RedisStreamReader: CommitAwareReader {
    /// Where the read is: this consumer's own pending entries, other consumers' stale ones,
    /// new ones, done.
    enum Phase {
        case own(after: [UInt8])
        case claim(cursor: String)
        case new
        case done
    }

    private let source: RedisStreamSource
    private var lease: RedisConnectionLease
    private var connection: RedisConnection { lease.connection }
    /// When a continuous read last looked for other consumers' stale entries.
    private var lastClaim = ContinuousClock.now
    private var phase: Phase = .own(after: Array("0".utf8))
    /// The IDs this read delivered, to acknowledge after the commit; an entry of this read
    /// claimed again (it went idle for `claimIdleMs` while the read went on) is not read twice.
    private var delivered: Set<RedisStreamID> = []
    private var records = 0
    private var position = 0

    init(source: RedisStreamSource, lease: RedisConnectionLease) {
        self.source = source
        self.lease = lease
    }

    private var room: Int {
        let batch = max(1, source.context.batchSize)
        guard let maxRecords = source.maxRecords else { return batch }
        return min(batch, maxRecords - records)
    }

    func next() async throws -> SourceChunk? {
        while true {
            do {
                if let chunk = try await step() { return chunk }
                if case .done = phase { return nil }
            } catch is Reconnected {
                // Entries a lost reply delivered are pending here now: read them first.
                phase = .own(after: Array("0".utf8))
            }
        }
    }

    /// One step of the read: a chunk, or `nil` when this phase had nothing (and the read is
    /// `done` when the whole read has ended).
    private func step() async throws -> SourceChunk? {
        while true {
            if let maxRecords = source.maxRecords, records >= maxRecords { phase = .done }
            let entries: [RESPValue]
            switch phase {
            case .done:
                return nil
            case .own(let after):
                entries = try await read(after: after, block: false)
                if let last = entries.last?.elements?.first?.bytes {
                    phase = .own(after: last)
                } else {
                    phase = .claim(cursor: "0-0")
                    continue
                }
            case .claim(let cursor):
                let reply = try await command(
                    ["XAUTOCLAIM", source.stream, source.group, source.consumer, String(source.claimIdleMs), cursor, "COUNT", String(room)])
                guard let parts = reply.elements, parts.count >= 2, let next = parts[0].text, let claimed = parts[1].elements else {
                    throw ConnectorError.remote("\(source.location): an XAUTOCLAIM answer of an unexpected shape")
                }
                phase = next == "0-0" ? .new : .claim(cursor: next)
                entries = claimed
                if entries.isEmpty { continue }
            case .new:
                if source.isContinuous, ContinuousClock.now - lastClaim >= max(.milliseconds(source.claimIdleMs), .seconds(1)) {
                    lastClaim = ContinuousClock.now
                    phase = .claim(cursor: "0-0")
                    continue
                }
                entries = try await read(after: Array(">".utf8), block: true)
                if entries.isEmpty {
                    // Nothing new within blockMs: the read has caught up.
                    guard source.isContinuous else {
                        phase = .done
                        return nil
                    }
                    return SourceChunk(batch: RecordBatch(records: []))
                }
            }
            return try chunk(of: entries)
        }
    }

    /// `XREADGROUP` of at most `room` entries after `after` (`>`: new ones, blocking for up to
    /// `blockMs`).
    private func read(after: [UInt8], block: Bool) async throws -> [RESPValue] {
        var arguments: [[UInt8]] = ["XREADGROUP", "GROUP", source.group, source.consumer, "COUNT", String(room)].map { Array($0.utf8) }
        if block { arguments += [Array("BLOCK".utf8), Array(String(source.blockMs).utf8)] }
        arguments += [Array("STREAMS".utf8), Array(source.stream.utf8), after]
        let reply = try await command(arguments, extra: block ? source.block : .zero)
        // [[stream, [entry, …]]], or null when a blocking read timed out.
        guard let streams = reply.elements else { return [] }
        guard let first = streams.first?.elements, first.count == 2, let entries = first[1].elements else { return [] }
        return entries
    }

    private func command(_ arguments: [String]) async throws -> RESPValue {
        try await command(arguments.map { Array($0.utf8) }, extra: .zero)
    }

    private func command(_ arguments: [[UInt8]], extra: Duration) async throws -> RESPValue {
        do {
            return try await connection.send(RESPCommand(arguments), timeout: source.endpoint.commandTimeout + extra)
        } catch let error as RedisError {
            switch error {
            case .connection where source.isContinuous, .timeout where source.isContinuous:
                try await reconnect(after: error)
                throw Reconnected()
            default:
                throw ConnectorError.remote("\(source.location): \(error)")
            }
        }
    }

    /// The command's connection was lost and a new one is in place; what the command was for
    /// starts again.
    private struct Reconnected: Error {}

    /// Connects again (a continuous read whose server restarted or whose connection broke),
    /// trying with growing pauses for up to `reconnectTimeoutMs`.
    private func reconnect(after error: RedisError) async throws {
        await connection.close()
        lease = try await Reconnection.connect(location: source.location, lost: error, timeout: source.reconnectTimeout) {
            try await source.connectToGroup()
        }
    }

    /// The records of `entries` (`[id, [field, value, …]]`); an entry deleted since it was
    /// delivered has no fields and is only acknowledged.
    private func chunk(of entries: [RESPValue]) throws -> SourceChunk {
        var batch: [ValueObject] = []
        var positions: [Int] = []
        var rejected: [Rejection] = []
        var bytes = 0
        for entry in entries {
            guard let parts = entry.elements, parts.count == 2, let id = parts[0].bytes, let entryID = RedisStreamID(bytes: id) else {
                throw ConnectorError.remote("\(source.location): a stream entry of an unexpected shape")
            }
            guard delivered.insert(entryID).inserted else { continue }
            guard let fields = parts[1].elements else { continue }
            position += 1
            let idText = String(decoding: id, as: UTF8.self)
            bytes += id.count + fields.reduce(0) { $0 + ($1.bytes?.count ?? 0) }
            switch record(fields, id: idText) {
            case .success(let record):
                batch.append(record)
                positions.append(position)
                records += 1
            case .failure(let rejection):
                rejected.append(Rejection(record: rejection.record, reasons: [rejection.reason], position: position, stage: "source"))
                records += 1
            }
        }
        return SourceChunk(batch: RecordBatch(records: batch, positions: positions), rejected: rejected, bytes: bytes)
    }

    private struct Refusal: Error {
        var record: Value
        var reason: String
    }

    /// An entry's record: the JSON object in `valueField`, or its fields as text; with `idField`
    /// the entry ID added.
    private func record(_ fields: [RESPValue], id: String) -> Result<ValueObject, Refusal> {
        var pairs: [(String, [UInt8])] = []
        var index = 0
        while index + 1 < fields.count {
            if let name = fields[index].text, let value = fields[index + 1].bytes { pairs.append((name, value)) }
            index += 2
        }
        var record = ValueObject()
        if let valueField = source.valueField {
            // The entry as text, for the dead-letter queue: built only for a refused entry.
            func raw() -> Value { .object(ValueObject(pairs.map { ($0.0, Value.string(String(decoding: $0.1, as: UTF8.self))) })) }
            guard let value = pairs.first(where: { $0.0 == valueField })?.1 else {
                return .failure(Refusal(record: raw(), reason: "entry \(id) has no field '\(valueField)'"))
            }
            do {
                guard case .object(let object) = try JSONParser.parse(value) else {
                    return .failure(Refusal(record: raw(), reason: "entry \(id): field '\(valueField)' is not a JSON object"))
                }
                record = object
            } catch {
                return .failure(Refusal(record: raw(), reason: "entry \(id): field '\(valueField)' is not JSON: \(error.message) at byte \(error.offset)"))
            }
        } else {
            for (name, value) in pairs { record[name] = .string(String(decoding: value, as: UTF8.self)) }
        }
        if let idField = source.idField { record[idField] = .string(id) }
        return .success(record)
    }

    /// Acknowledges every entry the read delivered, the refused ones too (they are in the
    /// dead-letter queue now and must not block the group).
    /// A lost connection is made again and the acknowledgement repeated (XACK of an entry
    /// already acknowledged does nothing).
    func targetCommitted() async throws {
        while !delivered.isEmpty {
            let chunk = Array(delivered.prefix(1000))
            do {
                _ = try await command([Array("XACK".utf8), Array(source.stream.utf8), Array(source.group.utf8)] + chunk.map(\.bytes), extra: .zero)
            } catch is Reconnected {
                phase = .own(after: Array("0".utf8))
                continue
            }
            for id in chunk { delivered.remove(id) }
        }
    }

    /// The group's lag: entries in the stream not yet delivered to the group (`XINFO GROUPS`;
    /// `nil` when the server cannot tell, after entries were deleted from the middle).
    func consumerLag() async throws -> Int? {
        let reply: RESPValue
        do {
            reply = try await command(["XINFO", "GROUPS", source.stream])
        } catch is Reconnected {
            return nil
        }
        for group in reply.elements ?? [] {
            let fields = group.elements ?? []
            var info: [String: RESPValue] = [:]
            var index = 0
            while index + 1 < fields.count {
                if let key = fields[index].text { info[key] = fields[index + 1] }
                index += 2
            }
            if info["name"]?.text == source.group { return info["lag"]?.integer }
        }
        return nil
    }
}
