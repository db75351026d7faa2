/// The byte layout of one ``RecordBatch`` in a spill file: the batch's own columnar storage
/// copied as it is in memory (integers, doubles, text offsets and bytes, presence), so writing
/// and reading back are mostly memory copies. `[Value]` columns are written value by value.
///
/// Spill files are written and read by the same process, so the layout is the machine's own
/// (little-endian, 64-bit) and carries no version. Reading still checks every length against
/// the frame, so a damaged file fails the run with a message rather than crashing it.
enum BatchFrame {
    /// Appends rows `rows` of `batch` (all rows when `nil`) to `out`.
    static func encode(_ batch: RecordBatch, rows: Range<Int>? = nil, into out: inout [UInt8]) {
        let rows = rows ?? 0..<batch.count
        out.appendInt(batch.fields.count)
        for field in batch.fields { out.appendBytes(Array(field.utf8)) }
        out.appendInt(rows.count)
        out.appendSlice(batch.positions, rows)
        // Frames hold plain text: a dictionary column is written out row by row.
        for column in batch.columns.map({ $0.flatteningDictionary() }) {
            if let presence = column.presence {
                out.append(1)
                presence.withUnsafeBufferPointer { out.append(contentsOf: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0[rows]))) }
            } else {
                out.append(0)
            }
            switch column.storage {
            case .ints(let a):
                out.append(0)
                out.appendSlice(a, rows)
            case .doubles(let a):
                out.append(1)
                out.appendSlice(a, rows)
            case .bools(let a):
                out.append(2)
                out.appendSlice(a, rows)
            case .text(let t):
                out.append(3)
                let base = t.offsets[rows.lowerBound]
                for i in rows.lowerBound...rows.upperBound { out.appendValue(t.offsets[i] - base) }
                let bytes = Int(base)..<Int(t.offsets[rows.upperBound])
                out.appendInt(bytes.count)
                t.bytes.withUnsafeBytes { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[bytes])) }
            case .dictionary:
                preconditionFailure("flattened above")
            case .values(let a):
                out.append(4)
                for value in a[rows] { encode(value, into: &out) }
            }
        }
    }

    static func encode(_ value: Value, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(0)
        case .bool(let b): out.append(b ? 2 : 1)
        case .int(let i):
            out.append(3)
            out.appendInt(i)
        case .double(let d):
            out.append(4)
            out.appendInt(Int(bitPattern: UInt(d.bitPattern)))
        case .string(let s):
            out.append(5)
            out.appendBytes(Array(s.utf8))
        case .timestamp(let t):
            out.append(6)
            out.appendInt(Int(t.microseconds))
        case .array(let items):
            out.append(7)
            out.appendInt(items.count)
            for item in items { encode(item, into: &out) }
        case .object(let object):
            out.append(8)
            out.appendInt(object.keys.count)
            for (key, item) in zip(object.keys, object.values) {
                out.appendBytes(Array(key.utf8))
                encode(item, into: &out)
            }
        }
    }

    /// Reads one batch from `bytes`.
    static func decode(_ bytes: [UInt8]) throws(SpillFrameError) -> RecordBatch {
        var reader = FrameReader(frame: bytes)
        let fieldCount = try reader.count()
        var fields: [String] = []
        for _ in 0..<fieldCount { fields.append(try reader.string()) }
        let rows = try reader.count()
        let positions: [Int] = try reader.array(rows)
        var columns: [Column] = []
        for _ in 0..<fieldCount {
            var presence: [Column.Presence]?
            if try reader.byte() == 1 {
                let raw: [UInt8] = try reader.array(rows)
                guard raw.allSatisfy({ $0 <= 2 }) else { throw SpillFrameError() }
                presence = raw.map { Column.Presence(rawValue: $0) ?? .null }
            }
            let storage: Column.Storage
            switch try reader.byte() {
            case 0: storage = .ints(try reader.array(rows))
            case 1: storage = .doubles(try reader.array(rows))
            case 2:
                let raw: [UInt8] = try reader.array(rows)
                storage = .bools(raw.map { $0 != 0 })
            case 3:
                let offsets: [Int32] = try reader.array(rows + 1)
                let text = try reader.bytes()
                guard offsets.first == 0, let last = offsets.last, Int(last) == text.count,
                    zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 })
                else { throw SpillFrameError() }
                storage = .text(TextColumn(bytes: text, offsets: offsets))
            case 4:
                var values: [Value] = []
                values.reserveCapacity(rows)
                for _ in 0..<rows { values.append(try reader.value(depth: 0)) }
                storage = .values(values)
            default: throw SpillFrameError()
            }
            columns.append(Column(storage: storage, presence: presence))
        }
        return RecordBatch(fields: fields, columns: columns, positions: positions)
    }
}

