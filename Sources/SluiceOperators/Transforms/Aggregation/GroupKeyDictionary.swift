import SluiceCore

/// Dense codes for the distinct values of one group-by field, in first-seen order.
///
/// Values group as ``Value``'s equality has it: null and absent are one key, `1` and `1.0`
/// are one key, `"1"` and `1` are two. Typed columns are hashed from their storage (integers
/// as words, text as bytes), so no `Value` is built per row.
struct GroupKeyDictionary: Sendable {
    /// The representative value of each code (the first one seen); empty unless ``storesKeys``.
    private(set) var keys: [Value] = []
    /// Whether ``keys`` is kept. A dedupe only asks "seen before?", and keeping a `String`
    /// per distinct text key would cost an allocation each.
    let storesKeys: Bool
    /// The number of codes handed out.
    private(set) var count: Int32 = 0
    private var nullCode: Int32 = -1
    private var falseCode: Int32 = -1
    private var trueCode: Int32 = -1
    /// Integers, and doubles with an integral value (so `1.0` meets `1`).
    private var integers: IntCodeTable
    /// Other doubles, by bit pattern.
    private var fractions: IntCodeTable
    private var texts: TextCodeTable
    /// Timestamps, arrays and objects: rare as group keys, so hashed as values.
    private var others: [Value: Int32] = [:]

    init(seed: UInt64, storesKeys: Bool = true) {
        self.storesKeys = storesKeys
        integers = IntCodeTable(seed: seed)
        fractions = IntCodeTable(seed: seed &+ 1)
        texts = TextCodeTable(seed: seed &+ 2)
    }

    private var next: Int32 { count }

    /// Hands out the next code, keeping `value` as its representative when keys are stored.
    @inline(__always)
    private mutating func record(_ value: @autoclosure () -> Value) {
        count += 1
        if storesKeys { keys.append(value()) }
    }

    /// The bytes the tables hold, plus the representative values (whose strings copy the text
    /// table's key bytes).
    var estimatedBytes: Int {
        integers.estimatedBytes + fractions.estimatedBytes + texts.estimatedBytes
            + keys.capacity * MemoryLayout<Value>.stride + (storesKeys ? texts.keyBytes : 0)
            + others.count * 2 * MemoryLayout<Value>.stride
    }

    /// The code of `value`, assigning the next one when it is new.
    mutating func code(of value: Value) -> Int32 {
        switch value {
        case .null: return nullKey()
        case .bool(let b): return boolKey(b)
        case .int(let i): return integerKey(i, value)
        case .double(let d): return doubleKey(d)
        case .string(var s): return s.withUTF8 { textKey(UnsafeRawBufferPointer($0), make: { value }) }
        case .timestamp, .array, .object:
            if let code = others[value] { return code }
            let code = next
            others[value] = code
            record(value)
            return code
        }
    }

    /// Writes the code of every row of `column` (all null when the batch lacks the field) to `codes`.
    mutating func codes(of column: Column?, count: Int, into codes: inout [Int32]) {
        codes.removeAll(keepingCapacity: true)
        guard let column else {
            let code = nullKey()
            codes.append(contentsOf: repeatElement(code, count: count))
            return
        }
        switch column.storage {
        case .ints(let a):
            codes.append(contentsOf: repeatElement(0, count: count))
            codes.withUnsafeMutableBufferPointer { out in
                a.withUnsafeBufferPointer { a in
                    if let presence = column.presence {
                        for row in 0..<count { out[row] = presence[row] == .present ? integerKey(a[row], nil) : nullKey() }
                    } else {
                        for row in 0..<count { out[row] = integerKey(a[row], nil) }
                    }
                }
            }
        case .doubles(let a):
            for row in 0..<count { codes.append(column.isPresent(row) ? doubleKey(a[row]) : nullKey()) }
        case .text(let t):
            codes.append(contentsOf: repeatElement(0, count: count))
            codes.withUnsafeMutableBufferPointer { out in
                guard let out = out.baseAddress else { return }
                if let presence = column.presence {
                    presence.withUnsafeBufferPointer { textCodes(t, count: count, presence: $0.baseAddress, into: out) }
                } else {
                    textCodes(t, count: count, presence: nil, into: out)
                }
            }
        case .dictionary(let d):
            dictionaryCodes(d, count: count, presence: column.presence, into: &codes)
        case .bools, .values:
            for row in 0..<count { codes.append(code(of: column.value(at: row))) }
        }
    }

