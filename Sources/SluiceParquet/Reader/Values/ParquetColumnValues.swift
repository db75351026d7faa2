import SluiceCore

/// Converted values of one column, in the typed storage a ``Column`` takes: a batch's rows of
/// a flat column (with placeholders at null rows), the present values of a nested leaf, or
/// a converted dictionary.
///
/// Each kind has its own array (not an enum payload), so appends mutate in place. Values that
/// could not be converted (invalid UTF-8, a timestamp out of range) hold a placeholder and
/// are listed in ``invalid`` with the reason, for the reader to refuse their records.
///
/// With ``keepsCodes``, text read from dictionary pages is kept as codes into the dictionary
/// (``codeEntries``, ``codes``) and becomes a ``DictionaryText`` column; the first value
/// that comes any other way turns the codes into plain text (``materializeCodes()``).
struct ParquetColumnValues {
    enum Kind: Sendable { case ints, doubles, bools, text, values }

    private(set) var kind: Kind
    var ints: [Int] = []
    var doubles: [Double] = []
    var bools: [Bool] = []
    var textBytes: [UInt8] = []
    var textOffsets: [Int32] = [0]
    var values: [Value] = []
    /// Indices of values that could not be converted, ascending, with the reason.
    var invalid: [(index: Int, reason: String)] = []
    /// Whether text gathered from a dictionary may stay codes (flat columns the engine reads).
    var keepsCodes = false
    /// While the text is held as codes: the dictionary's ``preparedEntries`` they index.
    private(set) var codeEntries: TextColumn?
    /// On a dictionary: its entries with one empty entry appended (the code of null rows),
    /// prepared once by ``prepareCodeEntries()``; `nil` when its text cannot be kept as codes.
    private(set) var preparedEntries: TextColumn?
    /// One code per value while ``codeEntries`` is set on batch values.
    private(set) var codes: [Int32] = []

    init(kind: Kind) { self.kind = kind }

    /// The number of values.
    var count: Int {
        switch kind {
        case .ints: return ints.count
        case .doubles: return doubles.count
        case .bools: return bools.count
        case .text: return codeEntries == nil ? textOffsets.count - 1 : codes.count
        case .values: return values.count
        }
    }

    /// Empties the values, keeping capacity and kind (`kind` resets to `initial`).
    mutating func removeAll(resettingTo initial: Kind) {
        kind = initial
        ints.removeAll(keepingCapacity: true)
        doubles.removeAll(keepingCapacity: true)
        bools.removeAll(keepingCapacity: true)
        textBytes.removeAll(keepingCapacity: true)
        textOffsets.removeAll(keepingCapacity: true)
        textOffsets.append(0)
        values.removeAll(keepingCapacity: true)
        invalid.removeAll()
        codeEntries = nil
        codes.removeAll(keepingCapacity: true)
    }

    /// Reserves room for `count` more values.
    mutating func reserve(_ count: Int) {
        switch kind {
        case .ints: ints.reserveCapacity(ints.count + count)
        case .doubles: doubles.reserveCapacity(doubles.count + count)
        case .bools: bools.reserveCapacity(bools.count + count)
        case .text: textOffsets.reserveCapacity(textOffsets.count + count)
        case .values: values.reserveCapacity(values.count + count)
        }
    }

