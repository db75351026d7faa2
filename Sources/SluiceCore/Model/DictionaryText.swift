/// Text stored as one small code per row into a dictionary of values, the way a Parquet
/// column chunk stores it: a column of a few distinct strings (a status, a region) then
/// costs four bytes a row, and a filter or a group-by decides each distinct value once.
///
/// Every code indexes ``dictionary``; a null or absent row holds the code of an entry whose
/// text is empty (the placeholder a plain ``TextColumn`` holds there). Entries need not be
/// distinct, and some may be used by no row: a consumer that must not see unused entries
/// (a group-by) goes by the codes of present rows.
///
/// Only the operators that say so (``Transform/readsDictionaryText``) see this storage; the
/// engine turns it into a plain ``TextColumn`` (``Column/flatteningDictionary()``) before
/// any other step, validation or target.
public struct DictionaryText: Sendable {
    /// The values the codes point at.
    public let dictionary: TextColumn
    /// One index into ``dictionary`` per row.
    public let codes: [Int32]

    /// Text whose row `i` is `dictionary[codes[i]]`; `nil` when a code is outside the dictionary.
    public init?(dictionary: TextColumn, codes: [Int32]) {
        guard let size = UInt32(exactly: dictionary.count) else { return nil }
        // One unsigned comparison per code (a negative code is a huge unsigned one), without
        // an early exit, so the loop vectorizes.
        var outside = false
        codes.withUnsafeBufferPointer { codes in
            for code in codes { outside = outside || UInt32(bitPattern: code) >= size }
        }
        guard !outside else { return nil }
        self.dictionary = dictionary
        self.codes = codes
    }

    /// Text whose codes were checked against the dictionary already.
    init(uncheckedDictionary dictionary: TextColumn, codes: [Int32]) {
        self.dictionary = dictionary
        self.codes = codes
    }

    /// The number of rows.
    @inlinable public var count: Int { codes.count }

    /// The dictionary index of row `row`.
    @inlinable public func code(at row: Int) -> Int { Int(codes[row]) }

    /// Row `row` as a `String`.
    public func string(at row: Int) -> String { dictionary.string(at: Int(codes[row])) }

    /// The rows at `rows`, in that order: the codes are gathered, the dictionary is shared.
    public func gathering(_ rows: [Int]) -> DictionaryText {
        DictionaryText(uncheckedDictionary: dictionary, codes: gatherElements(codes, rows))
    }

    /// The same text as a plain ``TextColumn``: each row's bytes copied out of the dictionary
    /// (rows that are not present, per `presence`, get empty text).
    public func flattened(presence: [Column.Presence]?) -> TextColumn {
        dictionary.offsets.withUnsafeBufferPointer { offsets in
            codes.withUnsafeBufferPointer { codes in
                var total = 0
                let newOffsets = [Int32](unsafeUninitializedCapacity: codes.count + 1) { out, count in
                    out[0] = 0
                    for row in 0..<codes.count {
                        let code = Int(codes[row])
                        if presence?[row] ?? .present == .present {
                            total += Int(offsets[code + 1] - offsets[code])
                        }
                        out[row + 1] = Int32(truncatingIfNeeded: total)
                    }
                    count = codes.count + 1
                }
                let bytes = dictionary.bytes.withUnsafeBytes { source in
                    [UInt8](unsafeUninitializedCapacity: total) { out, count in
                        count = total
                        guard let target = UnsafeMutableRawPointer(out.baseAddress), let base = source.baseAddress else { return }
                        for row in 0..<codes.count {
                            let start = Int(newOffsets[row])
                            let length = Int(newOffsets[row + 1]) - start
                            guard length > 0 else { continue }
                            target.advanced(by: start).copyMemory(from: base + Int(offsets[Int(codes[row])]), byteCount: length)
                        }
                    }
                }
                return TextColumn(bytes: bytes, offsets: newOffsets)
            }
        }
    }
}
