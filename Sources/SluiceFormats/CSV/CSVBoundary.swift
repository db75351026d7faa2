/// Finds where a CSV record ends in bytes that arrive piece by piece, so a record carried
/// over from one chunk is completed without rescanning it.
struct CSVBoundary: Sendable {
    /// The scanner's position inside the record.
    enum State: UInt8, Sendable {
        case fieldStart, unquoted, quoted, quoteInQuoted
    }

    let delimiter: UInt8
    var state: State = .fieldStart

    /// The index just past the line feed that ends the record in `p`, or `nil` when `p` ends
    /// inside the record (the state then carries on into the next call).
    mutating func findEnd(_ p: UnsafeRawBufferPointer) -> Int? {
        let quote = UInt8(ascii: "\"")
        var s = state
        for i in 0..<p.count {
            let b = p[i]
            switch s {
            case .quoted:
                if b == quote { s = .quoteInQuoted }
            case .fieldStart, .unquoted, .quoteInQuoted:
                if b == 0x0A {
                    state = .fieldStart
                    return i + 1
                }
                if b == delimiter {
                    s = .fieldStart
                } else if b == quote, s != .unquoted {
                    s = .quoted
                } else {
                    s = .unquoted
                }
            }
        }
        state = s
        return nil
    }
}