    /// Value `i` as a ``Value``.
    func value(at i: Int) -> Value {
        switch kind {
        case .ints: return .int(ints[i])
        case .doubles: return .double(doubles[i])
        case .bools: return .bool(bools[i])
        case .text:
            if let codeEntries { return .string(codeEntries.string(at: Int(codes[i]))) }
            let range = Int(textOffsets[i])..<Int(textOffsets[i + 1])
            return .string(textBytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) })
        case .values: return values[i]
        }
    }

    /// Moves every value to `[Value]` storage (a column whose values turn out to be of
    /// mixed kinds: an unsigned 64-bit value above `Int.max` among smaller ones).
    mutating func promoteToValues() {
        guard kind != .values else { return }
        var converted: [Value] = []
        converted.reserveCapacity(count)
        for i in 0..<count { converted.append(value(at: i)) }
        ints = []
        doubles = []
        bools = []
        textBytes = []
        textOffsets = [0]
        codeEntries = nil
        codes = []
        values = converted
        kind = .values
    }

    // MARK: - Dictionary codes

    /// On a converted dictionary page: prepares the entries batch values keep codes into,
    /// when it is text whose every entry converted (an entry refused for invalid UTF-8
    /// refuses each row that uses it, which the plain path reports).
    mutating func prepareCodeEntries() {
        guard kind == .text, invalid.isEmpty else { return }
        var offsets = textOffsets
        offsets.append(offsets[offsets.count - 1])
        preparedEntries = TextColumn(bytes: textBytes, offsets: offsets)
    }

    /// Appends `indices` (checked against the dictionary's size) as codes when this is text
    /// that keeps codes and holds none from another dictionary; false when it cannot.
    private mutating func appendCodes(_ indices: UnsafeBufferPointer<UInt32>, from dictionary: ParquetColumnValues) -> Bool {
        guard keepsCodes, kind == .text, let entries = dictionary.preparedEntries else { return false }
        if let current = codeEntries {
            // Codes index one dictionary; a second dictionary page in a chunk is rare enough to read as plain text.
            let same = current.offsets.withUnsafeBufferPointer { a in entries.offsets.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
            guard same else { return false }
        } else {
            guard count == 0 else { return false }
            codeEntries = entries
            codes.reserveCapacity(textOffsets.capacity)
        }
        // Indices are below the dictionary's size (at most Int32.max entries), so their bits are the codes.
        indices.withMemoryRebound(to: Int32.self) { codes.append(contentsOf: $0) }
        return true
    }

    /// Turns codes held so far into plain text (each row's entry copied; null rows' entry is
    /// empty); nothing when the text is not held as codes.
    mutating func materializeCodes() {
        guard let entries = codeEntries else { return }
        codeEntries = nil
        let held = codes
        codes = []
        held.withUnsafeBufferPointer { held in
            held.withMemoryRebound(to: UInt32.self) { gatherText($0, offsets: entries.offsets, bytes: entries.bytes) }
        }
    }

    // MARK: - Appending

    /// Appends one text value.
    @inline(__always)
    mutating func appendText(_ bytes: UnsafeRawBufferPointer) {
        textBytes.append(contentsOf: bytes)
        textOffsets.append(Int32(truncatingIfNeeded: textBytes.count))
    }

    /// Closes a text value whose bytes were appended to ``textBytes`` directly.
    @inline(__always)
    mutating func endText() {
        textOffsets.append(Int32(truncatingIfNeeded: textBytes.count))
    }

    /// Appends a placeholder for a value that could not be converted, and the reason.
    mutating func appendInvalid(_ reason: String) {
        materializeCodes()
        invalid.append((count, reason))
        switch kind {
        case .ints: ints.append(0)
        case .doubles: doubles.append(0)
        case .bools: bools.append(false)
        case .text: endText()
        case .values: values.append(.null)
        }
    }

    /// Appends a value of another kind than the storage's (promoting the storage).
    mutating func appendValue(_ value: Value) {
        if kind != .values { promoteToValues() }
        values.append(value)
    }

    /// Throws when the text outgrows 32-bit offsets.
    func checkTextSize() throws(ParquetDecodeError) {
        if textBytes.count > ParquetReadLimits.maximumTextBytesPerBatch {
            throw ParquetDecodeError("more than 2 GiB of text in one batch; read with a smaller batch size")
        }
    }

    /// Appends the dictionary entries `indices` of `dictionary` (indices checked against its size).
    mutating func gather(_ indices: UnsafeBufferPointer<UInt32>, from dictionary: ParquetColumnValues) throws(ParquetDecodeError) {
        let size = dictionary.count
        var bad = false
        for index in indices where Int(index) >= size { bad = true }
        if bad { throw ParquetDecodeError("a dictionary index is not below the dictionary's \(size) entries") }
        let base = count
        if !dictionary.invalid.isEmpty {
            // Entries that could not be converted hold their placeholder (repaired text);
            // every row that uses one is listed with the entry's reason.
            let reasons = Dictionary(dictionary.invalid.map { ($0.index, $0.reason) }, uniquingKeysWith: { first, _ in first })
            for (offset, index) in indices.enumerated() {
                if let reason = reasons[Int(index)] { invalid.append((base + offset, reason)) }
            }
        }
        if appendCodes(indices, from: dictionary) { return }
        materializeCodes()
        if dictionary.kind != kind { promoteToValues() }
        switch kind {
        case .ints:
            dictionary.ints.withUnsafeBufferPointer { d in for index in indices { ints.append(d[Int(index)]) } }
        case .doubles:
            dictionary.doubles.withUnsafeBufferPointer { d in for index in indices { doubles.append(d[Int(index)]) } }
        case .bools:
            dictionary.bools.withUnsafeBufferPointer { d in for index in indices { bools.append(d[Int(index)]) } }
        case .text:
            gatherText(indices, offsets: dictionary.textOffsets, bytes: dictionary.textBytes)
        case .values:
            if dictionary.kind == .values {
                dictionary.values.withUnsafeBufferPointer { d in for index in indices { values.append(d[Int(index)]) } }
            } else {
                for index in indices { values.append(dictionary.value(at: Int(index))) }
            }
        }
    }

    /// Appends the texts `indices` of a dictionary's `offsets` and `bytes`: the bytes are
    /// sized once and copied entry by entry (most are a few bytes long, where appending each
    /// as a collection costs more than the copy).
    private mutating func gatherText(_ indices: UnsafeBufferPointer<UInt32>, offsets: [Int32], bytes: [UInt8]) {
        offsets.withUnsafeBufferPointer { offsets in
            var total = 0
            for index in indices {
                let i = Int(index)
                total &+= Int(offsets[i + 1]) &- Int(offsets[i])
            }
            let start = textBytes.count
            let needed = start + total
            if textBytes.capacity < needed { textBytes.reserveCapacity(Swift.max(needed, textBytes.capacity * 2)) }
            textBytes.append(contentsOf: repeatElement(0, count: total))
            textBytes.withUnsafeMutableBytes { target in
                bytes.withUnsafeBytes { source in
                    guard let to = target.baseAddress, let from = source.baseAddress else { return }
                    var cursor = start
                    for index in indices {
                        let i = Int(index)
                        let low = Int(offsets[i])
                        let length = Int(offsets[i + 1]) &- low
                        (to + cursor).copyMemory(from: from + low, byteCount: length)
                        cursor &+= length
                    }
                }
            }
            let neededOffsets = textOffsets.count + indices.count
            if textOffsets.capacity < neededOffsets {
                textOffsets.reserveCapacity(Swift.max(neededOffsets, textOffsets.capacity * 2))
            }
            var end = start
            for index in indices {
                let i = Int(index)
                end &+= Int(offsets[i + 1]) &- Int(offsets[i])
                textOffsets.append(Int32(truncatingIfNeeded: end))
            }
        }
    }

    // MARK: - Nulls

    /// Spreads the values appended since `base` over the rows `levels` describes: a row whose
    /// level is `presentLevel` takes the next value, any other row a null placeholder.
    /// Afterwards there is one value per level.
    mutating func spreadNulls(from base: Int, levels: UnsafeBufferPointer<UInt8>, presentLevel: UInt8) {
        let rows = levels.count
        let present = count - base
        guard present < rows else { return }
        let missing = rows - present
        switch kind {
        case .ints: Self.spread(&ints, base: base, levels: levels, presentLevel: presentLevel, missing: missing, placeholder: 0)
        case .doubles: Self.spread(&doubles, base: base, levels: levels, presentLevel: presentLevel, missing: missing, placeholder: 0)
        case .bools: Self.spread(&bools, base: base, levels: levels, presentLevel: presentLevel, missing: missing, placeholder: false)
        case .values: Self.spread(&values, base: base, levels: levels, presentLevel: presentLevel, missing: missing, placeholder: .null)
        case .text where codeEntries != nil:
            let nullCode = Int32(truncatingIfNeeded: (codeEntries?.count ?? 1) - 1)
            Self.spread(&codes, base: base, levels: levels, presentLevel: presentLevel, missing: missing, placeholder: nullCode)
        case .text:
            // Offsets: entry base + r + 1 is the end of row r; a null row ends where the
            // last present value before it ends. Filled from the back, in place.
            textOffsets.append(contentsOf: repeatElement(0, count: missing))
            textOffsets.withUnsafeMutableBufferPointer { offsets in
                var source = base + present - 1
                for row in stride(from: rows - 1, through: 0, by: -1) {
                    if levels[row] == presentLevel {
                        offsets[base + row + 1] = offsets[source + 1]
                        source -= 1
                    } else {
                        offsets[base + row + 1] = offsets[source + 1]
                    }
                }
            }
        }
        remapInvalid(from: base, levels: levels, presentLevel: presentLevel)
    }

    private static func spread<T>(
        _ array: inout [T], base: Int, levels: UnsafeBufferPointer<UInt8>, presentLevel: UInt8, missing: Int, placeholder: T
    ) {
        let rows = levels.count
        array.append(contentsOf: repeatElement(placeholder, count: missing))
        array.withUnsafeMutableBufferPointer { out in
            var source = out.count - missing - 1
            for row in stride(from: rows - 1, through: 0, by: -1) {
                if levels[row] == presentLevel {
                    out[base + row] = out[source]
                    source -= 1
                } else {
                    out[base + row] = placeholder
                }
            }
        }
    }

    /// After spreading: invalid entries at value index base + j move to the row of the j-th
    /// present level.
    private mutating func remapInvalid(from base: Int, levels: UnsafeBufferPointer<UInt8>, presentLevel: UInt8) {
        guard let first = invalid.firstIndex(where: { $0.index >= base }) else { return }
        var entry = first
        var ordinal = 0
        for row in 0..<levels.count where levels[row] == presentLevel {
            while entry < invalid.count, invalid[entry].index - base == ordinal {
                invalid[entry].index = base + row
                entry += 1
            }
            ordinal += 1
            if entry == invalid.count { break }
        }
    }

    // MARK: - Columns

    /// The values as a ``Column`` with `presence`.
    func column(presence: [Column.Presence]?) -> Column {
        switch kind {
        case .ints: return Column(storage: .ints(ints), presence: presence)
        case .doubles: return Column(storage: .doubles(doubles), presence: presence)
        case .bools: return Column(storage: .bools(bools), presence: presence)
        case .text:
            if let codeEntries, let text = DictionaryText(dictionary: codeEntries, codes: codes) {
                return Column(storage: .dictionary(text), presence: presence)
            }
            var plain = self
            plain.materializeCodes()
            return Column(storage: .text(TextColumn(bytes: plain.textBytes, offsets: plain.textOffsets)), presence: presence)
        case .values: return Column(storage: .values(values), presence: presence)
        }
    }
}
