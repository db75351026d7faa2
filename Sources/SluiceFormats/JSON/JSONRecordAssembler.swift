import SluiceCore

/// Builds batches from JSON objects, writing each member straight into its field's column.
///
/// A record is parsed into a small staging list first and committed only when the whole
/// object is valid, so a malformed record leaves no trace. Fields are the union of the keys
/// in first-seen order; a record without a key gets an absent row, an explicit `null` a null
/// row. Keys are matched by bytes, guessing that each record repeats the previous record's
/// key order, so the usual case costs one short comparison per key and no hashing.
///
/// With a projection, members of other fields are skipped with a syntax-checking scan (a
/// malformed record is still refused whole) and get no column.
struct JSONRecordAssembler: Sendable {
    /// A member value waiting for its record to complete.
    private enum Staged: Sendable {
        case null
        case bool(Bool)
        case int(Int)
        case double(Double)
        /// Text at `start..<end` of the record's buffer.
        case text(Int, Int)
        /// Text at `start..<end` of ``scratch`` (it had escapes).
        case decodedText(Int, Int)
        case nested(Value)
    }

    private struct Member: Sendable {
        var field: Int
        var value: Staged
    }

    let batchSize: Int
    /// The only keys to build, as UTF-8; `nil` builds every key.
    private let projection: Set<[UInt8]>?
    /// Every key seen in this batch, wanted or not (indexes match `fieldBytes`).
    private var fields: [String] = []
    /// Whether each key gets a column.
    private var wanted: [Bool] = []
    private var wantedCount = 0
    /// Whether each key's bytes hold no quote, backslash or control byte, so the key can be
    /// matched against the input without scanning it as a string first.
    private var plainKey: [Bool] = []
    private var fieldBytes: [[UInt8]] = []
    private var fieldIndex: [[UInt8]: Int] = [:]
    private var builders: [ColumnBuilder] = []
    /// The stamp of the last record that set each field.
    private var lastSet: [Int] = []
    private var stamp = 0
    /// The field of the k-th key of the previous record.
    private var predicted: [Int] = []
    private var positions: [Int] = []
    private var staged: [Member] = []
    private var scratch: [UInt8] = []
    private var keyScratch: [UInt8] = []

    init(batchSize: Int, projection: Set<String>? = nil) {
        self.batchSize = batchSize
        self.projection = projection.map { Set($0.map { Array($0.utf8) }) }
        positions.reserveCapacity(batchSize)
    }

    /// Rows appended since the last batch was taken.
    var count: Int { positions.count }

