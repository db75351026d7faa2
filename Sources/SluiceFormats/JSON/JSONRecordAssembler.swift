import SluiceCore

/// Builds batches from JSON objects, writing each member straight into its field's column.
///
/// A record is parsed into a small staging list first and committed only when the whole
/// object is valid, so a malformed record leaves no trace. Fields are the union of the keys
/// in first-seen order; a record without a key gets an absent row, an explicit `null` a null
/// row. Keys are matched by bytes, guessing that each record repeats the previous record's
/// key order, so the usual case costs one short comparison per key and no hashing.
///
/// A record of the usual shape (the previous record's keys in its order, no escapes, short
/// numbers; see ``appendUsualObject(_:at:position:ending:)``) is read in one pass without
/// building `Value`s, and an NDJSON line of that shape without looking for its line feed
/// first; any other record takes the general path, which alone describes errors.
///
/// With a projection, members of other fields are skipped with a syntax-checking scan (a
/// malformed record is still refused whole) and get no column.
///
/// Text that is not valid UTF-8 (in a key or a value, nested ones included) refuses the
/// record, naming each field and the offset of the bad byte in its text, or with
/// ``InvalidUTF8Handling/replace`` has each bad sequence replaced by U+FFFD. Each object's
/// bytes are validated once, ASCII eight bytes at a time; only an object holding a bad byte is
/// walked again member by member.
struct JSONRecordAssembler: Sendable {
    /// Where an object read by ``appendObject(_:at:position:toEnd:)`` ends, and why it was
    /// refused when it was.
    struct ObjectRead: Sendable {
        /// The offset just past the object.
        var end: Int
        /// Why the well-formed object was not appended (text that is not valid UTF-8), each
        /// naming a field; empty when it was appended.
        var refusals: [String]
    }

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
    /// What happens to a record holding text that is not valid UTF-8.
    let invalidUTF8: InvalidUTF8Handling
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
    /// Every field's key bytes back to back (`keyStarts` has one more entry than fields),
    /// for matching keys without touching `fieldBytes`.
    private var keyTable: [UInt8] = []
    private var keyStarts: [Int] = [0]
    /// The previous record's keys as the path for usual records expects them (see
    /// ``appendUsualObject(_:at:position:toEnd:)``); rebuilt when `templateValid` is false.
    private var template: [JSONUsualKey] = []
    private var templateValid = false
    /// The values of the record being read by that path.
    private var usualMembers: [JSONUsualMember] = []

    init(batchSize: Int, projection: Set<String>? = nil, invalidUTF8: InvalidUTF8Handling = .reject) {
        self.batchSize = batchSize
        self.invalidUTF8 = invalidUTF8
        self.projection = projection.map { Set($0.map { Array($0.utf8) }) }
        positions.reserveCapacity(batchSize)
    }

    /// Rows appended since the last batch was taken.
    var count: Int { positions.count }

    /// Parses the object whose `{` is at `start` in `p` and appends it as a row at `position`.
    /// With `toEnd`, only spaces may follow the object in `p`. Returns the offset after the
    /// object, and the reasons it was refused when its text is not valid UTF-8 (and invalid
    /// UTF-8 is not replaced); on error or refusal nothing is appended.
    mutating func appendObject(
        _ p: UnsafeRawBufferPointer, at start: Int, position: Int, toEnd: Bool = false
    ) throws(JSONScanError) -> ObjectRead {
        if let end = appendUsualObject(p, at: start, position: position, ending: toEnd ? .atEnd : .anywhere) {
            return ObjectRead(end: end, refusals: [])
        }
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
        let end = cursor.i
        guard let bad = UTF8Validation.firstInvalid(UnsafeRawBufferPointer(rebasing: p[start..<end])) else {
            commit(p, position: position, repairing: false)
            return ObjectRead(end: end, refusals: [])
        }
        switch invalidUTF8 {
        case .replace:
            commit(p, position: position, repairing: true)
            return ObjectRead(end: end, refusals: [])
        case .reject:
            while fields.count > fieldsBefore { removeLastField() }
            var reasons = Self.invalidTextReasons(p, objectAt: start)
            if reasons.isEmpty { reasons = ["invalid UTF-8 at byte \(bad) of the record"] }
            return ObjectRead(end: end, refusals: reasons)
        }
    }