    /// The codes of the first `count` rows of dictionary-encoded text. An entry is looked up
    /// when a present row first uses it and remembered for the batch, so codes stay in
    /// first-seen order and unused entries never become keys. A dictionary with more entries
    /// than the batch has rows is looked up row by row instead (preparing its memo would
    /// cost more than it saves).
    private mutating func dictionaryCodes(_ d: DictionaryText, count: Int, presence: [Column.Presence]?, into codes: inout [Int32]) {
        let entries = d.dictionary
        let memoized = entries.count <= count
        var memo = [Int32](repeating: -1, count: memoized ? entries.count : 0)
        codes.append(contentsOf: repeatElement(0, count: count))
        codes.withUnsafeMutableBufferPointer { out in
            entries.bytes.withUnsafeBytes { bytes in
                entries.offsets.withUnsafeBufferPointer { offsets in
                    d.codes.withUnsafeBufferPointer { rowCodes in
                        for row in 0..<count {
                            if let presence, presence[row] != .present {
                                out[row] = nullKey()
                                continue
                            }
                            let entry = Int(rowCodes[row])
                            if memoized, memo[entry] >= 0 {
                                out[row] = memo[entry]
                                continue
                            }
                            let cell = UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[entry])..<Int(offsets[entry + 1])])
                            let code = textKey(cell) { .string(String(decoding: cell, as: UTF8.self)) }
                            if memoized { memo[entry] = code }
                            out[row] = code
                        }
                    }
                }
            }
        }
    }

    /// The codes of the first `count` rows of the text column `t`. Null rows get the null
    /// key's code; as long as that has not been handed out, rows are taken up to each null
    /// in turn, so codes stay in first-seen order.
    private mutating func textCodes(_ t: TextColumn, count: Int, presence: UnsafePointer<Column.Presence>?, into out: UnsafeMutablePointer<Int32>) {
        var inserted: [Int] = []
        t.bytes.withUnsafeBytes { bytes in
            t.offsets.withUnsafeBufferPointer { offsets in
                guard let offsets = offsets.baseAddress else { return }
                var row = 0
                while row < count {
                    var end = count
                    if nullCode < 0, let presence {
                        end = row
                        while end < count, presence[end] == .present { end += 1 }
                    }
                    if row < end {
                        var next = self.count
                        inserted.removeAll(keepingCapacity: true)
                        texts.codes(
                            bytes: bytes, offsets: offsets, rows: row..<end, presence: presence, nullCode: nullCode, next: &next, into: out,
                            inserted: &inserted)
                        self.count = next
                        if storesKeys {
                            for r in inserted {
                                let cell = UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[r])..<Int(offsets[r + 1])])
                                keys.append(.string(String(decoding: cell, as: UTF8.self)))
                            }
                        }
                    }
                    if end < count {
                        out[end] = nullKey()
                        end += 1
                    }
                    row = end
                }
            }
        }
    }

    @inline(__always)
    private mutating func nullKey() -> Int32 {
        if nullCode < 0 {
            nullCode = next
            record(.null)
        }
        return nullCode
    }

    private mutating func boolKey(_ b: Bool) -> Int32 {
        let existing = b ? trueCode : falseCode
        if existing >= 0 { return existing }
        let code = next
        if b { trueCode = code } else { falseCode = code }
        record(.bool(b))
        return code
    }

    @inline(__always)
    private mutating func integerKey(_ i: Int, _ value: Value?) -> Int32 {
        let code = integers.findOrInsert(UInt64(bitPattern: Int64(i)), next: next)
        if code == next { record(value ?? .int(i)) }
        return code
    }

    @inline(__always)
    private mutating func doubleKey(_ d: Double) -> Int32 {
        if d.rounded() == d, d.magnitude < 9.2e18 {
            let code = integers.findOrInsert(UInt64(bitPattern: Int64(d)), next: next)
            if code == next { record(.double(d)) }
            return code
        }
        let bits = d.isNaN ? Double.nan.bitPattern : d.bitPattern
        let code = fractions.findOrInsert(bits, next: next)
        if code == next { record(.double(d)) }
        return code
    }

    @inline(__always)
    private mutating func textKey(_ bytes: UnsafeRawBufferPointer, make: () -> Value) -> Int32 {
        let code = texts.findOrInsert(bytes, next: next)
        if code == next { record(make()) }
        return code
    }
}