/// A spill file's bytes do not read back as what was written.
struct SpillFrameError: Error, CustomStringConvertible {
    var description: String { "a spill file did not read back as written (was it changed or truncated?)" }
}

private struct FrameReader {
    let frame: [UInt8]
    var offset = 0

    mutating func byte() throws(SpillFrameError) -> UInt8 {
        guard offset < frame.count else { throw SpillFrameError() }
        defer { offset += 1 }
        return frame[offset]
    }

    mutating func int() throws(SpillFrameError) -> Int {
        guard frame.count - offset >= 8 else { throw SpillFrameError() }
        var value = 0
        withUnsafeMutableBytes(of: &value) { target in
            frame.withUnsafeBytes { target.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<offset + 8])) }
        }
        offset += 8
        return value
    }

    mutating func count() throws(SpillFrameError) -> Int {
        let n = try int()
        guard n >= 0, n <= frame.count - offset + 1 << 20 else { throw SpillFrameError() }
        return n
    }

    mutating func array<T: BitwiseCopyable>(_ count: Int) throws(SpillFrameError) -> [T] {
        let size = MemoryLayout<T>.stride
        guard count >= 0, count <= (frame.count - offset) / max(size, 1) else { throw SpillFrameError() }
        let byteCount = count * size
        let start = offset
        offset += byteCount
        return [T](unsafeUninitializedCapacity: count) { out, initialized in
            frame.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<start + byteCount]))
            }
            initialized = count
        }
    }

    mutating func bytes() throws(SpillFrameError) -> [UInt8] {
        let n = try int()
        return try array(n)
    }

    mutating func string() throws(SpillFrameError) -> String {
        String(decoding: try bytes(), as: UTF8.self)
    }

    mutating func value(depth: Int) throws(SpillFrameError) -> Value {
        guard depth < 10_000 else { throw SpillFrameError() }
        switch try byte() {
        case 0: return .null
        case 1: return .bool(false)
        case 2: return .bool(true)
        case 3: return .int(try int())
        case 4: return .double(Double(bitPattern: UInt64(UInt(bitPattern: try int()))))
        case 5: return .string(try string())
        case 6: return .timestamp(Timestamp(microseconds: Int64(try int())))
        case 7:
            let n = try count()
            var items: [Value] = []
            for _ in 0..<n { items.append(try value(depth: depth + 1)) }
            return .array(items)
        case 8:
            let n = try count()
            var object = ValueObject()
            for _ in 0..<n {
                let key = try string()
                object.appendUnchecked(key: key, value: try value(depth: depth + 1))
            }
            return .object(object)
        default: throw SpillFrameError()
        }
    }
}

extension [UInt8] {
    mutating func appendInt(_ value: Int) {
        Swift.withUnsafeBytes(of: value) { append(contentsOf: $0) }
    }

    mutating func appendSlice<T: BitwiseCopyable>(_ values: [T], _ rows: Range<Int>) {
        values.withUnsafeBufferPointer { append(contentsOf: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0[rows]))) }
    }

    mutating func appendValue<T: BitwiseCopyable>(_ value: T) {
        Swift.withUnsafeBytes(of: value) { append(contentsOf: $0) }
    }

    mutating func appendBytes(_ bytes: [UInt8]) {
        appendInt(bytes.count)
        append(contentsOf: bytes)
    }
}
