import SluiceCore

/// The key of a join on several fields, as one text column of byte strings that are equal
/// exactly when every field's key is equal under ``JoinKey``'s rules, so the single-key
/// index (and its text table) joins on it unchanged.
///
/// Each field's key is a tag byte and its payload: an int (or integral double) as 8 bytes,
/// another double as its bits, text as a 4-byte length and its bytes, a boolean as a byte,
/// a timestamp as its microseconds, and an array or object as its JSON text (so `[1]` and
/// `[1.0]` differ here). A row with a null, missing or NaN key field gets a null key, which
/// never matches (SQL's rule for `a = b AND c = d`).
enum JoinCompositeKey {
    private enum Tag: UInt8 {
        case int = 1, double, text, bool, timestamp, json
    }

    /// The composite keys of `count` rows whose key fields are `columns` (`nil`: missing).
    static func column(_ columns: [Column?], count: Int) -> Column {
        var presence = [Column.Presence](repeating: .present, count: count)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * columns.count * 9)
        var offsets = [Int32](repeating: 0, count: count + 1)
        var nulls = false
        for row in 0..<count {
            let start = bytes.count
            for column in columns {
                guard let column, append(column, row, to: &bytes) else {
                    bytes.removeSubrange(start...)
                    presence[row] = .null
                    nulls = true
                    break
                }
            }
            offsets[row + 1] = Int32(truncatingIfNeeded: bytes.count)
        }
        return Column(storage: .text(TextColumn(bytes: bytes, offsets: offsets)), presence: nulls ? presence : nil)
    }

    /// Appends row `row`'s key of `column`; `false` when it has none.
    @inline(__always)
    private static func append(_ column: Column, _ row: Int, to bytes: inout [UInt8]) -> Bool {
        guard column.isPresent(row) else { return false }
        switch column.storage {
        case .ints(let a): appendWord(.int, UInt64(bitPattern: Int64(a[row])), to: &bytes)
        case .doubles(let a): return append(JoinKey.of(a[row]), to: &bytes)
        case .text(let t):
            t.withBytes(at: row) { text in
                appendWord(.text, UInt64(text.count), count: 4, to: &bytes)
                bytes.append(contentsOf: text)
            }
        case .dictionary(let d):
            d.dictionary.withBytes(at: d.code(at: row)) { text in
                appendWord(.text, UInt64(text.count), count: 4, to: &bytes)
                bytes.append(contentsOf: text)
            }
        case .bools(let a): appendWord(.bool, a[row] ? 1 : 0, count: 1, to: &bytes)
        case .values(let a): return append(JoinKey.of(a[row]), to: &bytes)
        }
        return true
    }

    private static func append(_ key: JoinKey, to bytes: inout [UInt8]) -> Bool {
        switch key {
        case .none: return false
        case .int(let i): appendWord(.int, UInt64(bitPattern: Int64(i)), to: &bytes)
        case .double(let bits): appendWord(.double, bits, to: &bytes)
        case .text(let s):
            appendWord(.text, UInt64(s.utf8.count), count: 4, to: &bytes)
            bytes.append(contentsOf: s.utf8)
        case .other(let value):
            switch value {
            case .bool(let b): appendWord(.bool, b ? 1 : 0, count: 1, to: &bytes)
            case .timestamp(let t): appendWord(.timestamp, UInt64(bitPattern: t.microseconds), to: &bytes)
            default:
                let json = JSONText.string(value).utf8
                appendWord(.json, UInt64(json.count), count: 4, to: &bytes)
                bytes.append(contentsOf: json)
            }
        }
        return true
    }

    /// The tag, then the low `count` bytes of `word`, little-endian.
    @inline(__always)
    private static func appendWord(_ tag: Tag, _ word: UInt64, count: Int = 8, to bytes: inout [UInt8]) {
        bytes.append(tag.rawValue)
        for k in 0..<count { bytes.append(UInt8(truncatingIfNeeded: word >> (8 * UInt64(k)))) }
    }
}