    /// One reason per key or member value of the well-formed object at `start` whose text is
    /// not valid UTF-8, with the offset of the bad byte in that text (decoded, for strings).
    static func invalidTextReasons(_ p: UnsafeRawBufferPointer, objectAt start: Int) -> [String] {
        var reasons: [String] = []
        var c = JSONCursor(p, at: start + 1)
        var scratch: [UInt8] = []
        /// The text of the string at the cursor, escapes decoded.
        func scanText(_ c: inout JSONCursor) -> [UInt8]? {
            scratch.removeAll(keepingCapacity: true)
            switch try? c.scanString(into: &scratch) {
            case .raw(let s, let e)?: return Array(UnsafeRawBufferPointer(rebasing: p[s..<e]))
            case .decoded(let s, let e)?: return Array(scratch[s..<e])
            case nil: return nil
            }
        }
        while true {
            c.skipSpace()
            guard !c.atEnd, p[c.i] == UInt8(ascii: "\""), let key = scanText(&c) else { break }
            let name = String(decoding: key, as: UTF8.self)
            if let offset = key.withUnsafeBytes({ UTF8Validation.firstInvalid($0) }) {
                reasons.append("invalid UTF-8 in the key '\(name)' at byte \(offset) of the key")
            }
            c.skipSpace()
            guard !c.atEnd, p[c.i] == UInt8(ascii: ":") else { break }
            c.i += 1
            c.skipSpace()
            guard !c.atEnd else { break }
            let valueStart = c.i
            let offset: Int?
            if p[c.i] == UInt8(ascii: "\"") {
                guard let text = scanText(&c) else { break }
                offset = text.withUnsafeBytes { UTF8Validation.firstInvalid($0) }
            } else {
                guard (try? c.skipValue(depth: 2)) != nil else { break }
                offset = UTF8Validation.firstInvalid(UnsafeRawBufferPointer(rebasing: p[valueStart..<c.i]))
            }
            if let offset { reasons.append(UTF8Validation.reason(field: name, offset: offset)) }
            c.skipSpace()
            guard !c.atEnd, p[c.i] == UInt8(ascii: ",") else { break }
            c.i += 1
        }
        return reasons
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
        keyTable = []
        keyStarts = [0]
        templateValid = false
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

    /// Appends the staged members as a row. `repairing`: the record holds ill-formed UTF-8,
    /// which becomes U+FFFD in its texts (nested values were repaired when parsed).
    private mutating func commit(_ p: UnsafeRawBufferPointer, position: Int, repairing: Bool) {
        for member in staged {
            let f = member.field
            switch member.value {
            case .null: builders[f].appendNull()
            case .bool(let b): builders[f].appendBool(b)
            case .int(let i): builders[f].appendInt(i)
            case .double(let d): builders[f].appendDouble(d)
            case .text(let s, let e):
                let text = UnsafeRawBufferPointer(rebasing: p[s..<e])
                if repairing, UTF8Validation.firstInvalid(text) != nil {
                    UTF8Validation.repaired(text).withUnsafeBytes { builders[f].appendText($0) }
                } else {
                    builders[f].appendText(text)
                }
            case .decodedText(let s, let e):
                if repairing {
                    let text = Array(scratch[s..<e])
                    let fixed = text.withUnsafeBytes { UTF8Validation.firstInvalid($0) == nil ? text : UTF8Validation.repaired($0) }
                    fixed.withUnsafeBytes { builders[f].appendText($0) }
                } else {
                    scratch.withUnsafeBytes { builders[f].appendText(UnsafeRawBufferPointer(rebasing: $0[s..<e])) }
                }
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
            keyTable.append(contentsOf: bytes)
            keyStarts.append(keyTable.count)
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
            if predicted[k] != f { templateValid = false }
            predicted[k] = f
        } else {
            predicted.append(f)
            templateValid = false
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
        keyStarts.removeLast()
        keyTable.removeLast(keyTable.count - keyStarts[keyStarts.count - 1])
        templateValid = false
    }

    @inline(__always)
    private func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a[i] != b[i] { return false }
        return true
    }
}

/// One key of the record shape the path for usual records expects.
struct JSONUsualKey {
    var field: Int
    var keyStart: Int
    var keyLength: Int
    var wanted: Bool
    /// The key's first (up to) eight bytes, little-endian, and the mask of those bytes.
    var prefix: UInt64
    var prefixMask: UInt64
}

/// A wanted value read by the path for usual records (trivial, unlike a staged `Value`).
struct JSONUsualMember {
    enum Kind: UInt8 { case null, bool, int, double, text }
    var field: Int
    var kind: Kind
    /// The integer, the double's bits, the boolean as 0 or 1, or the text's start.
    var payload: UInt64
    /// The text's end.
    var end: Int
}

extension JSONRecordAssembler {
    /// Where an object read by ``appendUsualObject(_:at:position:ending:)`` may end.
    enum UsualEnding {
        /// Anywhere (an element of an array); the end is just past the `}`.
        case anywhere
        /// Only spaces may follow it in the buffer; the end is the buffer's.
        case atEnd
        /// Only spaces, tabs and CRs may follow it up to a line feed (none may be inside
        /// it); the end is that line feed's offset.
        case lineFeed
    }

    /// Reads and appends the NDJSON line whose first byte, `{`, is at `start`, when the
    /// object has the usual shape and only spaces, tabs and CRs follow it up to a line feed;
    /// returns the offset of that line feed, or `nil` (nothing appended).
    mutating func appendUsualLine(_ p: UnsafeRawBufferPointer, at start: Int, position: Int) -> Int? {
        appendUsualObject(p, at: start, position: position, ending: .lineFeed)
    }

    /// Reads and appends the object at `start` when it has the usual shape: its keys, in
    /// order, the first keys of the previous record (or all of them), written without escapes
    /// and none repeated; wanted values strings without escapes, literals, or numbers of up
    /// to 15 digits (18 for integers) without exponent; skipped values anything nested fewer
    /// than 32 levels whose strings have no escapes; and valid UTF-8 throughout. Returns the
    /// end as ``appendObject(_:at:position:toEnd:)`` would, or `nil`, having appended
    /// nothing, for any other object (valid or not), which the general path then reads.
    ///
    /// Every value it reads is the one the general path reads, and it refuses nothing that
    /// the general path reads, so which path reads an object never shows.
    fileprivate mutating func appendUsualObject(_ p: UnsafeRawBufferPointer, at start: Int, position: Int, ending: UsualEnding) -> Int? {
        guard let base = p.baseAddress else { return nil }
        if !templateValid { buildTemplate() }
        guard !template.isEmpty else { return nil }
        var members: [JSONUsualMember] = []
        swap(&members, &usualMembers)
        defer { swap(&members, &usualMembers) }
        members.removeAll(keepingCapacity: true)
        let template = self.template
        let keys = self.keyTable
        let n = p.count
        let lines = ending == .lineFeed
        guard
            var end = template.withUnsafeBufferPointer({ template in
                keys.withUnsafeBytes { keys in
                    JSONUsualScan.object(base, n, from: start, lineFeeds: !lines, template: template, keys: keys, into: &members)
                }
            })
        else { return nil }
        switch ending {
        case .anywhere:
            break
        case .atEnd:
            JSONUsualScan.skipSpace(base, n, &end, lineFeeds: true)
            guard end >= n else { return nil }
        case .lineFeed:
            while end < n {
                let b = base.load(fromByteOffset: end, as: UInt8.self)
                guard b == 0x20 || b == 0x09 || b == 0x0D else { break }
                end += 1
            }
            guard end < n, base.load(fromByteOffset: end, as: UInt8.self) == 0x0A else { return nil }
        }
        if !JSONUsualScan.isASCII(base + start, end - start) {
            guard UTF8Validation.firstInvalid(UnsafeRawBufferPointer(rebasing: p[start..<end])) == nil else { return nil }
        }
        for member in members {
            let f = member.field
            switch member.kind {
            case .null: builders[f].appendNull()
            case .bool: builders[f].appendBool(member.payload != 0)
            case .int: builders[f].appendInt(Int(bitPattern: UInt(member.payload)))
            case .double: builders[f].appendDouble(Double(bitPattern: member.payload))
            case .text: builders[f].appendText(UnsafeRawBufferPointer(rebasing: p[Int(member.payload)..<member.end]))
            }
        }
        if members.count != wantedCount {
            // Fields of earlier records this one lacks.
            stamp &+= 1
            for member in members { lastSet[member.field] = stamp }
            for f in 0..<fields.count where wanted[f] && lastSet[f] != stamp { builders[f].appendAbsent() }
        }
        positions.append(position)
        return end
    }

    /// The previous record's keys, up to the first that is written with escapes, quotes or
    /// control bytes; none at all when a field repeats among them.
    private mutating func buildTemplate() {
        templateValid = true
        template.removeAll(keepingCapacity: true)
        var seen = Set<Int>()
        for f in predicted {
            guard f < fields.count, plainKey[f] else { break }
            guard seen.insert(f).inserted else {
                template.removeAll()
                return
            }
            let key = fieldBytes[f]
            var prefix: UInt64 = 0
            for (k, b) in key.prefix(8).enumerated() { prefix |= UInt64(b) << UInt64(8 * k) }
            let prefixMask: UInt64 = key.count >= 8 ? ~0 : (1 << UInt64(8 * key.count)) - 1
            template.append(
                JSONUsualKey(
                    field: f, keyStart: keyStarts[f], keyLength: keyStarts[f + 1] - keyStarts[f], wanted: wanted[f], prefix: prefix,
                    prefixMask: prefixMask))
        }
    }
}
