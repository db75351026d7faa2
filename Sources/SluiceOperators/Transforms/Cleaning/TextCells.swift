import SluiceCore

/// Rewrites the text cells of chosen fields with a byte-level function, for the cleaning
/// operations: text columns are rewritten into one new byte buffer, strings inside `[Value]`
/// columns one by one, and every other cell (numbers, nulls, nested values) stays as it is.
enum TextCells {
    /// `batch` with the text of `fields` (every field when `nil`) passed through `rewrite`,
    /// which appends the new bytes of one cell to its second argument.
    static func rewrite(
        _ batch: RecordBatch, fields: [String]?,
        _ rewrite: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void
    ) -> RecordBatch {
        var output = batch
        let targets = fields.map { Set($0) }
        for (index, name) in batch.fields.enumerated() where targets?.contains(name) ?? true {
            if let column = rewritten(batch.columns[index], rewrite) { output.setColumn(column, named: name) }
        }
        return output
    }

    /// The column with its text rewritten, or `nil` when it holds no text.
    static func rewritten(_ column: Column, _ rewrite: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void) -> Column? {
        switch column.storage {
        case .text(let t):
            var bytes: [UInt8] = []
            bytes.reserveCapacity(t.bytes.count)
            var offsets: [Int32] = [0]
            offsets.reserveCapacity(t.offsets.count)
            t.bytes.withUnsafeBufferPointer { source in
                for row in 0..<t.count {
                    if column.isPresent(row) { rewrite(UnsafeBufferPointer(rebasing: source[t.range(row)]), &bytes) }
                    offsets.append(Int32(truncatingIfNeeded: bytes.count))
                }
            }
            return Column(storage: .text(TextColumn(bytes: bytes, offsets: offsets)), presence: column.presence)
        case .dictionary:
            return rewritten(column.flatteningDictionary(), rewrite)
        case .values(let values):
            guard values.contains(where: { $0.stringValue != nil }) else { return nil }
            var buffer: [UInt8] = []
            let rewrittenValues = values.map { value -> Value in
                guard case .string(var s) = value else { return value }
                buffer.removeAll(keepingCapacity: true)
                s.withUTF8 { rewrite($0, &buffer) }
                return .string(String(decoding: buffer, as: UTF8.self))
            }
            return Column(storage: .values(rewrittenValues), presence: column.presence)
        case .ints, .doubles, .bools:
            return nil
        }
    }

    /// Whether every byte is ASCII, checked eight bytes at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let count = bytes.count
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= count {
                if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
        }
        while i < count {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// The Unicode scalar starting at `index` and its length in bytes, or `nil` for an
    /// ill-formed sequence.
    static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (scalar: Unicode.Scalar, length: Int)? {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0..<0x80: return (Unicode.Scalar(lead), 1)
        case 0xC2..<0xE0: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0..<0xF0: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0..<0xF5: length = 4; value = UInt32(lead & 0x07)
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for k in 1..<length {
            let b = bytes[index + k]
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(b & 0x3F)
        }
        return Unicode.Scalar(value).map { ($0, length) }
    }

    /// The start of the scalar that ends just before `end`.
    static func scalarStart(in bytes: UnsafeBufferPointer<UInt8>, before end: Int, floor: Int) -> Int {
        var start = end - 1
        while start > floor, bytes[start] & 0xC0 == 0x80, end - start < 4 { start -= 1 }
        return start
    }

    /// Whether `byte` is ASCII whitespace by Unicode's `White_Space` (tab to carriage return, space).
    @inline(__always)
    static func isASCIISpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
}