    /// Parses the object whose `{` is at `start` in `p` and appends it as a row at `position`.
    /// With `toEnd`, only spaces may follow the object in `p`. Returns the offset after the
    /// object; on error nothing is appended.
    mutating func appendObject(
        _ p: UnsafeRawBufferPointer, at start: Int, position: Int, toEnd: Bool = false
    ) throws(JSONScanError) -> Int {
        stamp &+= 1
        staged.removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)
        let fieldsBefore = fields.count
        var cursor = JSONCursor(p, at: start + 1)
        do throws(JSONScanError) {
            try parseMembers(&cursor)
            if toEnd {
                cursor.skipSpace()
                if !cursor.atEnd {
                    throw JSONScanError(offset: cursor.i, message: "unexpected data after the JSON value", truncated: false)
                }
            }
        } catch {
            while fields.count > fieldsBefore { removeLastField() }
            throw error
        }
        commit(p, position: position)
        return cursor.i
    }

    /// Appends a record already parsed into a ``ValueObject``.
    mutating func appendRecord(_ object: ValueObject, position: Int) {
        stamp &+= 1
        for (k, (key, value)) in object.pairs.enumerated() {
            var key = key
            let f = key.withUTF8 { field(for: UnsafeRawBufferPointer($0), keyNumber: k) }
            guard wanted[f] else { continue }
            builders[f].append(value)
            lastSet[f] = stamp
        }
        for f in 0..<fields.count where wanted[f] && lastSet[f] != stamp { builders[f].appendAbsent() }
        positions.append(position)
    }

    /// The rows appended so far as a batch; the assembler starts over with no fields.
    mutating func takeBatch() -> RecordBatch {
        let kept = fields.indices.filter { wanted[$0] }
        let batch = RecordBatch(fields: kept.map { fields[$0] }, columns: kept.map { builders[$0].build() }, positions: positions)
        fields = []
        wanted = []
        wantedCount = 0
        plainKey = []
        fieldBytes = []
        fieldIndex = [:]
        builders = []
        lastSet = []
        predicted = []
        positions = []
        positions.reserveCapacity(batchSize)
        return batch
    }

    private mutating func parseMembers(_ c: inout JSONCursor) throws(JSONScanError) {
        let p = c.p
        c.skipSpace()
        if !c.atEnd, p[c.i] == UInt8(ascii: "}") {
            c.i += 1
            return
        }
        var k = 0
        while true {
            c.skipSpace()
            guard !c.atEnd, p[c.i] == UInt8(ascii: "\"") else { throw c.error("expected a string key") }
            let f: Int
            if let predictedField = matchPredictedKey(p, at: c.i, keyNumber: k) {
                f = predictedField
                c.i += fieldBytes[f].count + 2
            } else {
                keyScratch.removeAll(keepingCapacity: true)
                switch try c.scanString(into: &keyScratch) {
                case .raw(let s, let e): f = field(for: UnsafeRawBufferPointer(rebasing: p[s..<e]), keyNumber: k)
                case .decoded: f = keyScratch.withUnsafeBytes { field(for: $0, keyNumber: k) }
                }
            }
            c.skipSpace()
            guard !c.atEnd, p[c.i] == UInt8(ascii: ":") else { throw c.error("expected ':' after key") }
            c.i += 1
            c.skipSpace()
            if !wanted[f] {
                try c.skipValue(depth: 2)
            } else {
                stage(try parseValue(&c), field: f)
            }
            c.skipSpace()
            guard !c.atEnd else { throw c.error("unexpected end of input in object") }
            let b = p[c.i]
            c.i += 1
            if b == UInt8(ascii: ",") {
                k += 1
                continue
            }
            if b == UInt8(ascii: "}") { return }
            c.i -= 1
            throw c.error("expected ',' or '}' in object")
        }
    }

    /// Stages `value` for field `f` of the current record.
    @inline(__always)
    private mutating func stage(_ value: Staged, field f: Int) {
        if lastSet[f] == stamp {
            // A repeated key keeps its last value, as JSONParser does.
            if let m = staged.firstIndex(where: { $0.field == f }) { staged[m].value = value }
        } else {
            lastSet[f] = stamp
            staged.append(Member(field: f, value: value))
        }
    }

    /// The field of the `keyNumber`-th key of the previous record, when the input at `quote`
    /// is that key, quoted, without escapes.
    @inline(__always)
    private func matchPredictedKey(_ p: UnsafeRawBufferPointer, at quote: Int, keyNumber k: Int) -> Int? {
        guard k < predicted.count else { return nil }
        let f = predicted[k]
        guard f < plainKey.count, plainKey[f] else { return nil }
        return fieldBytes[f].withUnsafeBytes { key -> Int? in
            let end = quote + 1 + key.count
            guard end < p.count, p[end] == UInt8(ascii: "\""),
                equal(key, UnsafeRawBufferPointer(rebasing: p[(quote + 1)..<end]))
            else { return nil }
            return f
        }
    }

    private mutating func parseValue(_ c: inout JSONCursor) throws(JSONScanError) -> Staged {
        guard !c.atEnd else { throw c.error("unexpected end of input") }
        switch c.p[c.i] {
        case UInt8(ascii: "\""):
            switch try c.scanString(into: &scratch) {
            case .raw(let s, let e): return .text(s, e)
            case .decoded(let s, let e): return .decodedText(s, e)
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            switch try c.scanNumber() {
            case .int(let i): return .int(i)
            case .double(let d): return .double(d)
            }
        case UInt8(ascii: "t"):
            try c.expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try c.expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try c.expectLiteral("null")
            return .null
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let start = c.i
            try c.skipValue(depth: 2)
            do {
                return .nested(try JSONParser.parse(UnsafeRawBufferPointer(rebasing: c.p[start..<c.i])))
            } catch {
                throw JSONScanError(offset: start + error.offset, message: error.message, truncated: false)
            }
        default:
            throw c.error("unexpected character '\(JSONCursor.printable(c.p[c.i]))'")
        }
    }

    private mutating func commit(_ p: UnsafeRawBufferPointer, position: Int) {
        for member in staged {
            let f = member.field
            switch member.value {
            case .null: builders[f].appendNull()
            case .bool(let b): builders[f].appendBool(b)
            case .int(let i): builders[f].appendInt(i)
            case .double(let d): builders[f].appendDouble(d)
            case .text(let s, let e): builders[f].appendText(UnsafeRawBufferPointer(rebasing: p[s..<e]))
            case .decodedText(let s, let e):
                scratch.withUnsafeBytes { builders[f].appendText(UnsafeRawBufferPointer(rebasing: $0[s..<e])) }
            case .nested(let value): builders[f].append(value)
            }
        }
        if staged.count != wantedCount {
            for f in 0..<fields.count where wanted[f] && lastSet[f] != stamp { builders[f].appendAbsent() }
        }
        positions.append(position)
    }

    /// The field for `key`, the `keyNumber`-th key of its record; registers a new field.
    @inline(__always)
    private mutating func field(for key: UnsafeRawBufferPointer, keyNumber k: Int) -> Int {
        if k < predicted.count {
            let f = predicted[k]
            if f < fieldBytes.count, fieldBytes[f].withUnsafeBytes({ equal($0, key) }) { return f }
        }
        let bytes = [UInt8](key)
        let f: Int
        if let known = fieldIndex[bytes] {
            f = known
        } else {
            f = fields.count
            fields.append(String(decoding: bytes, as: UTF8.self))
            fieldBytes.append(bytes)
            fieldIndex[bytes] = f
            let isWanted = projection?.contains(bytes) ?? true
            wanted.append(isWanted)
            if isWanted { wantedCount += 1 }
            plainKey.append(!bytes.contains { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 < 0x20 })
            var builder = ColumnBuilder(capacity: isWanted ? batchSize : 0)
            if isWanted { for _ in 0..<positions.count { builder.appendAbsent() } }
            builders.append(builder)
            lastSet.append(0)
        }
        if k < predicted.count {
            predicted[k] = f
        } else {
            predicted.append(f)
        }
        return f
    }

    private mutating func removeLastField() {
        fields.removeLast()
        if wanted.removeLast() { wantedCount -= 1 }
        plainKey.removeLast()
        builders.removeLast()
        lastSet.removeLast()
        fieldIndex[fieldBytes.removeLast()] = nil
    }

    @inline(__always)
    private func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }
}
